import { SeverityNumber } from '@opentelemetry/api-logs';
import { BUILTIN_CONTROLS } from '@stance/shared/controls/index';
import { describe, expect, it } from 'vitest';
import type { FindingTransition } from '../findings/feed/transition.js';
import type { FindingRow } from '../findings/findings-store.js';
import { findingLogRecord, ruleReference } from './finding-log-record.js';

const control = (id: string) => BUILTIN_CONTROLS.find((c) => c.id === id)!;

function transition(over: Partial<FindingTransition>, finding: Partial<FindingRow> = {}): FindingTransition {
  return {
    type: 'opened',
    at: 1_700_000_000_000,
    finding: {
      clusterId: 'ks-uid', controlId: 'pod.privileged', subjectKey: 'd-uid', apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web',
      status: 'open', severity: 'critical', message: 'container "main" is privileged', evidence: ['spec.template.spec.containers[0].securityContext.privileged'],
      patch: { type: 'strategic', patch: { spec: {} } }, reason: null, firstSeen: 1, lastSeen: 1, openedAt: 1, resolvedAt: null, resourceVersion: '7',
      ...finding,
    },
    previousStatus: null,
    control: control('pod.privileged'),
    cluster: { id: 'ks-uid', name: 'prod' },
    cause: { object: 'self', deleted: false, changes: [{ path: 'spec.template.spec.containers[0].env[0].value', from: 'hunter2', to: 'hunter3' }] },
    resourceVersion: '7',
    latencyMs: 12.4,
    ...over,
  };
}

describe('findingLogRecord', () => {
  it('names the event, maps the severity and carries the message as the body', () => {
    const r = findingLogRecord(transition({}));
    expect(r).toMatchObject({ eventName: 'stance.finding.opened', severityNumber: SeverityNumber.FATAL, severityText: 'critical', body: 'container "main" is privileged', timestamp: 1_700_000_000_000 });
    const levels = (['critical', 'high', 'medium', 'low'] as const).map((severity) => findingLogRecord(transition({}, { severity })).severityNumber);
    expect(levels).toEqual([SeverityNumber.FATAL, SeverityNumber.ERROR, SeverityNumber.WARN, SeverityNumber.INFO]);
    expect(findingLogRecord(transition({ type: 'unexcepted' })).eventName).toBe('stance.finding.unexcepted');
  });

  it('follows the semantic conventions for the rule and the Kubernetes resource', () => {
    const a = findingLogRecord(transition({})).attributes!;
    expect(a).toMatchObject({
      'security_rule.uuid': 'pod.privileged',
      'security_rule.name': control('pod.privileged').title,
      'security_rule.category': control('pod.privileged').category,
      'security_rule.reference': 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
      'security_rule.ruleset.name': 'stance',
      'k8s.cluster.uid': 'ks-uid',
      'k8s.cluster.name': 'prod',
      'k8s.namespace.name': 'shop',
      'k8s.deployment.name': 'web',
      'k8s.deployment.uid': 'd-uid',
      'stance.finding.status': 'open',
      'stance.finding.transition': 'opened',
      'stance.latency_ms': 12,
      'stance.remediation.kubectl_patch': expect.stringMatching(/^kubectl patch deployment web -n shop --type strategic -p /),
    });
    expect(a['stance.frameworks']).toEqual(expect.arrayContaining(['pss-baseline:privileged', 'cis-kubernetes:5.2.2']));
    expect(typeof a['stance.finding.id']).toBe('string');
  });

  it('exports the paths that changed, never their values', () => {
    const a = findingLogRecord(transition({})).attributes!;
    expect(a['stance.cause.paths']).toEqual(['spec.template.spec.containers[0].env[0].value']);
    expect(JSON.stringify(a)).not.toMatch(/hunter/);
    const related = findingLogRecord(transition({ cause: { related: [{ kind: 'NetworkPolicy', namespace: 'shop', name: 'deny', resourceVersion: '3', deleted: false }] } })).attributes!;
    expect(related['stance.cause.related']).toEqual(['NetworkPolicy shop/deny']);
  });

  it('names a cluster-scoped kind without a namespace, and an exception with its reason', () => {
    const a = findingLogRecord(
      transition(
        { type: 'excepted', control: control('rbac.cluster-admin-binding') },
        { controlId: 'rbac.cluster-admin-binding', kind: 'ClusterRoleBinding', apiVersion: 'rbac.authorization.k8s.io/v1', namespace: '', name: 'ops', status: 'excepted', reason: 'exception e1: break glass', patch: null },
      ),
    ).attributes!;
    expect(a).toMatchObject({ 'k8s.clusterrolebinding.name': 'ops', 'stance.exception.reason': 'exception e1: break glass', 'stance.finding.status': 'excepted' });
    expect(a['k8s.namespace.name']).toBeUndefined();
    expect(a['stance.remediation.kubectl_patch']).toBeUndefined();
  });

  it('names node facts by their node, as k8s.node.name, and keeps Stance\'s own uid out of k8s.node.uid', () => {
    const a = findingLogRecord(
      transition({}, { controlId: 'node.kubelet-anonymous-auth', kind: 'NodeFacts', apiVersion: 'stance.dev/v1', namespace: '', name: 'worker-1', subjectKey: 'nodefacts-worker-1', patch: null }),
    ).attributes!;
    expect(a).toMatchObject({ 'k8s.node.name': 'worker-1', 'stance.resource.kind': 'NodeFacts' });
    expect(Object.keys(a).filter((k) => k.startsWith('k8s.nodefacts') || k === 'k8s.node.uid')).toEqual([]);
  });

  it('refers to the most specific upstream description of a rule', () => {
    expect(ruleReference([{ framework: 'pss-restricted', id: 'runAsNonRoot' }])).toMatch(/#restricted$/);
    expect(ruleReference([{ framework: 'cis-kubernetes', id: '5.1.1' }])).toMatch(/cisecurity/);
    expect(ruleReference([{ framework: 'mitre-attack', id: 'T1611.001' }])).toBe('https://attack.mitre.org/techniques/T1611/001/');
    expect(ruleReference([{ framework: 'soc2', id: 'CC6.1' }])).toBeUndefined();
  });
});
