import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../model/object.js';
import { isolationOf, policyTypesOf } from './policy.js';

const np = (spec: Record<string, unknown>, name = 'p'): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace: 'ns' },
  spec,
});

describe('NetworkPolicy semantics', () => {
  it('defaults policyTypes to Ingress, plus Egress when egress rules exist', () => {
    expect(policyTypesOf(np({ podSelector: {} }))).toEqual(['Ingress']);
    expect(policyTypesOf(np({ podSelector: {}, egress: [{}] }))).toEqual(['Ingress', 'Egress']);
    expect(policyTypesOf(np({ podSelector: {}, policyTypes: ['Egress'] }))).toEqual(['Egress']);
  });

  it('splits the selecting policies by type', () => {
    const all = np({ podSelector: {}, policyTypes: ['Egress'] }, 'egress-all');
    const web = np({ podSelector: { matchLabels: { app: 'web' } } }, 'web-in');
    const iso = isolationOf([all, web], { app: 'web' });
    expect(iso.ingress.map((p) => p.metadata.name)).toEqual(['web-in']);
    expect(iso.egress.map((p) => p.metadata.name)).toEqual(['egress-all']);
    expect(isolationOf([web], { app: 'db' }).ingress).toEqual([]);
  });
});
