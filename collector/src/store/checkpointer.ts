// WAL checkpoints on a thread of their own. A checkpoint copies the WAL's pages back into
// the database file and fsyncs it; run inline (SQLite's auto-checkpoint, at the end of the
// commit that crosses the threshold) it stalled the collector's one thread for tens of ms
// at a time: ~3 s of a 100k-object sync (BENCHMARKS.md). Here a worker with its own
// connection runs a PASSIVE checkpoint every EVERY_MS when the WAL holds MIN_PAGES not yet
// copied; it never blocks the writer. A busy writer rarely lets such a checkpoint finish
// (it appends while it copies), so the WAL only restarts when the writer's own
// auto-checkpoint, kept as a backstop at 64 MiB, finishes the job: by then the worker has
// copied almost everything. If the worker cannot run, checkpoints go back inline.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from '@stance/shared/log/index';
import { WAL_AUTOCHECKPOINT_PAGES, type Db } from './database.js';

const EVERY_MS = 200;
/**
 * Pages of WAL not yet copied before the worker copies them: SQLite's default auto-checkpoint.
 * A small WAL is left alone, so a quiet collector writes as it did (and a full disk shows at
 * the writer's next commit, not in the background).
 */
const MIN_PAGES = 1000;
/** The writer's own auto-checkpoint while the worker runs: 64 MiB of WAL, as journal_size_limit. */
const BACKSTOP_PAGES = 16_384;
/** One failure report per this long, at most. */
const REPORT_EVERY_MS = 60_000;

// CommonJS, evaluated in the worker: better-sqlite3 is loaded from where the collector loads it.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.addon);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
db.pragma('cache_size = -1024');
let timer;
const tick = () => {
  try {
    const [wal] = db.pragma('wal_checkpoint(NOOP)');
    if (wal.log - wal.checkpointed >= workerData.minPages) db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    parentPort.postMessage({ error: String((err && err.message) || err) });
  }
  timer = setTimeout(tick, workerData.everyMs);
};
parentPort.on('message', () => {
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
tick();
`;

export class WalCheckpointer {
  private reportedAt = 0;
  private exited = false;

  private constructor(
    private readonly db: Db,
    private readonly worker: Worker,
    private readonly log: Logger,
  ) {}

  /** Starts checkpointing `file` (the database `db` is open on) in the background. */
  static start(db: Db, file: string, log: Logger): WalCheckpointer | undefined {
    if (file === ':memory:') return undefined;
    let worker: Worker;
    try {
      const addon = createRequire(import.meta.url).resolve('better-sqlite3');
      worker = new Worker(WORKER, { eval: true, workerData: { file, addon, everyMs: EVERY_MS, minPages: MIN_PAGES } });
    } catch (err) {
      log.warn({ err }, 'cannot checkpoint the WAL in the background; checkpoints stay inline');
      return undefined;
    }
    const c = new WalCheckpointer(db, worker, log);
    db.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
    worker.on('message', (m: { error?: string }) => c.report(m.error));
    worker.on('error', (err) => c.fallBack(err));
    worker.once('exit', () => (c.exited = true));
    worker.unref();
    return c;
  }

  /** Ends the worker (before the database closes). */
  async stop(): Promise<void> {
    if (this.exited) return;
    this.worker.postMessage('stop');
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => void this.worker.terminate().finally(resolve), 2000);
      this.worker.once('exit', () => (clearTimeout(timer), resolve()));
    });
  }

  private report(error: string | undefined): void {
    if (!error || Date.now() - this.reportedAt < REPORT_EVERY_MS) return;
    this.reportedAt = Date.now();
    this.log.warn({ error }, 'background WAL checkpoint failed; retrying');
  }

  private fallBack(err: unknown): void {
    this.log.warn({ err }, 'background WAL checkpointer stopped; checkpoints go back inline');
    try {
      this.db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
    } catch {
      // The database is closing.
    }
  }
}
