// Opens the collector's SQLite file (WAL) and brings its schema up to date.
import Database from 'better-sqlite3';
import { chmodSync, closeSync, constants, existsSync, lstatSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS, type Migration } from './migrations.js';

export type Db = Database.Database;

/** Pages of WAL after which a commit checkpoints (when no background checkpointer runs). */
export const WAL_AUTOCHECKPOINT_PAGES = 10_000;

export class MigrationError extends Error {
  constructor(
    readonly version: number,
    cause: unknown,
  ) {
    super(`schema migration ${version} failed: ${(cause as Error).message}`, { cause });
    this.name = 'MigrationError';
  }
}

export interface OpenOptions {
  /** Called before each migration runs (`from`: the version it starts from); some copy every stored object. */
  onMigration?: (m: Migration, from: number) => void;
  /** Told when a file's permissions cannot be restricted (e.g. a mount point owned by another user). */
  onWarning?: (message: string) => void;
}

export function openDatabase(file: string, opts: OpenOptions = {}): Db {
  if (file !== ':memory:') restrictFiles(file, opts.onWarning ?? ((m) => process.emitWarning(m)));
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // NORMAL is durable across process crashes in WAL mode (only an OS crash can lose the
  // last commits), which is what Ack-after-commit relies on.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // Deleted rows (an object's old version, a withdrawn value) are zeroed where that costs no
  // extra I/O, so freed pages do not keep old content around.
  db.pragma('secure_delete = FAST');
  db.pragma('busy_timeout = 5000');
  // 32 MiB holds every index of 100k objects; the rows' JSON is read through the OS page
  // cache. 64 MiB cost 80 MiB more RSS at 100k objects and sped nothing up (BENCHMARKS.md).
  db.pragma('cache_size = -32768');
  // The WAL grows to the largest transaction (a migration copies a whole table) and keeps
  // that size until truncated: cap what a checkpoint leaves behind.
  db.pragma('journal_size_limit = 67108864');
  // Checkpoint every ~40 MB of WAL instead of 4 MB: a sync writes findings to random pages
  // of large indexes, and each checkpoint writes a page back (and fsyncs) however many
  // commits changed it. 15 % less wall time for a 100k-object sync (BENCHMARKS.md). The
  // collector moves checkpoints to a thread of their own (checkpointer.ts).
  db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  if (migrate(db, opts) > 0) db.pragma('wal_checkpoint(TRUNCATE)');
  return db;
}

/**
 * The database holds the cluster inventory: only the collector's user may read it. A folder
 * the collector creates is 0700 and the database file 0600 (SQLite creates the -wal and -shm
 * files with the database file's mode; older installations' files are tightened). An existing
 * folder is not changed — it may be a mount point or shared — but one that others can enter,
 * or that another user owns, is reported. A database path that is a symbolic link is refused.
 */
function restrictFiles(file: string, warn: (message: string) => void): void {
  const dir = dirname(file);
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    tighten(dir, 0o700, warn);
  } else {
    const info = statSync(dir);
    const uid = process.getuid?.();
    if (uid !== undefined && info.uid !== uid) warn(`${dir} belongs to uid ${info.uid}, not to the collector's uid ${uid}`);
    if ((info.mode & 0o077) !== 0) warn(`${dir} is open to other users (mode ${(info.mode & 0o7777).toString(8)}): give the collector a private folder (0700)`);
  }
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    if (existsSync(f) && lstatSync(f).isSymbolicLink()) throw new Error(`${f} is a symbolic link: refusing to open the database through it`);
  }
  if (!existsSync(file)) closeSync(openSync(file, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | constants.O_NOFOLLOW, 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) tighten(f, 0o600, warn);
}

function tighten(path: string, mode: number, warn: (message: string) => void): void {
  try {
    chmodSync(path, mode);
  } catch (err) {
    // Not ours to change: say so rather than fail.
    warn(`cannot restrict ${path} to mode ${mode.toString(8)}: ${(err as NodeJS.ErrnoException).code}`);
  }
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Applies what the file lacks; returns how many migrations ran. */
function migrate(db: Db, opts: OpenOptions): number {
  let version = schemaVersion(db);
  let applied = 0;
  for (const m of MIGRATIONS) {
    if (m.version <= version) continue;
    opts.onMigration?.(m, version);
    try {
      db.transaction(() => {
        db.exec(m.sql);
        db.pragma(`user_version = ${m.version}`);
      })();
    } catch (err) {
      throw new MigrationError(m.version, err);
    }
    version = m.version;
    applied += 1;
  }
  return applied;
}
