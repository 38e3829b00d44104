// Pod Security Admission is only enforced in namespaces labelled for it: without the
// `enforce` label any pod, privileged included, is admitted.
import type { Control } from '../../engine/types.js';
import { childPath, kubectlPatchCommand } from '../../workload/index.js';
import type { SuggestedPatch } from '../../engine/types.js';

export const ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';
const LEVELS = new Set(['privileged', 'baseline', 'restricted']);

export const noPodSecurityLabel: Control = {
  id: 'ns.no-pod-security-label',
  title: 'Namespace without Pod Security enforcement',
  severity: 'medium',
  category: 'Workload isolation',
  rationale:
    'Pod Security Admission only enforces a level in namespaces labelled `pod-security.kubernetes.io/enforce`; unlabelled namespaces (unless the cluster sets a default) admit privileged pods.',
  remediation:
    'Label the namespace with `pod-security.kubernetes.io/enforce: baseline` (or `restricted`), after checking existing pods with a `warn`/`audit` label first.',
  frameworks: [
    { framework: 'cis-kubernetes', id: '5.2.1' },
    { framework: 'nsa-cisa', id: 'pod-security' },
  ],
  kinds: ['Namespace'],
  source: 'builtin',
  check(subject) {
    const value = subject.metadata.labels?.[ENFORCE_LABEL];
    if (typeof value === 'string' && LEVELS.has(value)) return [];
    const patch: SuggestedPatch = { type: 'strategic', patch: { metadata: { labels: { [ENFORCE_LABEL]: 'baseline' } } } };
    const what = value === undefined ? `has no ${ENFORCE_LABEL} label` : `has an invalid ${ENFORCE_LABEL} label ${JSON.stringify(value)}`;
    return [
      {
        message: `namespace "${subject.metadata.name ?? ''}" ${what}. Fix: ${kubectlPatchCommand(subject, patch)}`,
        evidence: [childPath('metadata.labels', ENFORCE_LABEL)],
        patch,
      },
    ];
  },
};
