// Synthetic clusters for benchmarks: realistic-looking workloads (Deployments owning
// ReplicaSets owning Pods), ConfigMaps, Secrets, Services, RBAC and NetworkPolicies,
// with a seeded share of risky settings so the rules have something to find.
import type { KubeObject } from '@stance/shared/model/index';

export interface GenerateOptions {
  /** Namespaces to spread objects over (default: one per 500 objects). */
  namespaces?: number;
  /** PRNG seed: the same seed gives the same objects (uids included). */
  seed?: number;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const IMAGES = ['nginx:1.27.3', 'redis:7.4', 'postgres:16.6', 'busybox:latest', 'ghcr.io/acme/api:2.3.1', 'registry.k8s.io/pause:3.10', 'python:3.12-slim'];
const APPS = ['web', 'api', 'worker', 'cache', 'db', 'auth', 'search', 'billing', 'queue', 'frontend'];

/** Builds n objects plus their namespaces (gen-0, gen-1, ...). */
export function generateObjects(n: number, opts: GenerateOptions = {}): KubeObject[] {
  const rand = mulberry32(opts.seed ?? 1);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const hex8 = (): string => Math.floor(rand() * 0x100000000).toString(16).padStart(8, '0');
  const hex = (len: number): string => {
    let out = '';
    while (out.length < len) out += hex8();
    return out.slice(0, len);
  };
  const uid = (): string => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
  const nsCount = Math.max(1, opts.namespaces ?? Math.ceil(n / 500));
  const out: KubeObject[] = [];
  for (let i = 0; i < nsCount; i++) {
    const labels: Record<string, string> = { 'kubernetes.io/metadata.name': `gen-${i}`, team: pick(APPS) };
    if (rand() < 0.5) labels['pod-security.kubernetes.io/enforce'] = pick(['baseline', 'restricted']);
    out.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `gen-${i}`, uid: uid(), labels } });
  }

  const podSpec = (app: string): Record<string, unknown> => {
    const risky = rand() < 0.15;
    const container: Record<string, unknown> = {
      name: app,
      image: pick(IMAGES),
      ports: [{ containerPort: 8080, protocol: 'TCP' }],
      resources: rand() < 0.7 ? { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } } : {},
      securityContext: risky
        ? { privileged: true, allowPrivilegeEscalation: true }
        : { runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
    };
    if (rand() < 0.1) container.env = [{ name: 'DB_PASSWORD', value: `pw-${hex(8)}` }];
    const spec: Record<string, unknown> = { containers: [container], serviceAccountName: rand() < 0.5 ? 'default' : `${app}-sa`, restartPolicy: 'Always' };
    if (risky && rand() < 0.5) spec.hostNetwork = true;
    if (risky && rand() < 0.3) spec.volumes = [{ name: 'docker', hostPath: { path: '/var/run/docker.sock' } }];
    return spec;
  };

  // Weights of each kind in the mix; a Deployment brings a ReplicaSet and pods with it.
  let made = 0;
  let i = 0;
  const add = (o: KubeObject): void => {
    if (made < n) {
      out.push(o);
      made++;
    }
  };
  while (made < n) {
    const ns = `gen-${i % nsCount}`;
    const app = `${pick(APPS)}-${i}`;
    const labels = { app, tier: pick(['frontend', 'backend', 'data']) };
    const r = rand();
    if (r < 0.45) {
      const depUid = uid();
      const rsUid = uid();
      const spec = podSpec(app);
      const replicas = 1 + Math.floor(rand() * 3);
      add({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: app, namespace: ns, uid: depUid, labels }, spec: { replicas, selector: { matchLabels: { app } }, template: { metadata: { labels }, spec } } });
      const rsName = `${app}-${hex(10)}`;
      add({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: rsName, namespace: ns, uid: rsUid, labels, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: app, uid: depUid, controller: true }] }, spec: { replicas, selector: { matchLabels: { app } }, template: { metadata: { labels }, spec } } });
      for (let p = 0; p < replicas; p++) {
        add({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: `${rsName}-${hex(5)}`, namespace: ns, uid: uid(), labels, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rsName, uid: rsUid, controller: true }] },
          spec: { ...spec, nodeName: `node-${Math.floor(rand() * 8)}` },
          status: { phase: 'Running', podIP: `10.${Math.floor(rand() * 255)}.${Math.floor(rand() * 255)}.${Math.floor(rand() * 255)}`, containerStatuses: [{ name: app, ready: true, restartCount: Math.floor(rand() * 3), image: (spec.containers as { image: string }[])[0]!.image }] },
        });
      }
    } else if (r < 0.6) {
      const data: Record<string, string> = { 'app.properties': `name=${app}\nport=8080\n` };
      if (rand() < 0.1) data.password = `hunter-${hex(6)}`;
      add({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${app}-config`, namespace: ns, labels }, data });
    } else if (r < 0.72) {
      add({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `${app}-secret`, namespace: ns, labels }, type: 'Opaque', data: { token: Buffer.from(hex(24)).toString('base64') } });
    } else if (r < 0.84) {
      const nodePort = rand() < 0.1;
      add({ apiVersion: 'v1', kind: 'Service', metadata: { name: app, namespace: ns, labels }, spec: { type: nodePort ? 'NodePort' : 'ClusterIP', selector: { app }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }], clusterIP: `10.96.${Math.floor(rand() * 255)}.${Math.floor(rand() * 255)}` } });
    } else if (r < 0.9) {
      add({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: `${app}-sa`, namespace: ns, labels }, automountServiceAccountToken: rand() < 0.5 });
    } else if (r < 0.95) {
      const wide = rand() < 0.15;
      add({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: `${app}-role`, namespace: ns }, rules: [{ apiGroups: [''], resources: wide ? ['*'] : ['configmaps', 'pods'], verbs: wide ? ['*'] : ['get', 'list', 'watch'] }] });
      add({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: `${app}-binding`, namespace: ns }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `${app}-role` }, subjects: [{ kind: 'ServiceAccount', name: `${app}-sa`, namespace: ns }] });
    } else {
      add({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: `${app}-netpol`, namespace: ns }, spec: { podSelector: { matchLabels: { app } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { tier: 'frontend' } } }] }] } });
    }
    i++;
  }
  return out;
}
