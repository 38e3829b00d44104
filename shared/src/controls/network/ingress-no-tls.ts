// net.ingress-no-tls: an Ingress serving hosts over plain HTTP.
import type { Control } from '../../engine/types.js';

interface IngressSpec {
  tls?: { hosts?: unknown }[];
  rules?: { host?: unknown }[];
}

/** TLS host entries may be wildcards covering one label: `*.example.com`. */
export function tlsCovers(tlsHost: string, host: string): boolean {
  if (tlsHost === host) return true;
  if (!tlsHost.startsWith('*.')) return false;
  const dot = host.indexOf('.');
  return dot > 0 && host.slice(dot) === tlsHost.slice(1);
}

export const ingressNoTls: Control = {
  id: 'net.ingress-no-tls',
  title: 'Ingress without TLS',
  severity: 'medium',
  category: 'Network',
  rationale:
    'Hosts an Ingress serves without TLS send credentials, session cookies and data in clear text across networks you do not control.',
  remediation:
    'Add a `spec.tls` entry listing every host in `spec.rules` with a certificate Secret (cert-manager can issue and renew it), and redirect HTTP to HTTPS in the ingress controller.',
  frameworks: [
    { framework: 'nsa-cisa', id: 'network-separation' },
    { framework: 'mitre-attack', id: 'T1557' },
  ],
  kinds: ['Ingress'],
  check(ing) {
    const spec = (ing.spec ?? {}) as IngressSpec;
    const tls = Array.isArray(spec.tls) ? spec.tls : [];
    if (tls.length === 0) return [{ message: 'no spec.tls: every host is served over plain HTTP', evidence: ['spec'] }];
    // An entry without hosts takes the controller's default certificate for the rest.
    if (tls.some((t) => !Array.isArray(t?.hosts) || t.hosts.length === 0)) return [];
    const tlsHosts = tls.flatMap((t) => (t.hosts as unknown[]).filter((h): h is string => typeof h === 'string'));
    const rules = Array.isArray(spec.rules) ? spec.rules : [];
    const uncovered = rules
      .map((r, i) => ({ host: r?.host, i }))
      .filter((r): r is { host: string; i: number } => typeof r.host === 'string' && r.host !== '')
      .filter((r) => !tlsHosts.some((t) => tlsCovers(t, r.host)));
    if (uncovered.length === 0) return [];
    return [
      {
        message: `hosts not covered by spec.tls: ${uncovered.map((u) => u.host).join(', ')}`,
        evidence: uncovered.map((u) => `spec.rules[${u.i}].host`),
      },
    ];
  },
};
