// Whether the database can take writes. A full disk (SQLITE_FULL) or an I/O error must not
// crash the collector: it keeps serving reads, reports not-ready, stops acknowledging (agents
// keep their buffers and replay later) and probes until writes succeed again.
import type { Logger } from '@stance/shared/log/index';
import type { Db } from './database.js';

/** SQLite result codes that mean "the storage under us failed", not "this statement is wrong". */
const STORAGE_CODES = /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN)/;

export function isStorageFailure(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && STORAGE_CODES.test(code);
}

export class StorageHealth {
  private failure: { code: string; message: string; since: number } | undefined;
  private probeTimer: NodeJS.Timeout | undefined;
  private readonly recoveredListeners: (() => void)[] = [];
  private readonly probe;

  constructor(
    db: Db,
    private readonly log: Logger,
    private readonly probeIntervalMs = 2000,
  ) {
    // A real write: a commit appends to the WAL, which needs free space.
    this.probe = db.prepare("INSERT INTO meta (key, value) VALUES ('storage-probe', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  }

  get healthy(): boolean {
    return this.failure === undefined;
  }

  /** Why writes fail, for /readyz and the log. */
  get problem(): { code: string; message: string; since: number } | undefined {
    return this.failure;
  }

  onRecovered(listener: () => void): void {
    this.recoveredListeners.push(listener);
  }

  /** Records a failed write. Returns false (and does nothing) when `err` is not a storage failure. */
  report(err: unknown, during: string): boolean {
    if (!isStorageFailure(err)) return false;
    if (!this.failure) {
      const code = (err as { code: string }).code;
      this.failure = { code, message: (err as Error).message, since: Date.now() };
      this.log.error({ code, during, err: (err as Error).message }, 'storage is failing: not ready, not acknowledging agents until writes succeed again');
      this.probeTimer = setInterval(() => this.tryRecover(), this.probeIntervalMs);
      this.probeTimer.unref();
    }
    return true;
  }

  /**
   * Runs a write outside the ingest pipeline (agent bookkeeping, posture history): a storage
   * failure is reported and swallowed, anything else is thrown.
   */
  guard<T>(during: string, write: () => T): T | undefined {
    try {
      return write();
    } catch (err) {
      if (this.report(err, during)) return undefined;
      throw err;
    }
  }

  stop(): void {
    clearInterval(this.probeTimer);
  }

  private tryRecover(): void {
    try {
      this.probe.run(String(Date.now()));
    } catch (err) {
      if (!isStorageFailure(err)) this.log.error({ err }, 'storage probe failed unexpectedly');
      return;
    }
    const failed = this.failure;
    this.failure = undefined;
    clearInterval(this.probeTimer);
    this.log.info({ code: failed?.code, downMs: failed ? Date.now() - failed.since : 0 }, 'storage recovered: ready and acknowledging again');
    for (const l of this.recoveredListeners) {
      try {
        l();
      } catch (err) {
        this.log.error({ err }, 'storage recovery listener failed');
      }
    }
  }
}
