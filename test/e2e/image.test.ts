// The image, run as its entrypoint runs it (no Docker engine here): the layout the
// Dockerfile's build stage assembles (scripts/assemble-image.mjs over `pnpm build`), its
// ENTRYPOINT and USER, and the exact container args, env, Secret files and volumes the
// chart creates when `helm install`ed into the dev cluster. Each process runs as the
// image's non-root uid in its own mount namespace whose root filesystem is read-only
// (readOnlyRootFilesystem), with only its volumes writable. Container paths map to
// folders here, and the Service name to loopback; the agents use a kubeconfig for the
// dev cluster where a pod would use its ServiceAccount. The collector then shows the
// cluster, the node, and the node agent's host access as excepted with the chart's reason.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestApiServer } from '@stance/dev-cluster';
import { HOST_SCENARIOS } from '@stance/dev-cluster/hostroot/scenarios';
import type { KubeObject } from '@stance/shared/model/index';
import { REPO_ROOT, StanceProcess, waitFor } from '../src/harness/index.js';
import { CHART_DIR, helm } from '../src/harness/kube-tools.js';

interface Dockerfile {
  entrypoint: string[];
  uid: number;
  gid: number;
  env: Record<string, string>;
}

/** ENTRYPOINT, USER and ENV of the Dockerfile's final stage. */
function readDockerfile(): Dockerfile {
  const text = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8').replace(/\\\n\s*/g, ' ');
  const stages = text.split(/^FROM /m);
  const last = stages[stages.length - 1]!;
  const entrypoint = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(last)![1]!) as string[];
  const [uid, gid] = /^USER (\d+):(\d+)$/m.exec(last)!.slice(1).map(Number) as [number, number];
  const env: Record<string, string> = {};
  for (const m of last.matchAll(/^ENV (.*)$/gm)) for (const kv of m[1]!.trim().split(/\s+/)) env[kv.split('=')[0]!] = kv.slice(kv.indexOf('=') + 1);
  return { entrypoint, uid, gid, env };
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

const dir = mkdtempSync(join(tmpdir(), 'stance-image-'));
const appDir = join(dir, 'app');
const api = new TestApiServer();
const docker = readDockerfile();
const processes: StanceProcess[] = [];
let collector: StanceProcess;
let clusterAgent: StanceProcess;
let nodeAgent: StanceProcess;
let httpUrl = '';
let readToken = '';
let dataDir = '';
let hostRoot = '';

type Container = { name: string; args: string[]; env?: { name: string; value?: string; valueFrom?: any }[]; volumeMounts?: { name: string; mountPath: string }[] };
type PodSpec = { containers: Container[]; volumes?: { name: string; secret?: { secretName: string; defaultMode?: number; items?: { key: string; path: string }[] }; emptyDir?: object; hostPath?: { path: string } }[] };

function secretValue(namespace: string, name: string, key: string): Buffer {
  const s = api.get('Secret', namespace, name) as (KubeObject & { data: Record<string, string> }) | undefined;
  if (!s?.data?.[key]) throw new Error(`Secret ${namespace}/${name} has no key ${key}`);
  return Buffer.from(s.data[key]!, 'base64');
}

/**
 * Runs a container of an installed workload as the image would: its volumes as folders
 * (Secrets written out, emptyDir and volume claims empty and owned by the image user,
 * hostPaths from `hostRoot`), container paths in args and env mapped to those folders.
 */
function runContainer(workload: KubeObject, name: string, extraEnv: Record<string, string>): StanceProcess {
  const spec = (workload as unknown as { spec: { template: { spec: PodSpec } } }).spec.template.spec;
  const container = spec.containers[0]!;
  const root = join(dir, name);
  const mounts: [string, string][] = [['/app', appDir]];
  const writable: string[] = [];
  for (const m of container.volumeMounts ?? []) {
    const vol = spec.volumes?.find((v) => v.name === m.name);
    let target: string;
    if (vol?.hostPath) {
      target = join(hostRoot, vol.hostPath.path);
    } else {
      target = join(root, m.name);
      mkdirSync(target, { recursive: true });
      if (vol?.secret) {
        for (const item of vol.secret.items ?? []) {
          const file = join(target, item.path);
          writeFileSync(file, secretValue(workload.metadata.namespace!, vol.secret.secretName, item.key));
          chownSync(file, 0, docker.gid);
          chmodSync(file, vol.secret.defaultMode ?? 0o644);
        }
        chmodSync(target, 0o755);
      } else {
        // emptyDir, or the StatefulSet's volume claim (no volume of that name in the pod).
        chownSync(target, docker.uid, docker.gid);
        writable.push(target);
      }
    }
    mounts.push([m.mountPath, target]);
  }
  // The hostPath mount points' parent (the agent's --host-root): the fake host's root.
  if (spec.volumes?.some((v) => v.hostPath)) mounts.push(['/host', hostRoot]);
  mounts.sort((a, b) => b[0].length - a[0].length);
  const mapPath = (v: string): string => {
    for (const [from, to] of mounts) if (v === from || v.startsWith(`${from}/`)) return to + v.slice(from.length);
    const eq = v.indexOf('=');
    return eq > 0 && v.startsWith('--') ? `${v.slice(0, eq + 1)}${mapPath(v.slice(eq + 1))}` : v;
  };
  const env: Record<string, string> = { PATH: `${dirname(process.execPath)}:/usr/bin:/bin` };
  for (const [k, v] of Object.entries(docker.env)) env[k] = mapPath(v);
  for (const e of container.env ?? []) {
    if (e.value !== undefined) env[e.name] = mapPath(e.value);
    else if (e.valueFrom?.secretKeyRef) env[e.name] = secretValue(workload.metadata.namespace!, e.valueFrom.secretKeyRef.name, e.valueFrom.secretKeyRef.key).toString('utf8');
    else if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.name') env[e.name] = `${workload.metadata.name}-0`;
    else if (e.valueFrom?.fieldRef?.fieldPath === 'spec.nodeName') env[e.name] = 'node-1';
    else throw new Error(`env ${e.name}: unsupported source`);
  }
  // The collector's Service stands in on loopback (its certificate carries 127.0.0.1).
  if (env.STANCE_COLLECTOR) env.STANCE_COLLECTOR = env.STANCE_COLLECTOR.replace(/^[^:]+/, '127.0.0.1');
  Object.assign(env, extraEnv);
  const argv = [...docker.entrypoint.map(mapPath), ...container.args.map(mapPath)];
  // A private mount namespace: volumes stay writable, everything else becomes read-only,
  // then the image's user runs the entrypoint (exec all the way: the pid is node's).
  const script = [
    'set -e',
    'mount --make-rprivate /',
    ...writable.map((w) => `mount --bind '${w}' '${w}'`),
    'mount -o remount,bind,ro /',
    `exec setpriv --reuid=${docker.uid} --regid=${docker.gid} --clear-groups --no-new-privs -- "$@"`,
  ].join('\n');
  const child = spawn('unshare', ['--mount', '--', 'sh', '-c', script, 'sh', ...argv], { cwd: '/', env, stdio: ['ignore', 'pipe', 'pipe'] });
  const p = new StanceProcess(name, child);
  processes.push(p);
  return p;
}

const uidOf = (pid: number) => Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
const authed = (path: string, token = readToken) => fetch(`${httpUrl}${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error('the image test runs the entrypoint as the image user in its own mount namespace: it needs root (CI runs as root)');
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts', '--quiet'], { cwd: REPO_ROOT, stdio: 'inherit' });
  execFileSync(process.execPath, ['scripts/assemble-image.mjs', appDir], { cwd: REPO_ROOT });
  // The image user reads the code and the test's files, and writes nothing of them.
  chmodSync(dir, 0o755);
  execFileSync('chmod', ['-R', 'a+rX,go-w', appDir]);

  await api.start();
  const kubeconfig = join(dir, 'kubeconfig.yaml');
  api.writeKubeconfig(kubeconfig);
  chmodSync(kubeconfig, 0o644);
  hostRoot = (await HOST_SCENARIOS['cp-bad']()).root;
  chmodSync(hostRoot, 0o755);

  const [httpPort, grpcPort] = [await freePort(), await freePort()];
  await helm(
    [
      'install', 'stance', CHART_DIR, '--namespace', 'stance', '--create-namespace',
      '--set', `collector.httpPort=${httpPort}`, '--set', `collector.grpcPort=${grpcPort}`,
      '--set', 'collector.listenAddress=127.0.0.1', '--set', 'tls.extraIpAddresses={127.0.0.1}',
      '--set', 'nodeAgent.factsInterval=1s',
    ],
    { KUBECONFIG: kubeconfig, HELM_CACHE_HOME: join(dir, 'helm'), HELM_CONFIG_HOME: join(dir, 'helm'), HELM_DATA_HOME: join(dir, 'helm') },
  );
  readToken = secretValue('stance', 'stance-api-tokens', 'read-token').toString('utf8');
  httpUrl = `http://127.0.0.1:${httpPort}`;

  collector = runContainer(api.get('StatefulSet', 'stance', 'stance-collector')!, 'collector', {});
  await Promise.race([
    collector.waitForLog('collector listening', 60_000),
    collector.exited.then((e) => {
      throw new Error(`collector exited (${e.code ?? e.signal}): ${collector.stderrText.slice(-5).join('\n')}`);
    }),
  ]);
  dataDir = join(dir, 'collector', 'data', 'db');
  clusterAgent = runContainer(api.get('Deployment', 'stance', 'stance-cluster-agent')!, 'cluster-agent', { KUBECONFIG: kubeconfig });
  nodeAgent = runContainer(api.get('DaemonSet', 'stance', 'stance-node-agent')!, 'node-agent', { KUBECONFIG: kubeconfig });
  await clusterAgent.waitForLog('watching cluster', 60_000);
  await nodeAgent.waitForLog('node agent running', 60_000);
}, 180_000);

afterAll(async () => {
  for (const p of processes.reverse()) await p.kill();
  await api.stop();
  rmSync(dir, { recursive: true, force: true });
  if (hostRoot) rmSync(hostRoot, { recursive: true, force: true });
});

describe('the image entrypoint with the chart installed', () => {
  it('the Dockerfile runs the bundle launcher as a non-root user, the uid the chart runs', () => {
    expect(docker.entrypoint).toEqual(['/app/cli/dist/stance']);
    expect(docker.uid).not.toBe(0);
    const values = readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8');
    expect(values).toMatch(new RegExp(`^runAsUser: ${docker.uid}$`, 'm'));
    expect(values).toMatch(new RegExp(`^runAsGroup: ${docker.gid}$`, 'm'));
    // The image holds the bundle and the SQLite addon only.
    expect(readdirSync(join(appDir, 'cli/node_modules')).sort()).toEqual(['better-sqlite3', 'bindings', 'file-uri-to-path']);
    expect(existsSync(join(appDir, 'cli/dist/stance.mjs'))).toBe(true);
  });

  it('each process runs as that user, the agents with their V8 flags', () => {
    for (const p of [collector, clusterAgent, nodeAgent]) expect(uidOf(p.child.pid!), p.name).toBe(docker.uid);
    const argv = (p: StanceProcess) => readFileSync(`/proc/${p.child.pid}/cmdline`, 'utf8').split('\0');
    expect(argv(nodeAgent)).toContain('--lite-mode');
    expect(argv(collector)).toEqual(expect.arrayContaining([join(appDir, 'cli/dist/stance.mjs'), 'collector']));
  });

  it('keeps SQLite on the volume (folder 0700, files 0600, the image user\'s) and writes nothing else', () => {
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    const files = readdirSync(dataDir);
    expect(files).toContain('stance.sqlite');
    for (const f of files) {
      const st = statSync(join(dataDir, f));
      expect(st.mode & 0o777, f).toBe(0o600);
      expect(st.uid, f).toBe(docker.uid);
    }
    // The same sandbox refuses a write to the code or anywhere outside a volume.
    for (const target of [join(appDir, 'cli/dist/x'), join(dir, 'x')]) {
      const probe = execFileSync('unshare', ['--mount', '--', 'sh', '-c', `mount --make-rprivate / && mount -o remount,bind,ro / && setpriv --reuid=${docker.uid} --regid=${docker.gid} --clear-groups -- sh -c 'touch ${target} 2>&1 || true'`]).toString();
      expect(probe).toMatch(/Read-only file system|Permission denied/);
    }
  });

  it('serves the API with the chart\'s generated tokens only', async () => {
    expect((await fetch(`${httpUrl}/healthz`)).status).toBe(200);
    expect((await authed('/api/v1/clusters', '')).status).toBe(401);
    await waitFor('both agents connected', async () => {
      const res = await authed('/api/v1/clusters');
      const body = (await res.json()) as { items: { name: string; agents: { mode: string; status: string }[] }[] };
      const cluster = body.items.find((c) => c.name === 'default');
      return cluster && ['cluster', 'node'].every((m) => cluster.agents.some((a) => a.mode === m && a.status === 'connected'));
    }, 30_000, 200);
  });

  it('shows the node agent\'s host access as excepted, with the chart\'s reason', async () => {
    type Finding = { status: string; resource: { kind: string; name: string }; exceptionReason: string | null };
    const items = await waitFor('the excepted host-path finding', async () => {
      const res = await authed('/api/v1/findings?control=pod.host-path&status=excepted');
      const found = ((await res.json()) as { items: Finding[] }).items.filter((f) => f.resource.name === 'stance-node-agent');
      return found.length > 0 ? found : undefined;
    }, 30_000, 200);
    expect(items[0]).toMatchObject({ status: 'excepted', resource: { kind: 'DaemonSet', name: 'stance-node-agent' } });
    expect(items[0]!.exceptionReason).toMatch(/^exempted by the object's stance\.dev\/exempt annotation: Stance's node agent runs the CIS node checks/);
    // …and the node's own facts arrived through the node agent's read-only host view.
    await waitFor('node facts', async () => {
      const res = await authed('/api/v1/resources?kind=NodeFacts');
      return ((await res.json()) as { items: { name: string }[] }).items.some((r) => r.name === 'node-1');
    }, 30_000, 200);
  });

  it('stops each process cleanly on SIGTERM', async () => {
    for (const p of [nodeAgent, clusterAgent, collector]) expect(await p.kill('SIGTERM'), p.name).toEqual({ code: 0, signal: null });
  });
});
