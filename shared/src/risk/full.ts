// Risk over a whole view at once (`stance scan`, the API's attack-path listing, and the
// reference the RiskTracker is tested against).
import { podControllerKind } from '../engine/evaluate.js';
import type { ClusterView } from '../engine/types.js';
import { POD_BEARING_KINDS } from '../model/kinds.js';
import { identityOf } from '../model/object.js';
import { workloadContext } from './context.js';
import { RiskIndex } from './risk-index.js';
import type { AttackPath } from './types.js';

/**
 * The risk state of every workload of the view. Like the engine, a pod-bearing object
 * owned by another (a Pod of a ReplicaSet) is represented by its owner. The view must hold
 * the pod-bearing kinds and RISK_READS.
 */
export function riskIndexOf(view: ClusterView): RiskIndex {
  const index = new RiskIndex();
  for (const kind of POD_BEARING_KINDS) {
    for (const w of view.list(kind)) {
      if (podControllerKind(w) !== undefined) continue;
      const ctx = workloadContext(view, w);
      if (ctx) index.set(identityOf(w), ctx);
    }
  }
  return index;
}

/** Every attack path of the view, the highest scored first. */
export function attackPaths(view: ClusterView): AttackPath[] {
  return riskIndexOf(view).attackPaths();
}
