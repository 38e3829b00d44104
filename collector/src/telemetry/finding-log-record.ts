// One OTLP log record per finding transition: event name `stance.finding.<transition>`,
// the finding's severity mapped onto the OpenTelemetry severity ranges, its message as the
// body, and attributes after the semantic conventions (security_rule.*, k8s.*) plus
// stance.* for what they have no name for. Field values that caused the change are not
// exported (they may be credentials): only their paths.
import { SeverityNumber, type LogAttributes, type LogRecord } from '@opentelemetry/api-logs';
import type { Control, FrameworkRef, Severity } from '@stance/shared/engine/index';
import { findingId, kubectlPatch } from '../findings/finding-refs.js';
import type { FindingTransition } from '../findings/feed/transition.js';
import { NODE_FACTS_KIND } from '@stance/shared/node/index';

/** critical/high/medium/low → FATAL/ERROR/WARN/INFO (the first number of each range). */
export const SEVERITY_NUMBER: Record<Severity, SeverityNumber> = {
  critical: SeverityNumber.FATAL,
  high: SeverityNumber.ERROR,
  medium: SeverityNumber.WARN,
  low: SeverityNumber.INFO,
};

/** Where a control's rule is described upstream, most specific framework first. */
export function ruleReference(frameworks: readonly FrameworkRef[]): string | undefined {
  const ref = (framework: string) => frameworks.find((f) => f.framework === framework);
  if (ref('pss-restricted') && !ref('pss-baseline')) return 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted';
  if (ref('pss-baseline')) return 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline';
  if (ref('cis-kubernetes')) return 'https://www.cisecurity.org/benchmark/kubernetes';
  const mitre = ref('mitre-attack');
  if (mitre && /^T\d{4}(\.\d{3})?$/.test(mitre.id)) return `https://attack.mitre.org/techniques/${mitre.id.replace('.', '/')}/`;
  if (ref('nsa-cisa')) return 'https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF';
  return undefined;
}

/** The paths (never the values) and related objects that caused the transition. */
function causeAttributes(cause: unknown): LogAttributes {
  if (!cause || typeof cause !== 'object') return {};
  const c = cause as { changes?: { path: string }[]; related?: { kind: string; namespace?: string; name: string }[]; reason?: string; deleted?: boolean };
  const out: LogAttributes = {};
  if (Array.isArray(c.changes) && c.changes.length) out['stance.cause.paths'] = c.changes.map((x) => x.path);
  if (Array.isArray(c.related) && c.related.length) out['stance.cause.related'] = c.related.map((r) => `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`);
  if (c.deleted) out['stance.cause.deleted'] = true;
  if (typeof c.reason === 'string') out['stance.cause.reason'] = c.reason;
  return out;
}

function ruleAttributes(control: Control | undefined, controlId: string): LogAttributes {
  const reference = control ? ruleReference(control.frameworks) : undefined;
  return {
    'security_rule.uuid': controlId,
    'security_rule.name': control?.title ?? controlId,
    ...(control ? { 'security_rule.category': control.category } : {}),
    ...(reference ? { 'security_rule.reference': reference } : {}),
    'security_rule.ruleset.name': control?.source === 'custom' ? 'stance-custom' : 'stance',
  };
}

/**
 * `k8s.<kind>.name` / `.uid` of the resource. Node facts describe a node and are named after
 * it: `k8s.node.name`, as the semantic conventions spell it; their uid is Stance's own, not
 * the Node's, so it is not sent as `k8s.node.uid`.
 */
function resourceAttributes(kind: string, name: string, uid: string): LogAttributes {
  if (kind === NODE_FACTS_KIND) return { 'k8s.node.name': name };
  const k = kind.toLowerCase();
  return { [`k8s.${k}.name`]: name, [`k8s.${k}.uid`]: uid };
}

export function findingLogRecord(t: FindingTransition): LogRecord {
  const f = t.finding;
  const patch = f.status === 'open' ? kubectlPatch(f) : null;
  const attributes: LogAttributes = {
    ...ruleAttributes(t.control, f.controlId),
    'k8s.cluster.uid': t.cluster.id,
    'k8s.cluster.name': t.cluster.name,
    ...(f.namespace ? { 'k8s.namespace.name': f.namespace } : {}),
    ...resourceAttributes(f.kind, f.name, f.subjectKey),
    'stance.finding.id': findingId(f),
    'stance.finding.status': f.status,
    'stance.finding.transition': t.type,
    ...(t.previousStatus ? { 'stance.finding.previous_status': t.previousStatus } : {}),
    'stance.severity': f.severity,
    'stance.resource.api_version': f.apiVersion,
    'stance.resource.kind': f.kind,
    ...(t.resourceVersion ? { 'stance.resource.version': t.resourceVersion } : {}),
    'stance.frameworks': (t.control?.frameworks ?? []).map((r) => `${r.framework}:${r.id}`),
    ...(f.evidence.length ? { 'stance.evidence': f.evidence } : {}),
    ...(t.control?.remediation ? { 'stance.remediation': t.control.remediation } : {}),
    ...(patch ? { 'stance.remediation.kubectl_patch': patch } : {}),
    ...(f.reason ? { 'stance.exception.reason': f.reason } : {}),
    ...(t.latencyMs !== undefined ? { 'stance.latency_ms': Math.round(t.latencyMs) } : {}),
    ...causeAttributes(t.cause),
  };
  return {
    eventName: `stance.finding.${t.type}`,
    timestamp: t.at,
    severityNumber: SEVERITY_NUMBER[f.severity],
    severityText: f.severity,
    body: f.message || t.control?.title || f.controlId,
    attributes,
  };
}
