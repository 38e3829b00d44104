// PSS baseline `appArmorProfile`: the runtime default AppArmor profile may not be
// overridden with anything but RuntimeDefault or a Localhost profile, through the
// securityContext field or the deprecated per-container annotation.
import { definePodControl, describe, type Problem } from './support/define.js';
import { childPath } from '../../workload/index.js';

export const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

function allowedType(type: unknown): boolean {
  return type === 'RuntimeDefault' || type === 'Localhost';
}

function allowedAnnotation(value: unknown): boolean {
  return value === '' || value === 'runtime/default' || (typeof value === 'string' && value.startsWith('localhost/'));
}

export const apparmorUnconfined = definePodControl(
  {
    id: 'pod.apparmor-unconfined',
    title: 'AppArmor disabled or overridden',
    severity: 'medium',
    category: 'Pod security',
    rationale:
      'On AppArmor hosts the runtime/default profile confines file, mount and signal access; running Unconfined removes that layer.',
    remediation:
      'Set `securityContext.appArmorProfile.type` to `RuntimeDefault` or `Localhost` (and drop `container.apparmor.security.beta.kubernetes.io/*: unconfined` annotations, or set them to `runtime/default`).',
    frameworks: [
      { framework: 'pss-baseline', id: 'appArmorProfile' },
      { framework: 'nsa-cisa', id: 'pod-security' },
    ],
  },
  ({ spec, template, containers, patch }) => {
    const problems: Problem[] = [];
    const podProfile = spec.securityContext?.appArmorProfile;
    if (podProfile != null && !allowedType(podProfile.type)) {
      problems.push({
        message: `pod sets AppArmor profile ${JSON.stringify(podProfile.type ?? '')}`,
        evidence: [`${template.specPath}.securityContext.appArmorProfile.type`],
      });
      patch.pod({ securityContext: { appArmorProfile: { type: 'RuntimeDefault' } } });
    }
    for (const ref of containers) {
      const profile = ref.container.securityContext?.appArmorProfile;
      if (profile == null || allowedType(profile.type)) continue;
      problems.push({
        message: `${describe(ref)} sets AppArmor profile ${JSON.stringify(profile.type ?? '')}`,
        evidence: [`${ref.path}.securityContext.appArmorProfile.type`],
      });
      patch.container(ref, { securityContext: { appArmorProfile: { type: 'RuntimeDefault' } } });
    }
    const annotations = template.metadata.annotations ?? {};
    for (const [key, value] of Object.entries(annotations)) {
      if (!key.startsWith(APPARMOR_ANNOTATION_PREFIX) || allowedAnnotation(value)) continue;
      problems.push({
        message: `annotation ${key}=${JSON.stringify(value)}`,
        evidence: [childPath(`${template.metadataPath}.annotations`, key)],
      });
      patch.metadata({ annotations: { [key]: 'runtime/default' } });
    }
    return problems;
  },
);
