import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../model/object.js';
import { outcomesByName } from '../rbac/fixtures.js';
import { ingressNoTls, tlsCovers } from './ingress-no-tls.js';

const ing = (name: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name, namespace: 'app' },
  spec,
});

describe('net.ingress-no-tls', () => {
  it('fails without tls and names hosts tls does not cover', () => {
    const out = outcomesByName(
      [
        ing('plain', { rules: [{ host: 'a.example.com' }] }),
        ing('partial', { tls: [{ hosts: ['a.example.com'], secretName: 's' }], rules: [{ host: 'a.example.com' }, { host: 'b.other.com' }] }),
      ],
      ingressNoTls,
    );
    expect(out.get('Ingress/plain')!.status).toBe('fail');
    expect(out.get('Ingress/partial')).toMatchObject({ status: 'fail', evidence: ['spec.rules[1].host'] });
    expect(out.get('Ingress/partial')!.message).toContain('b.other.com');
  });

  it('passes when every host is covered, wildcards included', () => {
    const out = outcomesByName(
      [ing('ok', { tls: [{ hosts: ['*.example.com'], secretName: 's' }], rules: [{ host: 'a.example.com' }, { host: 'b.example.com' }] })],
      ingressNoTls,
    );
    expect(out.get('Ingress/ok')!.status).toBe('pass');
    expect(tlsCovers('*.example.com', 'a.b.example.com')).toBe(false);
  });
});
