// ConfigMaps are not treated as secret (no encryption at rest by default, broad read
// RBAC, shown by describe): credentials in them are exposed.
import type { Control } from '../../engine/types.js';
import { childPath } from '../../workload/index.js';
import { secretReason } from './secret-patterns.js';

export const sensitiveConfigMap: Control = {
  id: 'config.sensitive-configmap',
  title: 'Credentials in a ConfigMap',
  severity: 'high',
  category: 'Secrets management',
  rationale:
    'ConfigMaps are readable by many more subjects than Secrets, are not encrypted at rest by default and appear in describe output; a credential stored in one is effectively published.',
  remediation:
    'Move the credential into a Secret (or an external secret store) and reference it from the workload; rotate the exposed credential.',
  frameworks: [
    { framework: 'nsa-cisa', id: 'pod-security' },
    { framework: 'mitre-attack', id: 'T1552' },
    { framework: 'pci-dss', id: '8.3.2' },
    { framework: 'soc2', id: 'CC6.1' },
  ],
  kinds: ['ConfigMap'],
  source: 'builtin',
  check(subject) {
    const data = subject.data;
    if (typeof data !== 'object' || data === null || Array.isArray(data)) return [];
    const hits: { key: string; reason: string }[] = [];
    for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
      if (typeof value !== 'string') continue;
      const reason = secretReason(key, value, { fileKeys: true });
      if (reason) hits.push({ key, reason });
    }
    if (hits.length === 0) return [];
    // Keys and reasons only: the values never go into a finding.
    return [
      {
        message: hits.map((h) => `key ${JSON.stringify(h.key)} looks like a credential (${h.reason})`).join('; '),
        evidence: hits.map((h) => childPath('data', h.key)),
      },
    ];
  },
};
