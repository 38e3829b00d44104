import { describe, expect, it } from 'vitest';
import { cronJob, deployment, hardened, KINDS, outcome, pod } from './support/fixtures.js';
import { expectFix } from './support/expect-fix.js';
import { hostIpc, hostNetwork, hostPid } from './host-namespaces.js';
import { hostPath, runtimeSocketMount, runtimeSocketUnder } from './host-path.js';
import { hostPorts } from './host-ports.js';
import { hostProbes } from './host-probes.js';
import { volumeTypes } from './volume-types.js';

describe('pod.host-pid, pod.host-ipc, pod.host-network', () => {
  const cases = [
    { control: hostPid, field: 'hostPID' },
    { control: hostIpc, field: 'hostIPC' },
    { control: hostNetwork, field: 'hostNetwork' },
  ] as const;

  it.each(KINDS.flatMap((k) => cases.map((c) => ({ ...k, ...c, id: c.control.id }))))('$id flags $field in a $kind', ({ control, field, make, prefix }) => {
    const subject = make({ [field]: true, containers: [hardened()] });
    const o = outcome(control, subject);
    expect(o.evidence).toEqual([`${prefix}.${field}`]);
    expectFix(o, subject, { [field]: false });
  });

  it.each(cases)('$field unset or false passes', ({ control, field }) => {
    expect(outcome(control, deployment({ containers: [hardened()] })).status).toBe('pass');
    expect(outcome(control, cronJob({ [field]: false, containers: [hardened()] })).status).toBe('pass');
  });
});

describe('pod.host-path', () => {
  it.each(KINDS)('flags hostPath volumes in a $kind', ({ make, prefix }) => {
    const o = outcome(hostPath, make({ containers: [hardened()], volumes: [{ name: 'tmp', emptyDir: {} }, { name: 'logs', hostPath: { path: '/var/log' } }] }));
    expect(o.status).toBe('fail');
    expect(o.evidence).toEqual([`${prefix}.volumes[1].hostPath`]);
    expect(o.message).toContain('"/var/log"');
  });

  it('passes pods without hostPath volumes', () => {
    expect(outcome(hostPath, deployment({ containers: [hardened()], volumes: [{ name: 'c', configMap: { name: 'x' } }] })).status).toBe('pass');
  });
});

describe('pod.runtime-socket-mount', () => {
  it.each(KINDS)('flags the docker socket and directories holding a runtime socket ($kind)', ({ make, prefix }) => {
    const o = outcome(
      runtimeSocketMount,
      make({
        containers: [hardened()],
        volumes: [
          { name: 'sock', hostPath: { path: '/var/run/docker.sock' } },
          { name: 'logs', hostPath: { path: '/var/log' } },
          { name: 'run', hostPath: { path: '/run/containerd/' } },
        ],
      }),
    );
    expect(o.status).toBe('fail');
    expect(o.severity).toBe('critical');
    expect(o.evidence).toEqual([`${prefix}.volumes[0].hostPath.path`, `${prefix}.volumes[2].hostPath.path`]);
  });

  it('knows which sockets a path exposes', () => {
    expect(runtimeSocketUnder('/run/crio/crio.sock')).toBe('/run/crio/crio.sock');
    expect(runtimeSocketUnder('/var/run')).toBe('/var/run/docker.sock');
    expect(runtimeSocketUnder('/')).toBeDefined();
    expect(runtimeSocketUnder('/var/lib/kubelet')).toBeUndefined();
  });

  it('passes other host paths', () => {
    expect(outcome(runtimeSocketMount, deployment({ containers: [hardened()], volumes: [{ name: 'l', hostPath: { path: '/var/log' } }] })).status).toBe('pass');
  });
});

describe('pod.host-ports', () => {
  it.each(KINDS)('flags hostPort and deletes it by containerPort ($kind)', ({ make, prefix }) => {
    const subject = make({ containers: [hardened('app', { ports: [{ containerPort: 8080 }, { containerPort: 9090, hostPort: 9090 }] })] });
    const o = outcome(hostPorts, subject);
    expect(o.evidence).toEqual([`${prefix}.containers[0].ports[1].hostPort`]);
    expectFix(o, subject, { containers: [{ name: 'app', ports: [{ containerPort: 9090, hostPort: null }] }] });
  });

  it('passes container ports and hostPort 0', () => {
    expect(outcome(hostPorts, pod({ containers: [hardened('a', { ports: [{ containerPort: 80, hostPort: 0 }] })] })).status).toBe('pass');
  });
});

describe('pod.host-probes', () => {
  it.each(KINDS)('flags probe and lifecycle hosts ($kind)', ({ make, prefix }) => {
    const subject = make({
      containers: [
        hardened('app', {
          livenessProbe: { httpGet: { host: '169.254.169.254', port: 80 } },
          readinessProbe: { tcpSocket: { host: '', port: 80 } },
          lifecycle: { preStop: { tcpSocket: { host: '10.0.0.1', port: 22 } } },
        }),
      ],
    });
    const o = outcome(hostProbes, subject);
    expect(o.evidence).toEqual([`${prefix}.containers[0].livenessProbe.httpGet.host`, `${prefix}.containers[0].lifecycle.preStop.tcpSocket.host`]);
    expectFix(o, subject, {
      containers: [{ name: 'app', livenessProbe: { httpGet: { host: null } }, lifecycle: { preStop: { tcpSocket: { host: null } } } }],
    });
  });

  it('passes probes against the pod itself', () => {
    expect(outcome(hostProbes, deployment({ containers: [hardened('a', { livenessProbe: { httpGet: { path: '/healthz', port: 80 } } })] })).status).toBe('pass');
  });
});

describe('pod.volume-types', () => {
  it.each(KINDS)('flags restricted volume types, hostPath included ($kind)', ({ make, prefix }) => {
    const o = outcome(
      volumeTypes,
      make({
        containers: [hardened()],
        volumes: [{ name: 'data', nfs: { server: 'nfs', path: '/x' } }, { name: 'h', hostPath: { path: '/' } }, { name: 'p', persistentVolumeClaim: { claimName: 'c' } }],
      }),
    );
    expect(o.status).toBe('fail');
    expect(o.evidence).toEqual([`${prefix}.volumes[0].nfs`, `${prefix}.volumes[1].hostPath`]);
  });

  it('passes allowed types and a bare volume (defaulted to emptyDir)', () => {
    const o = outcome(volumeTypes, deployment({ containers: [hardened()], volumes: [{ name: 'bare' }, { name: 's', secret: { secretName: 'x' } }, { name: 'p', projected: { sources: [] } }] }));
    expect(o.status).toBe('pass');
  });
});
