// Opens the collector's SQLite file (WAL) and brings its schema up to date.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS, type Migration } from './migrations.js';

export type Db = Database.Database;

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
  /** Called before each migration runs: some copy every stored object, which takes a while. */
  onMigration?: (m: Migration, from: number) => void;
}

export function openDatabase(file: string, opts: OpenOptions = {}): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // NORMAL is durable across process crashes in WAL mode (only an OS crash can lose the
  // last commits), which is what Ack-after-commit relies on.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // 32 MiB holds every index of 100k objects; the rows' JSON is read through the OS page
  // cache. 64 MiB cost 80 MiB more RSS at 100k objects and sped nothing up (BENCHMARKS.md).
  db.pragma('cache_size = -32768');
  migrate(db, opts);
  return db;
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(db: Db, opts: OpenOptions): void {
  const current = schemaVersion(db);
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    opts.onMigration?.(m, current);
    try {
      db.transaction(() => {
        db.exec(m.sql);
        db.pragma(`user_version = ${m.version}`);
      })();
    } catch (err) {
      throw new MigrationError(m.version, err);
    }
  }
}
