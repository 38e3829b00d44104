// Every node check on five fake hosts, with the exact expected status of each id: a
// compliant and a non-compliant kubeadm control plane, a worker configured only by its
// kubelet config file, a worker configured only by flags, and a k3s server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeFactsCollector } from '@stance/agent/node/index';
import { nodeControls } from '@stance/shared/controls/node/index';
import { evaluateAll, type OutcomeStatus } from '@stance/shared/engine/index';
import { nodeFactsSubject, type NodeFactsDoc } from '@stance/shared/node/index';
import type { HostRootBuilder } from './builder.js';
import { kubeadmControlPlane } from './kubeadm.js';
import { workerConfigFile, workerFlags } from './workers.js';
import { k3sServer } from './k3s.js';

const P = 'pass';
const F = 'fail';
const NA = 'not-applicable';
const ND = 'no-data';
type S = OutcomeStatus;

const SCENARIOS = ['cp-good', 'cp-bad', 'worker-cfg', 'worker-flags', 'k3s-1'] as const;
type Scenario = (typeof SCENARIOS)[number];

const BUILD: Record<Scenario, () => Promise<HostRootBuilder>> = {
  'cp-good': () => kubeadmControlPlane(true),
  'cp-bad': () => kubeadmControlPlane(false),
  'worker-cfg': workerConfigFile,
  'worker-flags': workerFlags,
  'k3s-1': k3sServer,
};

// prettier-ignore
const EXPECTED: [string, S, S, S, S, S][] = [
  // id                                      cp-good cp-bad worker-cfg worker-flags k3s
  ['cis.1.1.1',                              P , F , NA, NA, NA],
  ['cis.1.1.2',                              P , F , NA, NA, NA],
  ['cis.1.1.3',                              P , F , NA, NA, NA],
  ['cis.1.1.4',                              P , F , NA, NA, NA],
  ['cis.1.1.5',                              P , F , NA, NA, NA],
  ['cis.1.1.6',                              P , F , NA, NA, NA],
  ['cis.1.1.7',                              P , F , NA, NA, NA],
  ['cis.1.1.8',                              P , F , NA, NA, NA],
  ['cis.1.1.9',                              P , F , NA, NA, P ],
  ['cis.1.1.10',                             P , P , NA, NA, P ],
  ['cis.1.1.11',                             P , F , NA, NA, P ],
  ['cis.1.1.12',                             P , F , NA, NA, NA],
  ['cis.1.1.13',                             P , F , NA, NA, P ],
  ['cis.1.1.14',                             P , F , NA, NA, P ],
  ['cis.1.1.15',                             P , F , NA, NA, P ],
  ['cis.1.1.16',                             P , P , NA, NA, P ],
  ['cis.1.1.17',                             P , F , NA, NA, P ],
  ['cis.1.1.18',                             P , P , NA, NA, P ],
  ['cis.1.1.19',                             P , F , NA, NA, P ],
  ['cis.1.1.20',                             P , F , NA, NA, P ],
  ['cis.1.1.21',                             P , F , NA, NA, P ],
  ['cis.1.2.1',                              P , F , NA, NA, P ],
  ['cis.1.2.2',                              P , F , NA, NA, P ],
  ['cis.1.2.3',                              P , F , NA, NA, F ],
  ['cis.1.2.4',                              P , F , NA, NA, P ],
  ['cis.1.2.5',                              P , F , NA, NA, P ],
  ['cis.1.2.6',                              P , F , NA, NA, P ],
  ['cis.1.2.7',                              P , F , NA, NA, P ],
  ['cis.1.2.8',                              P , F , NA, NA, P ],
  ['cis.1.2.9',                              P , F , NA, NA, F ],
  ['cis.1.2.10',                             P , F , NA, NA, P ],
  ['cis.1.2.11',                             P , F , NA, NA, F ],
  ['cis.1.2.12',                             P , F , NA, NA, P ],
  ['cis.1.2.13',                             P , F , NA, NA, P ],
  ['cis.1.2.14',                             P , F , NA, NA, P ],
  ['cis.1.2.15',                             P , F , NA, NA, P ],
  ['cis.1.2.16',                             P , F , NA, NA, P ],
  ['cis.1.2.17',                             P , F , NA, NA, P ],
  ['cis.1.2.18',                             P , F , NA, NA, P ],
  ['cis.1.2.19',                             P , F , NA, NA, P ],
  ['cis.1.2.20',                             P , F , NA, NA, P ],
  ['cis.1.2.21',                             P , F , NA, NA, P ],
  ['cis.1.2.22',                             P , F , NA, NA, P ],
  ['cis.1.2.23',                             P , F , NA, NA, P ],
  ['cis.1.2.24',                             P , F , NA, NA, P ],
  ['cis.1.2.25',                             P , P , NA, NA, P ],
  ['cis.1.2.26',                             P , F , NA, NA, P ],
  ['cis.1.2.27',                             P , P , NA, NA, P ],
  ['cis.1.2.28',                             P , F , NA, NA, P ],
  ['cis.1.2.29',                             P , F , NA, NA, F ],
  ['cis.1.3.1',                              P , F , NA, NA, P ],
  ['cis.1.3.2',                              P , F , NA, NA, P ],
  ['cis.1.3.3',                              P , F , NA, NA, P ],
  ['cis.1.3.4',                              P , F , NA, NA, P ],
  ['cis.1.3.5',                              P , F , NA, NA, P ],
  ['cis.1.3.6',                              P , F , NA, NA, P ],
  ['cis.1.3.7',                              P , F , NA, NA, P ],
  ['cis.1.4.1',                              P , F , NA, NA, P ],
  ['cis.1.4.2',                              P , F , NA, NA, P ],
  ['cis.2.1',                                P , F , NA, NA, P ],
  ['cis.2.2',                                P , F , NA, NA, P ],
  ['cis.2.3',                                P , F , NA, NA, P ],
  ['cis.2.4',                                P , F , NA, NA, P ],
  ['cis.2.5',                                P , F , NA, NA, P ],
  ['cis.2.6',                                P , F , NA, NA, P ],
  ['cis.2.7',                                P , F , NA, NA, P ],
  ['cis.4.1.1',                              P , F , F , ND, F ],
  ['cis.4.1.2',                              P , P , P , ND, P ],
  ['cis.4.1.3',                              P , F , NA, P , P ],
  ['cis.4.1.4',                              P , P , NA, P , P ],
  ['cis.4.1.5',                              P , P , P , F , P ],
  ['cis.4.1.6',                              P , P , P , P , P ],
  ['cis.4.1.7',                              P , ND, P , ND, P ],
  ['cis.4.1.8',                              P , ND, P , ND, P ],
  ['cis.4.1.9',                              P , F , F , NA, NA],
  ['cis.4.1.10',                             P , F , P , NA, NA],
  ['cis.4.2.1',                              P , F , P , P , P ],
  ['cis.4.2.2',                              P , F , P , P , P ],
  ['cis.4.2.3',                              P , F , P , P , P ],
  ['cis.4.2.4',                              P , F , P , F , P ],
  ['cis.4.2.5',                              P , F , P , F , P ],
  ['cis.4.2.6',                              P , F , P , P , P ],
  ['cis.4.2.7',                              P , F , P , F , NA],
  ['cis.4.2.8',                              P , F , P , P , P ],
  ['cis.4.2.9',                              P , F , P , P , P ],
  ['cis.4.2.10',                             P , F , P , P , F ],
  ['cis.4.2.11',                             P , F , F , P , P ],
  ['cis.4.2.12',                             P , F , F , P , F ],
  ['cis.4.2.13',                             P , F , P , P , P ],
  ['cis.4.3.1',                              P , F , NA, P , P ],
  ['node.unprivileged-bpf',                  P , F , P , P , P ],
  ['node.lsm-enforcing',                     P , F , P , ND, P ],
  ['node.kubelet-read-only-port-listening',  P , F , P , ND, P ],
  ['node.etcd-client-port-exposed',          P , F , P , ND, P ],
  ['node.runtime-socket-world-writable',     P , F , P , P , P ],
  ['node.kubelet-protect-kernel-defaults',   P , F , F , P , P ],
];

const roots: Partial<Record<Scenario, HostRootBuilder>> = {};
const docs: Partial<Record<Scenario, NodeFactsDoc>> = {};

beforeAll(async () => {
  for (const s of SCENARIOS) {
    roots[s] = await BUILD[s]();
    docs[s] = await new NodeFactsCollector({ hostRoot: roots[s]!.root }).collect();
  }
});

afterAll(async () => {
  for (const r of Object.values(roots)) await r?.remove();
});

describe('node checks on fake hosts', () => {
  it('the table covers every node control of the catalog, once', () => {
    expect(EXPECTED.map((r) => r[0]).sort()).toEqual(nodeControls.map((c) => c.id).sort());
  });

  SCENARIOS.forEach((scenario, col) => {
    it(`${scenario}: every check has its expected status`, () => {
      const doc = docs[scenario]!;
      expect(doc.nodeName).toBe(scenario);
      const outcomes = evaluateAll([nodeFactsSubject(doc)], nodeControls);
      const actual = Object.fromEntries(outcomes.map((o) => [o.controlId, o.status]));
      const expected = Object.fromEntries(EXPECTED.map((row) => [row[0], row[col + 1]]));
      expect(actual).toEqual(expected);
      // A failure or a missing fact always says why.
      for (const o of outcomes) if (o.status === 'fail' || o.status === 'no-data') expect(o.message, o.controlId).toBeTruthy();
    });
  });

  it('detects each distribution and role', () => {
    expect(docs['cp-good']!.distribution).toBe('kubeadm');
    expect(docs['cp-good']!.roles).toEqual({ controlPlane: true, etcd: true, worker: true });
    expect(docs['worker-cfg']!.roles).toEqual({ controlPlane: false, etcd: false, worker: true });
    expect(docs['k3s-1']!.distribution).toBe('k3s');
    expect(docs['k3s-1']!.components['kube-apiserver']?.source).toBe('embedded');
  });

  it('merges kubelet config, drop-ins (in name order) and flags, with the right defaults', () => {
    const cfg = docs['worker-cfg']!.kubelet!;
    expect(cfg.dropIns).toEqual(['/etc/kubernetes/kubelet.conf.d/10-pids.conf', '/etc/kubernetes/kubelet.conf.d/90-ports.conf']);
    expect(cfg.settings.readOnlyPort).toBe(0);
    expect(cfg.settings.podPidsLimit).toBe(1024);
    expect(cfg.sources.protectKernelDefaults).toBe('default');
    const flags = docs['worker-flags']!.kubelet!;
    // No config file: the legacy defaults (read-only port 10255) apply.
    expect(flags.settings.readOnlyPort).toBe(10255);
    expect(flags.settings.authorizationMode).toBe('Webhook');
    expect(flags.settings.clientCAFile).toBe('/etc/kubernetes/pki/ca.crt');
    expect(flags.settings.podPidsLimit).toBe(2048);
    // Repeated --feature-gates: the later value wins, both are merged.
    expect(flags.settings.featureGates).toEqual({ RotateKubeletServerCertificate: true, GracefulNodeShutdown: true });
    expect(flags.sources.protectKernelDefaults).toBe('flag');
  });

  it('reads a containerized component\'s files through /proc/<pid>/root', () => {
    const good = docs['cp-good']!;
    expect(good.kubeProxy).toEqual({ configFile: '/var/lib/kube-proxy/config.conf', kubeconfig: '/var/lib/kube-proxy/kubeconfig.conf', metricsBindAddress: '127.0.0.1:10249' });
    expect(good.files.proxyKubeconfig?.found[0]?.path).toBe('/var/lib/kube-proxy/kubeconfig.conf');
  });

  it('parses the host\'s listening sockets, ignoring connections', () => {
    const listening = docs['cp-good']!.listening!;
    expect(listening).toContainEqual({ proto: 'tcp', address: '10.0.0.10', port: 2379 });
    expect(listening).toContainEqual({ proto: 'tcp6', address: '::', port: 6443 });
    expect(listening.some((s) => s.port === 51000)).toBe(false);
  });
});
