// Risk at scale: with the shared stack loaded and settled (findings and risk caught up),
// links of generated Deployments change through the API server's REST interface — a
// LoadBalancer Service selecting one appears and goes, a ClusterRoleBinding of cluster-admin
// to its ServiceAccount appears and goes, a deny-all ingress NetworkPolicy in its namespace
// appears and goes (that one reaches every workload of the namespace). Each change is timed
// from the REST call until one of the Deployment's findings shows the factor moved
// (GET /api/v1/findings/{id}, polled every 5 ms). Then the collector's memory.
import type { KubeObject } from '@stance/shared/model/index';
import type { BenchSection } from '../lib/context.js';
import { metricValue, readMetrics } from '../lib/metrics.js';
import { ms, percentile, s as secs } from '../lib/report.js';

const TARGETS = 25;
const POLL_MS = 5;
const TIMEOUT_MS = 10_000;
const SETTLE_TIMEOUT_MS = 300_000;
/** issue 12: change → finding p99. */
const TARGET_P99_MS = 250;
const TARGET_RSS_MIB = 400;

interface Finding {
  id: string;
  resource: { name: string };
  risk: { factors: { id: string }[] } | null;
}

/** Until the collector has caught up: no findings or risk work left. */
async function settle(httpUrl: string): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    const text = await readMetrics(httpUrl);
    if ((metricValue(text, 'stance_findings_backlog') ?? 0) === 0 && (metricValue(text, 'stance_risk_backlog') ?? 0) === 0) return performance.now() - t0;
    if (performance.now() - t0 > SETTLE_TIMEOUT_MS) throw new Error(`findings or risk still behind after ${SETTLE_TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export const risk: BenchSection = {
  name: 'risk',
  title: 'Risk: a link change → the findings\' risk',
  async run(ctx) {
    const stack = await ctx.stack();
    const { api, collector } = stack;
    const cluster = api.clusterUid();
    const settledMs = await settle(collector.httpUrl);
    const settledMem = stack.collectorMemory.sample();

    async function rest(method: string, path: string, body?: unknown): Promise<void> {
      const res = await fetch(api.url + path, { method, headers: { 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    }
    const factors = async (id: string) => {
      const f = (await (await fetch(`${collector.httpUrl}/api/v1/findings/${id}`)).json()) as Finding;
      return new Set(f.risk?.factors.map((x) => x.id) ?? []);
    };
    /** ms from `act` until the finding has (or lacks) the factor. */
    async function timed(what: string, id: string, factor: string, present: boolean, act: () => Promise<void>): Promise<number> {
      const t0 = performance.now();
      await act();
      while ((await factors(id)).has(factor) !== present) {
        if (performance.now() - t0 > TIMEOUT_MS) throw new Error(`${what}: the ${factor} factor not ${present ? 'there' : 'gone'} after ${TIMEOUT_MS} ms`);
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
      return performance.now() - t0;
    }

    const deployments = api.list('Deployment').filter((d) => d.metadata.namespace?.startsWith('gen-'));
    const step = Math.max(1, Math.floor(deployments.length / (TARGETS * 3)));
    const lat: Record<'service' | 'binding' | 'policy', number[]> = { service: [], binding: [], policy: [] };
    let used = 0;
    for (let i = 0; i < deployments.length && used < TARGETS; i += step) {
      const d = deployments[i]!;
      const { namespace, name } = d.metadata as { namespace: string; name: string };
      const q = new URLSearchParams({ cluster, namespace, kind: 'Deployment', limit: '1000' });
      const page = (await (await fetch(`${collector.httpUrl}/api/v1/findings?${q}`)).json()) as { items: Finding[] };
      const finding = page.items.find((f) => f.resource.name === name);
      const start = finding ? await factors(finding.id) : undefined;
      // A workload nothing fences or exposes yet, whose token is mounted: each change shows.
      if (!finding || !start || start.has('exposed') || start.has('cluster-admin') || !start.has('lateral-reachable')) continue;
      used += 1;
      const spec = (d.spec as { template: { metadata: { labels: Record<string, string> }; spec: { serviceAccountName?: string } } }).template;
      const svc: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: `bench-lb-${name}`, namespace }, spec: { type: 'LoadBalancer', selector: spec.metadata.labels, ports: [{ port: 80 }] } };
      const crb: KubeObject = {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: `bench-admin-${namespace}-${name}` },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
        subjects: [{ kind: 'ServiceAccount', name: spec.spec.serviceAccountName ?? 'default', namespace }],
      };
      const np: KubeObject = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: `bench-deny-${name}`, namespace }, spec: { podSelector: {}, policyTypes: ['Ingress'] } };
      const services = `/api/v1/namespaces/${namespace}/services`;
      const bindings = '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings';
      const policies = `/apis/networking.k8s.io/v1/namespaces/${namespace}/networkpolicies`;
      lat.service.push(await timed('LoadBalancer added', finding.id, 'exposed', true, () => rest('POST', services, svc)));
      lat.service.push(await timed('LoadBalancer removed', finding.id, 'exposed', false, () => rest('DELETE', `${services}/${svc.metadata.name}`)));
      lat.binding.push(await timed('binding added', finding.id, 'cluster-admin', true, () => rest('POST', bindings, crb)));
      lat.binding.push(await timed('binding removed', finding.id, 'cluster-admin', false, () => rest('DELETE', `${bindings}/${crb.metadata.name}`)));
      lat.policy.push(await timed('NetworkPolicy added', finding.id, 'lateral-reachable', false, () => rest('POST', policies, np)));
      lat.policy.push(await timed('NetworkPolicy removed', finding.id, 'lateral-reachable', true, () => rest('DELETE', `${policies}/${np.metadata.name}`)));
    }
    if (used === 0) throw new Error('no generated Deployment with an open, unexposed finding to change the links of');

    const stats = (xs: number[]) => {
      const sorted = [...xs].sort((a, b) => a - b);
      return { n: xs.length, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), maxMs: sorted[sorted.length - 1]! };
    };
    const all = stats([...lat.service, ...lat.binding, ...lat.policy]);
    const by = { service: stats(lat.service), binding: stats(lat.binding), policy: stats(lat.policy) };
    const mem = stack.collectorMemory.sample();
    const row = (label: string, x: ReturnType<typeof stats>) => ({ metric: `${label} (${x.n}) p50 / p99 / max`, value: `${ms(x.p50Ms)} / ${ms(x.p99Ms)} / ${ms(x.maxMs)}` });
    return {
      rows: [
        { metric: 'objects loaded', value: String(stack.sync.objects) },
        { metric: 'findings and risk caught up after', value: secs(settledMs) },
        row('LoadBalancer Service added/removed', by.service),
        row('cluster-admin binding added/removed', by.binding),
        row('deny-all NetworkPolicy added/removed (whole namespace)', by.policy),
        { metric: 'every link change p99', value: ms(all.p99Ms), target: `< ${ms(TARGET_P99_MS)}`, ok: all.p99Ms < TARGET_P99_MS },
        { metric: 'collector RSS settled / after the changes / peak', value: `${settledMem.rssMiB.toFixed(0)} / ${mem.rssMiB.toFixed(0)} / ${mem.hwmMiB.toFixed(0)} MiB`, target: `< ${TARGET_RSS_MIB} MiB`, ok: mem.hwmMiB < TARGET_RSS_MIB },
        { metric: 'poll interval (resolution)', value: ms(POLL_MS) },
      ],
      data: { objects: stack.sync.objects, settledMs, targets: used, all, ...by, collectorSettledRssMiB: settledMem.rssMiB, collectorRssMiB: mem.rssMiB, collectorHwmMiB: mem.hwmMiB, pollMs: POLL_MS },
    };
  },
};
