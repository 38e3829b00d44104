// Service account hygiene: tokens mounted into pods that never call the API are free
// credentials for an intruder, and the shared `default` account blurs who may do what.
import type { KubeObject } from '../../model/object.js';
import type { PodSpecLike } from '../../workload/index.js';
import { definePodControl } from './support/define.js';

export function serviceAccountNameOf(spec: PodSpecLike): string {
  const name = spec.serviceAccountName ?? spec.serviceAccount;
  return typeof name === 'string' && name !== '' ? name : 'default';
}

export const automountSaToken = definePodControl(
  {
    id: 'pod.automount-sa-token',
    title: 'Service account token automounted',
    severity: 'medium',
    category: 'Identity and access',
    rationale:
      'Every container gets a token for the pod\'s ServiceAccount unless mounting is turned off; a compromised container can then call the Kubernetes API with it.',
    remediation:
      'Set `automountServiceAccountToken: false` on the pod spec (or on its ServiceAccount) for workloads that do not call the Kubernetes API; mount a projected token only where needed.',
    frameworks: [
      { framework: 'cis-kubernetes', id: '5.1.6' },
      { framework: 'nsa-cisa', id: 'authentication-authorization' },
      { framework: 'mitre-attack', id: 'T1552.007' },
    ],
    reads: ['ServiceAccount'],
  },
  ({ subject, spec, template, ctx, patch }) => {
    const podValue = spec.automountServiceAccountToken;
    if (podValue === false) return [];
    const podPath = `${template.specPath}.automountServiceAccountToken`;
    const saName = serviceAccountNameOf(spec);
    let message: string;
    if (podValue === true) {
      message = 'pod sets automountServiceAccountToken: true';
    } else {
      // Unset on the pod: the ServiceAccount decides, and Kubernetes mounts by default.
      const sa: KubeObject | undefined = ctx.view.get('ServiceAccount', subject.metadata.namespace, saName);
      if (sa && sa.automountServiceAccountToken === false) return [];
      message = sa
        ? `the token of ServiceAccount "${saName}" is mounted (neither the pod nor the ServiceAccount disables automounting)`
        : `the token of ServiceAccount "${saName}" is mounted by default (the pod does not disable automounting; the ServiceAccount was not seen)`;
    }
    patch.pod({ automountServiceAccountToken: false });
    return [{ message, evidence: [podPath] }];
  },
);

export const defaultServiceAccount = definePodControl(
  {
    id: 'pod.default-service-account',
    title: 'Workload uses the default ServiceAccount',
    severity: 'low',
    category: 'Identity and access',
    rationale:
      'The `default` ServiceAccount is shared by every pod in the namespace that names no other; permissions granted to it leak to all of them.',
    remediation:
      'Create a dedicated ServiceAccount per workload, reference it in `serviceAccountName`, and keep the `default` account without permissions (and with automountServiceAccountToken: false).',
    frameworks: [
      { framework: 'cis-kubernetes', id: '5.1.5' },
      { framework: 'nsa-cisa', id: 'authentication-authorization' },
    ],
  },
  ({ spec, template }) => {
    if (serviceAccountNameOf(spec) !== 'default') return [];
    const explicit = spec.serviceAccountName != null || spec.serviceAccount != null;
    return [
      {
        message: explicit ? 'pod runs as the default ServiceAccount' : 'pod names no ServiceAccount, so it runs as "default"',
        evidence: [`${template.specPath}.serviceAccountName`],
      },
    ];
  },
);
