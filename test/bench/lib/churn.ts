// A steady stream of changes to the test API server, as a busy cluster makes them: pods
// relabelled (half), Deployments' pod templates annotated (a quarter: evaluated in full,
// and read by relation checks) and ConfigMaps edited (a quarter), spread over the
// generated namespaces at a fixed rate. The agent sees them through its watches like any
// other change.
import type { TestApiServer } from '@stance/dev-cluster';
import type { KubeObject } from '@stance/shared/model/index';

const TICK_MS = 20;

export interface ChurnStats {
  changes: number;
  seconds: number;
  perSecond: number;
  /** Patches the API server refused (an object deleted meanwhile): skipped. */
  failed: number;
}

export interface Churn {
  stop(): ChurnStats;
}

function pool(api: TestApiServer, kind: string): KubeObject[] {
  const all = api.list(kind).filter((o) => o.metadata.namespace?.startsWith('gen-'));
  // Every nth object, so the changes spread over namespaces.
  const step = Math.max(1, Math.floor(all.length / 2000));
  return all.filter((_, i) => i % step === 0);
}

export function startChurn(api: TestApiServer, perSecond: number): Churn {
  const pods = pool(api, 'Pod');
  const deployments = pool(api, 'Deployment');
  const configMaps = pool(api, 'ConfigMap');
  const started = performance.now();
  let changes = 0;
  let failed = 0;
  const change = (n: number) => {
    const slot = n % 4;
    const [list, patch] =
      slot < 2
        ? [pods, { metadata: { labels: { 'bench-churn': String(n) } } }]
        : slot === 2
          ? [deployments, { spec: { template: { metadata: { annotations: { 'bench-churn': String(n) } } } } }]
          : [configMaps, { data: { 'bench-churn': String(n) } }];
    const o = list[Math.floor(n / 4) % list.length];
    if (!o) return;
    try {
      api.patch(o.kind, o.metadata.namespace, o.metadata.name!, patch, 'merge');
    } catch {
      failed += 1;
    }
  };
  const timer = setInterval(() => {
    // Catch up to the rate however late the tick: the figure is changes per second of wall time.
    const due = Math.floor(((performance.now() - started) / 1000) * perSecond);
    while (changes < due) change(changes++);
  }, TICK_MS);
  return {
    stop() {
      clearInterval(timer);
      const seconds = (performance.now() - started) / 1000;
      return { changes, seconds, perSecond: changes / seconds, failed };
    },
  };
}
