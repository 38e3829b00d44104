// Server-side printing (`Accept: application/json;as=Table`), which `kubectl get`
// asks for: a few upstream columns per kind, NAME first, AGE last.
import type { KubeObject } from '@stance/shared/model/index';
import { partialOf } from './negotiate.js';

interface Column {
  name: string;
  type: 'string' | 'integer' | 'date';
  format?: string;
  description: string;
  cell: (o: any) => string | number;
}

const len = (v: unknown): number => (v && typeof v === 'object' ? Object.keys(v).length : 0);

function podReady(o: any): string {
  const statuses: any[] = o.status?.containerStatuses ?? [];
  const total = (o.spec?.containers ?? []).length;
  return `${statuses.filter((s) => s.ready).length}/${total}`;
}

function ports(o: any): string {
  const ps: any[] = o.spec?.ports ?? [];
  if (ps.length === 0) return '<none>';
  return ps.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
}

function nodeReady(o: any): string {
  const c = (o.status?.conditions ?? []).find((x: any) => x.type === 'Ready');
  return c?.status === 'True' ? 'Ready' : c ? 'NotReady' : 'Unknown';
}

function nodeRoles(o: any): string {
  const roles = Object.keys(o.metadata?.labels ?? {})
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length));
  return roles.length ? roles.join(',') : '<none>';
}

const s = (name: string, cell: Column['cell'], description = name): Column => ({ name, type: 'string', description, cell });
const n = (name: string, cell: Column['cell'], description = name): Column => ({ name, type: 'integer', description, cell });

const EXTRA: Record<string, Column[]> = {
  Pod: [
    s('Ready', podReady, 'The aggregate readiness state of this pod for accepting traffic.'),
    s('Status', (o) => o.status?.phase ?? 'Pending', 'The aggregate status of the containers in this pod.'),
    n('Restarts', (o) => (o.status?.containerStatuses ?? []).reduce((a: number, c: any) => a + (c.restartCount ?? 0), 0), 'The number of times the containers in this pod have been restarted.'),
  ],
  Deployment: [
    s('Ready', (o) => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 1}`),
    n('Up-to-date', (o) => o.status?.updatedReplicas ?? 0),
    n('Available', (o) => o.status?.availableReplicas ?? 0),
  ],
  ReplicaSet: [n('Desired', (o) => o.spec?.replicas ?? 1), n('Current', (o) => o.status?.replicas ?? 0), n('Ready', (o) => o.status?.readyReplicas ?? 0)],
  StatefulSet: [s('Ready', (o) => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 1}`)],
  DaemonSet: [n('Desired', (o) => o.status?.desiredNumberScheduled ?? 0), n('Current', (o) => o.status?.currentNumberScheduled ?? 0), n('Ready', (o) => o.status?.numberReady ?? 0)],
  Service: [
    s('Type', (o) => o.spec?.type ?? 'ClusterIP'),
    s('Cluster-IP', (o) => o.spec?.clusterIP ?? '<none>'),
    s('Port(s)', ports),
  ],
  ConfigMap: [n('Data', (o) => len(o.data) + len(o.binaryData))],
  Secret: [s('Type', (o) => o.type ?? 'Opaque'), n('Data', (o) => len(o.data))],
  Namespace: [s('Status', (o) => o.status?.phase ?? 'Active')],
  Node: [s('Status', nodeReady), s('Roles', nodeRoles), s('Version', (o) => o.status?.nodeInfo?.kubeletVersion ?? '')],
  ServiceAccount: [n('Secrets', (o) => (o.secrets ?? []).length)],
  Job: [s('Completions', (o) => `${o.status?.succeeded ?? 0}/${o.spec?.completions ?? 1}`)],
  CronJob: [s('Schedule', (o) => o.spec?.schedule ?? ''), s('Suspend', (o) => String(o.spec?.suspend ?? false))],
  Ingress: [s('Class', (o) => o.spec?.ingressClassName ?? '<none>'), s('Hosts', (o) => (o.spec?.rules ?? []).map((r: any) => r.host ?? '*').join(',') || '*')],
  NetworkPolicy: [s('Pod-Selector', (o) => Object.entries(o.spec?.podSelector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '<none>')],
  RoleBinding: [s('Role', (o) => `${o.roleRef?.kind ?? ''}/${o.roleRef?.name ?? ''}`)],
  ClusterRoleBinding: [s('Role', (o) => `${o.roleRef?.kind ?? ''}/${o.roleRef?.name ?? ''}`)],
};

/** k8s.io/apimachinery duration.HumanDuration, abridged. */
export function humanAge(created: string | undefined, nowMs = Date.now()): string {
  if (!created) return '<unknown>';
  const secs = Math.max(0, Math.floor((nowMs - Date.parse(created)) / 1000));
  if (secs < 120) return `${secs}s`;
  const mins = Math.floor(secs / 60);
  if (mins < 10) return `${mins}m${secs % 60 ? `${secs % 60}s` : ''}`;
  if (mins < 180) return `${mins}m`;
  const hours = Math.floor(mins / 60);
  if (hours < 8) return `${hours}h${mins % 60 ? `${mins % 60}m` : ''}`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (days < 8) return `${days}d${hours % 24 ? `${hours % 24}h` : ''}`;
  if (days < 365 * 2) return `${days}d`;
  return `${Math.floor(days / 365)}y`;
}

function columnsFor(kind: string): Column[] {
  return [
    { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', cell: (o) => o.metadata?.name ?? '' },
    ...(EXTRA[kind] ?? []),
    s('Age', (o) => humanAge(o.metadata?.creationTimestamp), 'CreationTimestamp is a timestamp representing the server time when this object was created.'),
  ];
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function parseIncludeObject(raw: string | null): IncludeObject {
  return raw === 'None' || raw === 'Object' ? raw : 'Metadata';
}

export interface TableOptions {
  kind: string;
  include: IncludeObject;
  /** Omit columnDefinitions (later events of a watch). */
  noHeaders?: boolean;
  resourceVersion?: string;
  continueToken?: string;
  remainingItemCount?: number;
}

export function toTable(objects: KubeObject[], opts: TableOptions): Record<string, unknown> {
  const cols = columnsFor(opts.kind);
  const metadata: Record<string, unknown> = {};
  if (opts.resourceVersion) metadata.resourceVersion = opts.resourceVersion;
  if (opts.continueToken) metadata.continue = opts.continueToken;
  if (opts.remainingItemCount !== undefined) metadata.remainingItemCount = opts.remainingItemCount;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: opts.noHeaders
      ? []
      : cols.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description, priority: 0 })),
    rows: objects.map((o) => {
      const row: Record<string, unknown> = { cells: cols.map((c) => c.cell(o)) };
      if (opts.include === 'Object') row.object = o;
      else if (opts.include === 'Metadata') row.object = partialOf(o);
      return row;
    }),
  };
}
