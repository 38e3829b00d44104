// One incremental engine per cluster, reading that cluster's stored objects: user
// exceptions first, then the built-in exemptions; relation re-evaluations as partial results.
import { composeExemptions, defaultExemptionFor, IncrementalEngine, type Control, type EngineConfig } from '@stance/shared/engine/index';
import type { ResourceStore } from '../store/resources.js';
import type { ExceptionStore } from './exceptions.js';
import type { ListCache } from './list-cache.js';

export class EngineRegistry {
  private readonly engines = new Map<string, IncrementalEngine>();

  constructor(
    private readonly resources: ResourceStore,
    private readonly lists: ListCache,
    private readonly controls: readonly Control[],
    private readonly config: EngineConfig,
    private readonly exceptions: ExceptionStore,
  ) {}

  stats(clusterId: string): { subjects: number; readKeys: number } | undefined {
    return this.engines.get(clusterId)?.stats;
  }

  for(clusterId: string): IncrementalEngine {
    let e = this.engines.get(clusterId);
    if (!e) {
      const { resources, lists, exceptions } = this;
      e = new IncrementalEngine({
        controls: this.controls,
        config: this.config,
        // A user's exception first (its reason names it), then the built-in exemptions.
        exemptionFor: composeExemptions((controlId, subject) => exceptions.reasonFor(clusterId, controlId, subject), defaultExemptionFor(this.config)),
        // A NetworkPolicy or binding change re-runs only the relation control concerned on
        // the subjects it reaches (merged by the outcome recorder), not all of their controls.
        partialResults: true,
        source: {
          get: (kind, namespace, name) => resources.get(clusterId, kind, namespace, name),
          list: (kind, namespace) => (namespace === undefined ? lists.list(clusterId, kind) : resources.list(clusterId, kind, namespace)),
          lookup: (kind, index, key) => lists.lookup(clusterId, kind, index, key),
        },
      });
      this.engines.set(clusterId, e);
    }
    return e;
  }
}
