// Measures risk over a generated cluster: the full evaluation (`riskIndexOf`, what a scan
// runs), the tracker's initial load and heap, and the latency of single changes with
// everything loaded for each kind of link: a workload, a LoadBalancer Service and an
// Ingress appearing in front of it, a RoleBinding, a NetworkPolicy. Shared by
// risk/testing/profile.ts (and a bench section, later).
import { indexOver } from '../../engine/lookup.js';
import { spread, timeChanges, type LatencyFigures } from '../../engine/testing/engine-bench.js';
import { MutableView } from '../../engine/testing/mutable-view.js';
import type { ClusterView } from '../../engine/types.js';
import type { KubeObject } from '../../model/object.js';
import { riskIndexOf } from '../full.js';
import { RiskTracker } from '../tracker.js';

export interface RiskBenchFigures {
  objects: number;
  workloads: number;
  attackPaths: number;
  fullMs: number;
  trackerLoadMs: number;
  readKeys: number;
  /** Heap the tracker holds after its initial load (when run with --expose-gc). */
  trackerHeapMiB?: number;
  /** subjectsPerChange: here, the objects each change reports (whose risk may move). */
  latency: Record<'workload' | 'loadBalancer' | 'ingress' | 'roleBinding' | 'networkPolicy', LatencyFigures>;
}

/**
 * A MutableView answering lookups from indexes kept until their kind changes, as the
 * collector's list cache does (without one, every batch would index whole lists again).
 */
function withLookups(view: MutableView): ClusterView & { put(o: KubeObject): void } {
  return {
    get: (k, ns, name) => view.get(k, ns, name),
    list: (k, ns) => view.list(k, ns),
    lookup: (k, index, key) => indexOver(view.list(k), index).get(key) ?? [],
    put: (o) => view.put(o),
  };
}

const gc = (globalThis as { gc?: () => void }).gc;
const heapMiB = () => {
  gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

export function runRiskBench(objects: readonly KubeObject[], changes = 100): RiskBenchFigures {
  const t0 = performance.now();
  const full = riskIndexOf(new MutableView(objects));
  const fullMs = performance.now() - t0;
  const attackPaths = full.attackPaths().length;

  const view = withLookups(new MutableView(objects));
  const before = heapMiB();
  const tracker = new RiskTracker({ source: view });
  const t1 = performance.now();
  tracker.evaluateBatch(objects);
  const trackerLoadMs = performance.now() - t1;
  const trackerHeapMiB = gc ? heapMiB() - before : undefined;

  const deployments = spread(objects, 'Deployment', changes);
  const workload = timeChanges(tracker, view, deployments, (o, i) => {
    const next = structuredClone(o);
    const spec = (next.spec as { template: { spec: { containers: { securityContext?: Record<string, unknown> }[] } } }).template.spec;
    spec.containers[0]!.securityContext = { ...spec.containers[0]!.securityContext, privileged: i % 2 === 0 };
    return next;
  });
  // A Service of type LoadBalancer appears in front of a Deployment, then an Ingress.
  const lbOf = (d: KubeObject): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: `${d.metadata.name}-lb`, namespace: d.metadata.namespace, uid: `${d.metadata.uid}-lb` },
    spec: { type: 'LoadBalancer', selector: { app: d.metadata.labels?.app ?? '' } },
  });
  const loadBalancer = timeChanges(tracker, view, deployments, lbOf);
  const ingress = timeChanges(tracker, view, deployments, (d) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: `${d.metadata.name}-web`, namespace: d.metadata.namespace, uid: `${d.metadata.uid}-web` },
    spec: { defaultBackend: { service: { name: `${d.metadata.name}-lb`, port: { number: 80 } } } },
  }));
  const roleBinding = timeChanges(tracker, view, spread(objects, 'RoleBinding', changes), (o, i) => {
    const next = structuredClone(o);
    (next as Record<string, unknown>).subjects = [{ kind: 'ServiceAccount', name: i % 2 === 0 ? 'default' : `bench-${i}`, namespace: next.metadata.namespace }];
    return next;
  });
  const networkPolicy = timeChanges(tracker, view, spread(objects, 'NetworkPolicy', changes), (o, i) => {
    const next = structuredClone(o);
    (next.spec as Record<string, unknown>).podSelector = i % 2 === 0 ? {} : { matchLabels: { tier: 'backend' } };
    return next;
  });
  return {
    objects: objects.length,
    workloads: full.size,
    attackPaths,
    fullMs,
    trackerLoadMs,
    readKeys: tracker.stats.readKeys,
    ...(trackerHeapMiB !== undefined ? { trackerHeapMiB } : {}),
    latency: { workload, loadBalancer, ingress, roleBinding, networkPolicy },
  };
}
