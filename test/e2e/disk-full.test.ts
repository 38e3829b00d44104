// A full disk is survivable, tested for real: the collector's SQLite file on a small tmpfs,
// a filler file takes the space, the cluster keeps changing. The collector stays up and
// serves reads, says not-ready, acknowledges nothing (the agent keeps buffering), survives
// its agent's disconnect and its own restart on the full disk, and resumes by itself when
// the space returns — with nothing the agent sent lost.
import { mkdtempSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestApiServer } from '@stance/dev-cluster';
import { WATCHED_KINDS } from '@stance/shared/model/index';
import { allResources, runStance, SmallDisk, startCollector, waitFor, type CollectorProcess, type StanceProcess } from '../src/harness/index.js';

let dir: string;
let disk: SmallDisk;
let api: TestApiServer;
let collector: CollectorProcess;
let agent: StanceProcess;

const readyz = async () => (await fetch(`${collector.httpUrl}/readyz`)).status;

function serverState(): Map<string, string> {
  const m = new Map<string, string>();
  for (const k of WATCHED_KINDS) for (const o of api.list(k.kind)) m.set(o.metadata.uid!, o.metadata.resourceVersion!);
  return m;
}

async function sameState(): Promise<boolean> {
  const mine = new Map((await allResources(collector.httpUrl)).map((r) => [r.uid, r.resourceVersion]));
  const theirs = serverState();
  if (mine.size !== theirs.size) return false;
  for (const [uid, rv] of theirs) if (mine.get(uid) !== rv) return false;
  return true;
}

let grpcPort = 0;
/** One gRPC port across the restart, so the same agent reconnects and replays its buffer. */
const collectorArgs = () => ['--data', join(disk.dir, 'data'), '--heartbeat-interval', '1s', '--grpc-port', String(grpcPort)];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stance-disk-full-'));
  disk = SmallDisk.mount(join(dir, 'disk'), 48);
  api = new TestApiServer();
  api.generate(200, { namespaces: 3, seed: 11 });
  await api.start();
  api.writeKubeconfig(join(dir, 'kubeconfig.yaml'));
  grpcPort = await freePort();
  collector = await startCollector(collectorArgs());
  agent = runStance('agent', ['agent', '--collector', collector.grpcAddress, '--kubeconfig', join(dir, 'kubeconfig.yaml'), '--cluster-name', 'full']);
  await waitFor('the cluster synced', sameState, 60_000, 200);
}, 120_000);

afterAll(async () => {
  await agent?.kill();
  await collector?.kill();
  await api?.stop();
  disk?.free();
  disk?.unmount();
});

describe('a full disk', () => {
  it('turns the collector not-ready without crashing; reads still work; nothing is acknowledged', async () => {
    expect(await readyz()).toBe(200);
    disk.fill();
    expect(disk.freeBytes).toBeLessThan(64 * 1024);
    for (let i = 0; i < 300; i++) {
      api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `after-full-${i}`, namespace: 'default' }, data: { payload: 'y'.repeat(2048) } });
    }
    await collector.waitForLog('storage is failing: not ready, not acknowledging agents until writes succeed again', 30_000);
    await waitFor('readyz 503', async () => (await readyz()) === 503, 10_000);
    const body = (await (await fetch(`${collector.httpUrl}/readyz`)).json()) as { reason: string };
    expect(body.reason).toMatch(/storage failing since .*SQLITE_FULL/);
    // Reads keep working, and nothing of the new objects was committed.
    const stored = await allResources(collector.httpUrl, { kind: 'ConfigMap', namespace: 'default' });
    expect(stored.filter((r) => r.name.startsWith('after-full-'))).toEqual([]);
    // The agent's stream ended (its disconnect was the old crash) and it holds what it could not deliver.
    await agent.waitForLog('collector stream failed; reconnecting', 30_000);
    expect(collector.child.exitCode).toBeNull();
  });

  it('restarts on the full disk: up, not ready, serving reads', async () => {
    const old = collector;
    expect((await old.kill('SIGTERM')).code).toBe(0);
    collector = await startCollector(collectorArgs());
    await waitFor('readyz 503 after the restart', async () => (await readyz()) === 503, 30_000);
    // The same agent keeps trying, refused while storage fails, still holding its buffer.
    await agent.waitForLog('collector stream failed; reconnecting', 30_000, (l) => /storage unavailable \(SQLITE_FULL\)/.test(String(l.err)));
    expect(agent.child.exitCode).toBeNull();
    expect((await allResources(collector.httpUrl)).length).toBeGreaterThanOrEqual(200);
    expect(collector.child.exitCode).toBeNull();
  });

  it('resumes by itself when space returns, and loses nothing', async () => {
    disk.free();
    await collector.waitForLog('storage recovered: ready and acknowledging again', 30_000);
    await waitFor('readyz 200', async () => (await readyz()) === 200, 10_000);
    await waitFor('the collector to equal the API server again', sameState, 60_000, 250);
    const names = new Set((await allResources(collector.httpUrl, { kind: 'ConfigMap', namespace: 'default' })).map((r) => r.name));
    for (let i = 0; i < 300; i++) expect(names.has(`after-full-${i}`)).toBe(true);
  });
});
