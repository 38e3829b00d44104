// The relation controls' fixed ids, CIS references and metadata (RBAC and network).
import { describe, expect, it } from 'vitest';
import { networkControls } from '../network/index.js';
import { rbacControls } from './index.js';

const EXPECTED: Record<string, string | undefined> = {
  'rbac.cluster-admin-binding': '5.1.1',
  'rbac.secrets-read': '5.1.2',
  'rbac.wildcard': '5.1.3',
  'rbac.pod-create': '5.1.4',
  'rbac.pod-exec': undefined,
  'rbac.escalate-bind-impersonate': '5.1.8',
  'rbac.nodes-proxy': '5.1.10',
  'rbac.anonymous-binding': '5.1.7',
  'rbac.binding-missing-role': undefined,
  'rbac.workload-powerful-sa': undefined,
  'net.namespace-no-networkpolicy': '5.3.2',
  'net.pod-not-isolated': '5.3.2',
  'net.pod-egress-not-isolated': '5.3.2',
  'net.exposed-service': undefined,
  'net.ingress-no-tls': undefined,
};

describe('relation control catalog', () => {
  const all = [...rbacControls, ...networkControls];

  it('has exactly the fixed ids, each with its CIS reference', () => {
    expect(all.map((c) => c.id).sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const c of all) {
      const cis = c.frameworks.filter((f) => f.framework === 'cis-kubernetes').map((f) => f.id);
      expect(cis, c.id).toEqual(EXPECTED[c.id] ? [EXPECTED[c.id]] : []);
    }
  });

  it('carries actionable data and well-formed framework ids', () => {
    for (const c of all) {
      expect(c.title.length, c.id).toBeGreaterThan(10);
      expect(c.rationale.length, c.id).toBeGreaterThan(60);
      expect(c.remediation.length, c.id).toBeGreaterThan(60);
      expect(c.kinds.length, c.id).toBeGreaterThan(0);
      expect(c.frameworks.some((f) => f.framework === 'nsa-cisa' || f.framework === 'mitre-attack'), c.id).toBe(true);
      for (const f of c.frameworks.filter((x) => x.framework === 'mitre-attack')) expect(f.id).toMatch(/^T\d{4}(\.\d{3})?$/);
    }
  });
});
