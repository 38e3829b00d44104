// The control contract: a control is data (id, rationale, remediation, framework
// references) plus a check. Object checks read one subject; relation checks also read
// other objects through a ClusterView and name the kinds they read in `reads`, which is
// how the incremental engine knows what a delta can affect.
import type { KubeObject, ResourceRef } from '../model/object.js';

export type Severity = 'critical' | 'high' | 'medium' | 'low';

export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

/** Weights of the posture score (DESIGN.md). */
export const SEVERITY_WEIGHT: Record<Severity, number> = { critical: 10, high: 7, medium: 4, low: 1 };

/**
 * Framework ids used in references. PSS ids are the upstream pod-security-admission
 * check ids (fixed contract); CIS ids are benchmark section numbers.
 */
export type FrameworkId =
  | 'pss-baseline'
  | 'pss-restricted'
  | 'cis-kubernetes'
  | 'nsa-cisa'
  | 'mitre-attack'
  | 'pci-dss'
  | 'hipaa'
  | 'soc2';

export interface FrameworkRef {
  framework: FrameworkId;
  id: string;
}

export interface SuggestedPatch {
  /** `strategic`: a strategic-merge patch object; `json`: RFC 6902 operations; `merge`: RFC 7386. */
  type: 'strategic' | 'json' | 'merge';
  patch: unknown;
}

export interface Violation {
  message: string;
  /** JSON paths into the subject that failed, e.g. `spec.containers[0].securityContext.privileged`. */
  evidence: string[];
  /** Overrides the control's severity for this subject (a role nobody binds is low). */
  severity?: Severity;
  patch?: SuggestedPatch;
}

export interface ControlMeta {
  id: string;
  title: string;
  severity: Severity;
  category: string;
  rationale: string;
  remediation: string;
  frameworks: FrameworkRef[];
  /** Kinds of subject the control evaluates (e.g. every pod-bearing kind). */
  kinds: readonly string[];
  /** Off until configured (pod.image-registry without an allow-list). */
  requiresConfig?: boolean;
  source?: 'builtin' | 'custom';
}

/**
 * A derived index over the objects of one kind: the keys each object is found under
 * (e.g. bindings by the subjects they name). Must be a pure function of the object.
 */
export interface LookupIndex {
  /** Unique among indexes: read keys and memoised indexes are named by it. */
  id: string;
  keysOf(obj: KubeObject): readonly string[];
}

/** Read access to the rest of the cluster, for relation checks. */
export interface ClusterView {
  get(kind: string, namespace: string | undefined, name: string): KubeObject | undefined;
  /** All objects of a kind, or of a kind in one namespace. */
  list(kind: string, namespace?: string): KubeObject[];
  /**
   * Objects of a kind (cluster-wide) that `index` files under `key`, in list order; read
   * only. Optional: checks call `lookupIn(view, …)`, which indexes `list(kind)` when a view
   * has none. The incremental engine records such a read as that key alone, so a change
   * re-evaluates only the subjects that looked up a key the object had or has.
   */
  lookup?(kind: string, index: LookupIndex, key: string): readonly KubeObject[];
}

export interface EngineConfig {
  /** pod.image-registry: allowed registry prefixes; empty or absent keeps the control off. */
  allowedRegistries?: string[];
  /** When false, built-in exemptions for system objects are not applied. */
  systemExemptions?: boolean;
}

export interface CheckContext {
  config: EngineConfig;
  view: ClusterView;
}

/** A check that cannot be evaluated for lack of facts says so; it never passes silently. */
export interface NoData {
  noData: string;
}

export type CheckResult = Violation[] | null | NoData;

export interface Control extends ControlMeta {
  /** Kinds a relation check reads through `ctx.view`; absent for object checks. */
  reads?: readonly string[];
  /**
   * Violations (empty: pass), null when the control does not apply to this subject, or
   * NoData when the facts needed are missing.
   */
  check(subject: KubeObject, ctx: CheckContext): CheckResult;
}

export type OutcomeStatus = 'pass' | 'fail' | 'not-applicable' | 'no-data' | 'exempt';

/** The result of one control on one subject. */
export interface Outcome {
  controlId: string;
  subject: ResourceRef;
  /** Stable identity of the subject (uid, or kind/namespace/name for manifests). */
  subjectKey: string;
  status: OutcomeStatus;
  severity: Severity;
  /** Present when status is fail (merged from all violations), no-data or exempt (the reason). */
  message?: string;
  evidence?: string[];
  patch?: SuggestedPatch;
}

/**
 * Built-in or user exemption for one control on one subject: a reason turns a failing
 * (or no-data) outcome into `exempt`; undefined leaves it alone.
 */
export type ExemptionFor = (controlId: string, subject: KubeObject) => string | undefined;
