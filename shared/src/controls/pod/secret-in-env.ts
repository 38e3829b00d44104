// Credentials written literally into env values end up in the manifest, the API
// server's storage, `kubectl describe` output and every log that dumps the environment.
import { definePodControl, describe, type Problem } from './support/define.js';
import { secretReason } from '../config/secret-patterns.js';

export const secretInEnv = definePodControl(
  {
    id: 'pod.secret-in-env',
    title: 'Credentials in plain-text environment variables',
    severity: 'high',
    category: 'Secrets management',
    rationale:
      'A literal env value is stored in the workload spec: anyone who can read Deployments or Pods (far more people than can read Secrets) sees it, and it leaks through describe output and crash dumps.',
    remediation:
      'Move the value into a Secret and reference it with `valueFrom.secretKeyRef` (or better, mount the Secret as a file); rotate the exposed credential.',
    frameworks: [
      { framework: 'cis-kubernetes', id: '5.4.1' },
      { framework: 'nsa-cisa', id: 'pod-security' },
      { framework: 'mitre-attack', id: 'T1552' },
      { framework: 'pci-dss', id: '8.3.2' },
      { framework: 'soc2', id: 'CC6.1' },
    ],
  },
  ({ containers }) => {
    const problems: Problem[] = [];
    for (const ref of containers) {
      if (!Array.isArray(ref.container.env)) continue;
      ref.container.env.forEach((env, i) => {
        if (typeof env?.value !== 'string' || typeof env.name !== 'string') return;
        const reason = secretReason(env.name, env.value);
        if (!reason) return;
        // Name and reason only: the value itself never goes into a finding.
        problems.push({ message: `${describe(ref)} env ${env.name} holds a literal value that looks like a credential (${reason})`, evidence: [`${ref.path}.env[${i}].value`] });
      });
    }
    return problems;
  },
);
