// The real kubectl (a child process) against the test API server: discovery, Tables,
// watch, chunked lists, create/delete — and `stance dev-cluster` as a process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEMO_CLUSTER_DIR, TestApiServer } from '@stance/dev-cluster';

const KUBECTL = '/usr/bin/kubectl';
const REPO = resolve(import.meta.dirname, '../..');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], timeoutMs = 30_000): Promise<Run> {
  return new Promise((done) => {
    execFile(cmd, args, { timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

async function waitFor(pred: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('kubectl 1.32 against the test API server', () => {
  const server = new TestApiServer();
  const dir = mkdtempSync(join(tmpdir(), 'stance-kubectl-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const kubectl = (...args: string[]): Promise<Run> => run(KUBECTL, ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args]);
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    if (!existsSync(KUBECTL)) {
      throw new Error(`kubectl not found at ${KUBECTL}: these tests drive the real kubectl 1.32 binary (CI installs it; locally install kubectl 1.32 there)`);
    }
    await server.loadDir(DEMO_CLUSTER_DIR);
    await server.start();
    server.writeKubeconfig(kubeconfig);
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await server.stop();
  });

  it('get pods -A prints a table of every pod', async () => {
    const r = await kubectl('get', 'pods', '-A');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    const names = lines.slice(1).map((l) => l.split(/\s+/).slice(0, 2).join('/'));
    expect(names.sort()).toEqual(server.list('Pod').map((p) => `${p.metadata.namespace}/${p.metadata.name}`).sort());
  });

  it('get pods -A -w sees a pod created after it started', async () => {
    const child = spawn(KUBECTL, ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), 'get', 'pods', '-A', '-w']);
    children.push(child);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor(() => out.includes('web-6d4b9c7f8d-k7q2p'), 15_000, 'the initial list');
    await waitFor(() => server.watchCount() > 0, 15_000, 'kubectl to start watching');
    server.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'late-arrival', namespace: 'shop' }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } });
    await waitFor(() => /shop\s+late-arrival\s+0\/1\s+Pending/.test(out), 15_000, 'the watch event in kubectl output');
    child.kill('SIGTERM');
  });

  it('create -f creates the objects of a file', async () => {
    const file = join(dir, 'objects.yaml');
    writeFileSync(
      file,
      [
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-file\n  namespace: shop\ndata:\n  a: "1"\n',
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  namespace: ci\nspec:\n  containers:\n    - name: c\n      image: busybox:1.36\n',
      ].join('---\n'),
    );
    const r = await kubectl('create', '-f', file);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('configmap/from-file created');
    expect(r.stdout).toContain('pod/x created');
    expect(server.get('ConfigMap', 'shop', 'from-file')!.data).toEqual({ a: '1' });
    const again = await kubectl('create', '-f', file);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('AlreadyExists');
  });

  it('delete pod x -n ns removes it', async () => {
    const r = await kubectl('delete', 'pod', 'x', '-n', 'ci');
    expect(r.stdout).toContain('pod "x" deleted');
    expect(server.get('Pod', 'ci', 'x')).toBeUndefined();
    const missing = await kubectl('delete', 'pod', 'x', '-n', 'ci');
    expect(missing.stderr).toContain('NotFound');
  });

  it('get configmaps -A --chunk-size=2 pages through all of them', async () => {
    for (let i = 0; i < 5; i++) server.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `chunk-${i}`, namespace: 'default' }, data: {} });
    const r = await kubectl('get', 'configmaps', '-A', '--chunk-size=2', '-v=6');
    expect(r.code).toBe(0);
    const rows = r.stdout.trim().split('\n').slice(1).map((l) => l.split(/\s+/).slice(0, 2).join('/'));
    const want = server.list('ConfigMap').map((c) => `${c.metadata.namespace}/${c.metadata.name}`);
    expect(rows.sort()).toEqual(want.sort());
    const pages = r.stderr.split('\n').filter((l) => /GET .*\/api\/v1\/configmaps\?.*limit=2/.test(l));
    expect(pages.length).toBe(Math.ceil(want.length / 2));
  });

  it('get ns kube-system -o json carries the cluster uid', async () => {
    const r = await kubectl('get', 'ns', 'kube-system', '-o', 'json');
    expect(JSON.parse(r.stdout).metadata.uid).toBe(server.clusterUid());
  });

  it('apply, label and patch work through kubectl', async () => {
    const file = join(dir, 'apply.yaml');
    writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\n  namespace: default\ndata:\n  v: "1"\n');
    expect((await kubectl('apply', '-f', file)).stdout).toContain('configmap/applied created');
    writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\n  namespace: default\ndata:\n  v: "2"\n');
    expect((await kubectl('apply', '-f', file)).stdout).toContain('configmap/applied configured');
    expect((await kubectl('label', 'cm', 'applied', 'team=x')).stdout).toContain('labeled');
    expect((await kubectl('patch', 'cm', 'applied', '--type=json', '-p', '[{"op":"add","path":"/data/w","value":"3"}]')).stdout).toContain('patched');
    const cm = server.get('ConfigMap', 'default', 'applied')!;
    expect(cm.data).toEqual({ v: '2', w: '3' });
    expect(cm.metadata.labels).toEqual({ team: 'x' });
  });
});

describe('stance dev-cluster', () => {
  it('serves the loaded cluster to kubectl and exits cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stance-devcluster-'));
    const kubeconfig = join(dir, 'kubeconfig');
    const child = spawn(join(REPO, 'node_modules/.bin/tsx'), [join(REPO, 'cli/src/main.ts'), 'dev-cluster', '--port', '0', '--load', DEMO_CLUSTER_DIR, '--generate', '100', '--kubeconfig-out', kubeconfig], { cwd: REPO });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      await waitFor(() => stderr.includes('dev-cluster ready'), 30_000, 'dev-cluster to start');
      const ready = stderr.split('\n').map((l) => (l.startsWith('{') ? JSON.parse(l) : {})).find((l) => l.msg === 'dev-cluster ready');
      expect(ready.kubeconfig).toBe(kubeconfig);
      expect(readFileSync(kubeconfig, 'utf8')).toContain(ready.url);
      const r = await run(KUBECTL, ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), 'get', 'ns', 'kube-system', '-o', 'jsonpath={.metadata.uid}']);
      expect(r.stdout).toBe(ready.clusterUid);
      const pods = await run(KUBECTL, ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), 'get', 'pods', '-A', '--no-headers']);
      expect(pods.stdout.trim().split('\n').length).toBeGreaterThan(10);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stderr).toContain('dev-cluster shutting down');
  });
});
