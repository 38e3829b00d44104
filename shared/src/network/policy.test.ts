import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../model/object.js';
import { admitsExternal, admitsPods, allowAllRule, isOpen, isolationOf, policyTypesOf, rulesOf, trafficOf } from './policy.js';

const np = (spec: Record<string, unknown>, name = 'p'): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace: 'ns' },
  spec,
});

describe('NetworkPolicy semantics', () => {
  it('defaults policyTypes to Ingress, plus Egress when egress rules exist (an empty egress list is none)', () => {
    expect(policyTypesOf(np({ podSelector: {} }))).toEqual(['Ingress']);
    expect(policyTypesOf(np({ podSelector: {}, egress: [{}] }))).toEqual(['Ingress', 'Egress']);
    expect(policyTypesOf(np({ podSelector: {}, egress: [] }))).toEqual(['Ingress']);
    expect(policyTypesOf(np({ podSelector: {}, policyTypes: ['Egress'] }))).toEqual(['Egress']);
    expect(policyTypesOf(np({ podSelector: {}, policyTypes: [] }))).toEqual(['Ingress']);
  });

  it('splits the selecting policies by type', () => {
    const all = np({ podSelector: {}, policyTypes: ['Egress'] }, 'egress-all');
    const web = np({ podSelector: { matchLabels: { app: 'web' } } }, 'web-in');
    const iso = isolationOf([all, web], { app: 'web' });
    expect(iso.ingress.map((p) => p.metadata.name)).toEqual(['web-in']);
    expect(iso.egress.map((p) => p.metadata.name)).toEqual(['egress-all']);
    expect(isolationOf([web], { app: 'db' }).ingress).toEqual([]);
  });

  it('reads rules: no rules admit nothing, an empty rule everything, peers and ports kept', () => {
    expect(rulesOf(np({ podSelector: {} }), 'Ingress')).toEqual([]);
    expect(rulesOf(np({ podSelector: {}, ingress: [] }), 'Ingress')).toEqual([]);
    const [open] = rulesOf(np({ podSelector: {}, ingress: [{}] }), 'Ingress');
    expect(open).toMatchObject({ index: 0, peers: 'any', ports: 'any', direction: 'Ingress' });
    const [r] = rulesOf(np({ podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }, { bogus: 1 }], ports: [{ port: 53 }] }] }), 'Egress');
    expect(r).toMatchObject({ peers: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ port: 53 }] });
  });

  it('judges what each direction admits: open, external sources, pods', () => {
    const none = trafficOf([], { app: 'web' });
    expect(isOpen(none.ingress) && admitsExternal(none.ingress) && admitsPods(none.ingress)).toBe(true);

    const deny = trafficOf([np({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] })], { app: 'web' });
    expect([isOpen(deny.ingress), admitsExternal(deny.ingress), admitsPods(deny.ingress), isOpen(deny.egress)]).toEqual([false, false, false, false]);

    const fromNs = trafficOf([np({ podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'x' } } }] }] })], {});
    expect([isOpen(fromNs.ingress), admitsExternal(fromNs.ingress), admitsPods(fromNs.ingress)]).toEqual([false, false, true]);

    const fromCidr = trafficOf([np({ podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] })], {});
    expect([admitsExternal(fromCidr.ingress), admitsPods(fromCidr.ingress)]).toEqual([true, false]);
    // Every address: allow-all for egress (metadata, internet); for ingress, outside clients only.
    const toAll = trafficOf([np({ podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] })], {});
    expect([isOpen(fromCidr.ingress), isOpen(toAll.egress)]).toEqual([false, true]);

    const anyOn443 = trafficOf([np({ podSelector: {}, ingress: [{ ports: [{ port: 443 }] }] })], {});
    expect([isOpen(anyOn443.ingress), admitsExternal(anyOn443.ingress), allowAllRule(anyOn443.ingress)]).toEqual([false, true, undefined]);

    const allowAll = trafficOf([np({ podSelector: {} }, 'deny'), np({ podSelector: {}, ingress: [{ from: [] }] }, 'all')], {});
    expect(allowAllRule(allowAll.ingress)?.policy.metadata.name).toBe('all');
    expect(isOpen(allowAll.ingress)).toBe(true);
  });
});
