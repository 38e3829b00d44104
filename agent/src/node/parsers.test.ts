import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isLoopbackHost as isLoopback } from '@stance/shared/net/loopback';
import { parseProcNetTcp } from './sockets.js';
import { parseEncryptionConfig } from './encryption.js';
import { identifyCommand } from './processes.js';
import { HostFs, parseIdFile } from './hostfs.js';
import { kubeletFacts } from './kubelet.js';
import type { NodeFactsDoc } from '@stance/shared/node/index';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('/proc/net/tcp', () => {
  it('keeps listening sockets only, decoding v4 and v6 addresses', () => {
    const v4 = 'sl local rem st\n 0: 0100007F:0953 00000000:0000 0A 0\n 1: 0500000A:C738 0A00000A:01BB 01 0\n';
    expect(parseProcNetTcp(v4, 'tcp')).toEqual([{ proto: 'tcp', address: '127.0.0.1', port: 2387 }]);
    const v6 = 'sl\n 0: 00000000000000000000000000000000:1A0A 00000000000000000000000000000000:0000 0A 0\n 1: 00000000000000000000000001000000:2710 00000000000000000000000000000000:0000 0A 0\n 2: 0000000000000000FFFF00000100007F:0953 00000000000000000000000000000000:0000 0A 0\n';
    expect(parseProcNetTcp(v6, 'tcp6').map((s) => `${s.address}:${s.port}`)).toEqual([':::6666', '::1:10000', '::ffff:127.0.0.1:2387']);
    expect(isLoopback('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopback('10.0.0.1')).toBe(false);
  });
});

describe('encryption config', () => {
  it('keeps resource and provider names, never keys', () => {
    const facts = parseEncryptionConfig('/e.yaml', 'resources:\n- resources: [secrets, configmaps]\n  providers:\n  - kms: {name: x, endpoint: unix:///k.sock}\n  - identity: {}\n');
    expect(facts).toEqual({ path: '/e.yaml', readable: true, rules: [{ resources: ['secrets', 'configmaps'], providers: ['kms', 'identity'] }] });
    expect(JSON.stringify(facts)).not.toContain('k.sock');
    expect(parseEncryptionConfig('/e.yaml', undefined).readable).toBe(false);
  });
});

describe('processes', () => {
  it('identifies components by binary name, hyperkube and k3s subcommands', () => {
    expect(identifyCommand(['/usr/bin/kubelet', '--v=2'])).toEqual({ name: 'kubelet', args: ['--v=2'] });
    expect(identifyCommand(['/hyperkube', 'kube-apiserver', '--x'])).toEqual({ name: 'kube-apiserver', args: ['--x'] });
    expect(identifyCommand(['/usr/local/bin/k3s', 'server', '--cluster-init'])).toEqual({ name: 'k3s', args: ['--cluster-init'], subcommand: 'server' });
    expect(identifyCommand(['/usr/local/bin/k3s', 'kubectl', 'get'])).toBeUndefined();
    expect(identifyCommand(['/usr/bin/containerd-shim-runc-v2'])).toBeUndefined();
  });
});

describe('HostFs', () => {
  it('resolves absolute symlinks inside the host root, and names owners from its passwd', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'hostfs-'));
    dirs.push(root);
    await mkdir(path.join(root, 'run'), { recursive: true });
    await mkdir(path.join(root, 'var'), { recursive: true });
    await mkdir(path.join(root, 'etc'), { recursive: true });
    await writeFile(path.join(root, 'run/x.conf'), 'inside');
    await symlink('/run', path.join(root, 'var/run'));
    await writeFile(path.join(root, 'etc/passwd'), 'root:x:0:0::/root:/bin/sh\n');
    await writeFile(path.join(root, 'etc/group'), 'wheel:x:0:\n');
    const fs = new HostFs(root);
    expect(await fs.readText('/var/run/x.conf')).toBe('inside');
    expect(await fs.fileFacts('/var/run/x.conf')).toMatchObject({ path: '/var/run/x.conf', type: 'file', user: 'root', group: 'wheel' });
    expect(parseIdFile('a:x:5:5\n#c:x:1\nb:x:5:5')).toEqual(new Map([[5, 'a']]));
  });
});

describe('kubelet settings', () => {
  it('uses the legacy defaults without a config file and the v1beta1 ones with it', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'kubelet-'));
    dirs.push(root);
    await writeFile(path.join(root, 'cfg.yaml'), '{"kind":"KubeletConfiguration","readOnlyPort":10255,"featureGates":{"A":true}}');
    const fs = new HostFs(root);
    const legacy = await kubeletFacts(fs, {});
    expect(legacy.settings).toMatchObject({ anonymousAuth: true, authorizationMode: 'AlwaysAllow', readOnlyPort: 10255 });
    const withCfg = await kubeletFacts(fs, { config: ['/cfg.yaml'], 'feature-gates': ['B=false'], 'read-only-port': ['0'] });
    expect(withCfg.settings).toMatchObject({ anonymousAuth: false, authorizationMode: 'Webhook', readOnlyPort: 0, featureGates: { A: true, B: false } });
    expect(withCfg.sources.readOnlyPort).toBe('flag');
    const broken = await kubeletFacts(fs, { config: ['/missing.yaml'] });
    expect(broken.configErrors).toEqual(['/missing.yaml: not readable']);
  });
});

describe('an unreadable kubelet config file', () => {
  it('makes the kubelet checks that rely on it no-data instead of passing on defaults', async () => {
    const { nodeControls } = await import('@stance/shared/controls/node/index');
    const { evaluateAll } = await import('@stance/shared/engine/index');
    const { nodeFactsSubject, NODE_FACTS_SCHEMA_VERSION } = await import('@stance/shared/node/index');
    const root = await mkdtemp(path.join(tmpdir(), 'kubelet-unreadable-'));
    dirs.push(root);
    const kubelet = await kubeletFacts(new HostFs(root), { config: ['/var/lib/kubelet/config.yaml'], 'anonymous-auth': ['false'] });
    const doc: NodeFactsDoc = {
      schemaVersion: NODE_FACTS_SCHEMA_VERSION,
      collectedAt: new Date(0).toISOString(),
      nodeName: 'n',
      distribution: 'kubeadm',
      roles: { controlPlane: false, etcd: false, worker: true },
      components: { kubelet: { name: 'kubelet', source: 'process', pid: 1, flags: {} } },
      kubelet,
      kubeProxy: null,
      files: {},
      encryption: null,
      auditPolicy: null,
      kernel: { osRelease: { id: null, versionId: null, prettyName: null }, kernelVersion: null, lsms: null, apparmor: { enabled: null, profiles: null }, selinux: { enforcing: null }, seccomp: { available: null }, cgroupVersion: null, sysctls: {} },
      listening: null,
      warnings: [],
    };
    const status = Object.fromEntries(evaluateAll([nodeFactsSubject(doc)], nodeControls).map((o) => [o.controlId, o.status]));
    expect(status['cis.4.2.1']).toBe('pass'); // set by flag
    expect(status['cis.4.2.2']).toBe('no-data'); // would have been the config file's (or default) value
    expect(status['cis.4.2.4']).toBe('no-data');
  });
});
