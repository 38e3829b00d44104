// One incremental engine per cluster, reading that cluster's stored objects: user
// exceptions first, then the built-in exemptions; relation re-evaluations as partial results.
// With risk, the internal `risk.context` check runs beside the controls (never exempted).
import { composeExemptions, defaultExemptionFor, IncrementalEngine, type Control, type EngineConfig } from '@stance/shared/engine/index';
import type { ResourceStore } from '../store/resources.js';
import type { ExceptionStore } from './exceptions.js';
import type { FindingRisk } from './finding-risk.js';
import type { ListCache } from './list-cache.js';

export class EngineRegistry {
  private readonly engines = new Map<string, IncrementalEngine>();

  constructor(
    private readonly resources: ResourceStore,
    private readonly lists: ListCache,
    private readonly controls: readonly Control[],
    private readonly config: EngineConfig,
    private readonly exceptions: ExceptionStore,
    private readonly risk?: FindingRisk,
  ) {}

  stats(clusterId: string): { subjects: number; readKeys: number } | undefined {
    return this.engines.get(clusterId)?.stats;
  }

  for(clusterId: string): IncrementalEngine {
    let e = this.engines.get(clusterId);
    if (!e) {
      const { resources, lists, exceptions } = this;
      const internal = this.risk?.control(clusterId);
      // A user's exception first (its reason names it), then the built-in exemptions.
      const exempt = composeExemptions((controlId, subject) => exceptions.reasonFor(clusterId, controlId, subject), defaultExemptionFor(this.config));
      e = new IncrementalEngine({
        controls: internal ? [...this.controls, internal] : this.controls,
        config: this.config,
        exemptionFor: internal ? (controlId, subject) => (controlId === internal.id ? undefined : exempt(controlId, subject)) : exempt,
        // A NetworkPolicy or binding change re-runs only the relation control concerned on
        // the subjects it reaches (merged by the outcome recorder), not all of their controls.
        partialResults: true,
        source: {
          get: (kind, namespace, name) => resources.get(clusterId, kind, namespace, name),
          list: (kind, namespace) => lists.list(clusterId, kind, namespace),
          lookup: (kind, index, key) => lists.lookup(clusterId, kind, index, key),
        },
      });
      this.engines.set(clusterId, e);
    }
    return e;
  }
}
