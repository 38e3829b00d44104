// NetworkPolicy semantics Stance needs: which policy types a policy has, whether it
// selects a pod's labels (policies only ever select pods in their own namespace), and the
// rules of each direction with their peers. Ingress and egress are judged separately: a
// pod is isolated in a direction when any policy of that type selects it, and then admits
// only what the union of those policies' rules allows.
import type { KubeObject } from '../model/object.js';
import { safeMatchesSelector, type LabelSelector } from './selector.js';

export type PolicyType = 'Ingress' | 'Egress';

interface PolicySpec {
  podSelector?: LabelSelector;
  policyTypes?: string[];
  ingress?: unknown;
  egress?: unknown;
}

function specOf(policy: KubeObject): PolicySpec {
  const spec = policy.spec;
  return typeof spec === 'object' && spec !== null ? (spec as PolicySpec) : {};
}

/**
 * spec.policyTypes, or the API default when absent: Ingress always, Egress when the
 * policy has egress rules.
 */
export function policyTypesOf(policy: KubeObject): PolicyType[] {
  const spec = specOf(policy);
  if (Array.isArray(spec.policyTypes) && spec.policyTypes.length > 0) {
    return spec.policyTypes.filter((t): t is PolicyType => t === 'Ingress' || t === 'Egress');
  }
  return Array.isArray(spec.egress) && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

/** Whether the policy's podSelector selects pods with these labels (empty selector: all). */
export function policySelects(policy: KubeObject, podLabels: Record<string, string> | undefined): boolean {
  return safeMatchesSelector(specOf(policy).podSelector ?? {}, podLabels, true);
}

export interface Isolation {
  ingress: KubeObject[];
  egress: KubeObject[];
}

/** One `from` / `to` entry. The API requires at least one field. */
export interface PolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr?: string; except?: string[] };
}

/** One entry of spec.ingress or spec.egress. */
export interface TrafficRule {
  policy: KubeObject;
  direction: PolicyType;
  /** Index in spec.ingress / spec.egress. */
  index: number;
  /** `any`: the rule has no (or an empty) `from`/`to`, so every source or destination. */
  peers: 'any' | PolicyPeer[];
  /** `any`: no (or empty) `ports`, so every port. */
  ports: 'any' | unknown[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function peersOf(list: unknown): 'any' | PolicyPeer[] {
  if (!Array.isArray(list) || list.length === 0) return 'any';
  return list.filter((p): p is PolicyPeer => isRecord(p) && (isRecord(p.podSelector) || isRecord(p.namespaceSelector) || isRecord(p.ipBlock)));
}

/** The rules of one direction. No rules (absent or `[]`) admit nothing once the pod is isolated. */
export function rulesOf(policy: KubeObject, direction: PolicyType): TrafficRule[] {
  const list = direction === 'Ingress' ? specOf(policy).ingress : specOf(policy).egress;
  if (!Array.isArray(list)) return [];
  return list.map((r, index) => {
    const rule = isRecord(r) ? r : {};
    const ports = Array.isArray(rule.ports) && rule.ports.length > 0 ? rule.ports : 'any';
    return { policy, direction, index, peers: peersOf(direction === 'Ingress' ? rule.from : rule.to), ports };
  });
}

interface CompiledPolicy {
  policy: KubeObject;
  ingress: boolean;
  egress: boolean;
  /** matchLabels pairs of a plain selector; undefined: use the general matcher. */
  pairs: [string, unknown][] | undefined;
  ingressRules: TrafficRule[];
  egressRules: TrafficRule[];
}

const compiledLists = new WeakMap<readonly KubeObject[], CompiledPolicy[]>();

/**
 * The policies of a list with their types and (for the common matchLabels-only
 * selector) their label pairs, memoised on the list's identity: every pod of a namespace
 * is checked against the same (batch-cached) list.
 */
function compiled(policies: readonly KubeObject[]): CompiledPolicy[] {
  let out = compiledLists.get(policies);
  if (out) return out;
  out = policies.map((policy) => {
    const types = policyTypesOf(policy);
    const sel = specOf(policy).podSelector ?? {};
    const plain =
      typeof sel === 'object' && sel !== null && !Array.isArray(sel) &&
      (sel.matchExpressions === undefined || (Array.isArray(sel.matchExpressions) && sel.matchExpressions.length === 0)) &&
      (sel.matchLabels === undefined || (typeof sel.matchLabels === 'object' && sel.matchLabels !== null && !Array.isArray(sel.matchLabels)));
    const ingress = types.includes('Ingress');
    const egress = types.includes('Egress');
    return {
      policy,
      ingress,
      egress,
      pairs: plain ? Object.entries(sel.matchLabels ?? {}) : undefined,
      ingressRules: ingress ? rulesOf(policy, 'Ingress') : [],
      egressRules: egress ? rulesOf(policy, 'Egress') : [],
    };
  });
  compiledLists.set(policies, out);
  return out;
}

function selects(c: CompiledPolicy, podLabels: Record<string, string> | undefined): boolean {
  if (!c.pairs) return policySelects(c.policy, podLabels);
  const l = podLabels ?? {};
  for (const [k, v] of c.pairs) if (l[k] !== v) return false;
  return true;
}

/** The policies (of one namespace) that isolate a pod for ingress and for egress. */
export function isolationOf(policies: readonly KubeObject[], podLabels: Record<string, string> | undefined): Isolation {
  const out: Isolation = { ingress: [], egress: [] };
  for (const c of compiled(policies)) {
    if (!selects(c, podLabels)) continue;
    if (c.ingress) out.ingress.push(c.policy);
    if (c.egress) out.egress.push(c.policy);
  }
  return out;
}

/** One direction of a pod's traffic: the policies isolating it and what their rules admit. */
export interface DirectionTraffic {
  direction: PolicyType;
  /** Policies of this type that select the pod; none: not isolated, everything is admitted. */
  policies: KubeObject[];
  rules: TrafficRule[];
}

export interface Traffic {
  ingress: DirectionTraffic;
  egress: DirectionTraffic;
}

/** What the policies of a pod's namespace admit for it, per direction. */
export function trafficOf(policies: readonly KubeObject[], podLabels: Record<string, string> | undefined): Traffic {
  const out: Traffic = {
    ingress: { direction: 'Ingress', policies: [], rules: [] },
    egress: { direction: 'Egress', policies: [], rules: [] },
  };
  for (const c of compiled(policies)) {
    if (!selects(c, podLabels)) continue;
    if (c.ingress) {
      out.ingress.policies.push(c.policy);
      out.ingress.rules.push(...c.ingressRules);
    }
    if (c.egress) {
      out.egress.policies.push(c.policy);
      out.egress.rules.push(...c.egressRules);
    }
  }
  return out;
}

/** An ipBlock of every IPv4 or IPv6 address, nothing excepted. */
function everyAddress(p: PolicyPeer): boolean {
  const b = p.ipBlock;
  if (!isRecord(b) || (b.cidr !== '0.0.0.0/0' && b.cidr !== '::/0')) return false;
  return !(Array.isArray(b.except) && b.except.length > 0);
}

/**
 * The first rule admitting every peer on every port (isolated in name only), if any. For
 * egress, `to: [{ipBlock: {cidr: 0.0.0.0/0}}]` is the common spelling of allow-all: it
 * reaches cloud metadata and the internet whether or not the CNI counts pod addresses in it.
 */
export function allowAllRule(t: DirectionTraffic): TrafficRule | undefined {
  return t.rules.find((r) => r.ports === 'any' && (r.peers === 'any' || (t.direction === 'Egress' && r.peers.some(everyAddress))));
}

/** Whether nothing restricts this direction: not isolated, or a rule admits everything. */
export function isOpen(t: DirectionTraffic): boolean {
  return t.policies.length === 0 || allowAllRule(t) !== undefined;
}

/**
 * Whether traffic from outside the cluster (a load balancer, a node port, an external IP)
 * may reach the pod: not isolated, or a rule with any source or an ipBlock (the client
 * address may reach the pod as is, or translated to a node's: an ipBlock may admit either).
 */
export function admitsExternal(t: DirectionTraffic): boolean {
  if (t.policies.length === 0) return true;
  return t.rules.some((r) => r.peers === 'any' || r.peers.some((p) => isRecord(p.ipBlock)));
}

/** Whether some pod (an ingress controller, any other workload) may reach it. */
export function admitsPods(t: DirectionTraffic): boolean {
  if (t.policies.length === 0) return true;
  return t.rules.some((r) => r.peers === 'any' || r.peers.some((p) => isRecord(p.podSelector) || isRecord(p.namespaceSelector)));
}

/** "NetworkPolicy allow-all ingress rule #0" */
export function describeRule(r: TrafficRule): string {
  return `NetworkPolicy ${r.policy.metadata.name} ${r.direction.toLowerCase()} rule #${r.index}`;
}
