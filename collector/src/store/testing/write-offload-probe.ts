// What moving SQLite writes off the collector's JavaScript thread would save it (issue 12):
// 160k findings with one event each (a 100k-object sync), written in units of 2,000
//   inline:  on the JavaScript thread, as today;
//   worker:  the rows posted (structured clone) to a worker thread with its own connection,
//            which writes them and answers with their ids; the JavaScript thread only builds
//            and posts, and may go on evaluating meanwhile.
// Prints, per mode, the JavaScript thread's CPU (/proc/self/task/<pid>/stat) and the wall time.
//   pnpm exec tsx collector/src/store/testing/write-offload-probe.ts [inline|worker]...
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { openDatabase } from '../database.js';

const N = 160_000;
const UNIT = 2_000;
const modes = process.argv.slice(2).filter((a) => a === 'inline' || a === 'worker');

const FINDING = `INSERT INTO findings (cluster_id, control_id, subject_key, api_version, kind, namespace, name, status, severity, message, evidence, patch, reason,
  first_seen, last_seen, opened_at, resolved_at, resource_version, risk_score, risk_factors) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
const EVENT = 'INSERT INTO finding_events (finding_id, cluster_id, control_id, subject_key, event, at, resource_version, cause) VALUES (?, ?, ?, ?, ?, ?, ?, ?)';

/** One finding and its event as the parameters of the two statements. */
type Row = [finding: unknown[], event: unknown[]];

function rows(): Row[][] {
  const controls = ['pod.privileged', 'pod.run-as-non-root', 'pod.read-only-root-fs', 'pod.capabilities', 'pod.resources', 'pod.seccomp', 'pod.apparmor', 'pod.host-path'];
  const units: Row[][] = [];
  let unit: Row[] = [];
  for (let i = 0; i < N; i++) {
    const uid = `${(i >> 3).toString(16).padStart(8, '0')}-5f1e-4c2a-9b7d-${(i * 7919).toString(16).padStart(12, '0')}`;
    const control = controls[i % 8]!;
    unit.push([
      ['cluster-1', control, uid, 'apps/v1', 'Deployment', `ns-${i % 50}`, `deploy-${i >> 3}`, 'open', 'high', `${control} fails in container app`,
        '["spec.template.spec.containers[0].securityContext"]', '{"op":"add","path":"/x","value":false}', null, 1, 1, 1, null, String(i), 40, '[{"id":"exposed","weight":20}]'],
      ['cluster-1', control, uid, 'opened', 1, String(i), '{"object":"self","deleted":false,"changes":[]}'],
    ]);
    if (unit.length === UNIT) {
      units.push(unit);
      unit = [];
    }
  }
  if (unit.length > 0) units.push(unit);
  return units;
}

function mainThreadCpuMs(): number {
  const f = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.addon);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('synchronous = NORMAL');
db.pragma('cache_size = -32768');
const finding = db.prepare(workerData.finding);
const event = db.prepare(workerData.event);
const unit = db.transaction((rows) => rows.map(([f, e]) => {
  const id = Number(finding.run(...f).lastInsertRowid);
  event.run(id, ...e);
  return id;
}));
parentPort.on('message', (rows) => parentPort.postMessage(unit(rows)));
`;

async function run(mode: 'inline' | 'worker'): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'stance-offload-'));
  const file = join(dir, 'db.sqlite');
  const db = openDatabase(file);
  const units = rows();
  const cpu0 = mainThreadCpuMs();
  const t0 = performance.now();
  if (mode === 'inline') {
    const finding = db.prepare(FINDING);
    const event = db.prepare(EVENT);
    const unit = db.transaction((rs: Row[]) => rs.map(([f, e]) => {
      const id = Number(finding.run(...f).lastInsertRowid);
      event.run(id, ...e);
      return id;
    }));
    for (const u of units) unit(u);
  } else {
    const addon = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER, { eval: true, workerData: { file, addon, finding: FINDING, event: EVENT } });
    // One unit in flight while the next is built: the JavaScript thread would evaluate meanwhile.
    let pending = 0;
    let wake: (() => void) | undefined;
    worker.on('message', () => {
      pending -= 1;
      wake?.();
    });
    for (const u of units) {
      while (pending >= 2) await new Promise<void>((r) => (wake = r));
      pending += 1;
      worker.postMessage(u);
    }
    while (pending > 0) await new Promise<void>((r) => (wake = r));
    await worker.terminate();
  }
  const wallMs = performance.now() - t0;
  const cpuMs = mainThreadCpuMs() - cpu0;
  const written = db.prepare('SELECT count(*) FROM finding_events').pluck().get();
  db.close();
  rmSync(dir, { recursive: true, force: true });
  console.log(JSON.stringify({ mode, findings: N, events: written, javascriptThreadCpuMs: cpuMs, wallMs: Math.round(wallMs) }));
}

for (const mode of modes.length ? modes : (['inline', 'worker'] as const)) await run(mode);
