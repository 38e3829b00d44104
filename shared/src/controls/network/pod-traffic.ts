// One shape for the pod-level NetworkPolicy controls, ingress and egress judged separately
// with Kubernetes semantics: a pod is isolated in a direction when a policy of that type
// (policyTypes, or its default) selects it; isolated, it admits only what the rules allow,
// and a rule with no peers and no ports admits everything (isolated in name only).
import type { Control, ControlMeta } from '../../engine/types.js';
import { POD_BEARING_KINDS, type KubeObject } from '../../model/index.js';
import { allowAllRule, describeRule, trafficOf, type PolicyType } from '../../network/policy.js';
import { listInNamespace } from '../../network/same-namespace.js';
import { podTemplateOf } from '../../workload/pod-template.js';

function finished(o: KubeObject): boolean {
  const phase = (o.status as { phase?: string } | undefined)?.phase;
  return o.kind === 'Pod' && (phase === 'Succeeded' || phase === 'Failed');
}

export function podTrafficControl(meta: Omit<ControlMeta, 'kinds'>, direction: PolicyType, consequence: string): Control {
  const dir = direction.toLowerCase();
  const peer = direction === 'Ingress' ? 'source' : 'destination';
  return {
    ...meta,
    kinds: POD_BEARING_KINDS,
    reads: ['NetworkPolicy'],
    check(subject, ctx) {
      const template = podTemplateOf(subject);
      if (!template || finished(subject)) return null;
      if ((template.spec as { hostNetwork?: unknown }).hostNetwork === true) {
        return [{ message: 'uses hostNetwork: NetworkPolicies do not apply to host-network pods', evidence: [`${template.specPath}.hostNetwork`] }];
      }
      const ns = subject.metadata.namespace;
      const traffic = trafficOf(listInNamespace(ctx.view, 'NetworkPolicy', ns), template.metadata.labels)[direction === 'Ingress' ? 'ingress' : 'egress'];
      if (traffic.policies.length === 0) {
        return [{ message: `selected by no ${dir} NetworkPolicy in namespace ${ns ?? '(unset)'}: ${consequence}`, evidence: [`${template.metadataPath}.labels`] }];
      }
      const open = allowAllRule(traffic);
      if (!open) return [];
      return [
        {
          message: `isolated for ${dir} by NetworkPolicy ${traffic.policies.map((p) => p.metadata.name).join(', ')}, but ${describeRule(open)} admits every ${peer} on every port: ${consequence}`,
          evidence: [`${template.metadataPath}.labels`],
        },
      ];
    },
  };
}
