// The background WAL checkpointer: it copies committed pages back into the database on its
// own thread, stops cleanly, and hands checkpoints back to the writer when it cannot run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { WalCheckpointer } from './checkpointer.js';
import { openDatabase, WAL_AUTOCHECKPOINT_PAGES, type Db } from './database.js';

const dir = mkdtempSync(join(tmpdir(), 'stance-checkpointer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const log = pino({ level: 'silent' });

/** A database of its own with a checkpointer on `workerFile` (the database itself by default). */
async function withCheckpointer(name: string, test: (db: Db) => Promise<void>, workerFile?: string): Promise<void> {
  const file = join(dir, name);
  const db = openDatabase(file);
  const c = WalCheckpointer.start(db, workerFile ?? file, log)!;
  try {
    await test(db);
  } finally {
    await c.stop();
    db.close();
  }
}

async function eventually(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error(`never: ${what}`);
}

describe('WalCheckpointer', () => {
  it('copies what the writer commits back into the database, off the writer\'s thread', async () => {
    await withCheckpointer('a.db', async (db) => {
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBeGreaterThan(WAL_AUTOCHECKPOINT_PAGES); // a backstop only
      db.exec('CREATE TABLE t (v TEXT)');
      const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
      // ~6 MB: past what the worker leaves alone (SQLite's default of 1,000 pages).
      db.transaction(() => {
        for (let i = 0; i < 3000; i++) insert.run('x'.repeat(2000));
      })();
      // Nothing left to copy: a checkpoint here finds every frame already in the database.
      const left = () => {
        const [r] = db.pragma('wal_checkpoint(NOOP)') as { log: number; checkpointed: number }[];
        return r!.log > 0 && r!.checkpointed === r!.log;
      };
      await eventually('the worker has checkpointed the WAL', left);
    });
  });

  it('leaves a small WAL alone (a full disk then shows at the writer\'s commit)', async () => {
    await withCheckpointer('small.db', async (db) => {
      db.exec('CREATE TABLE t (v TEXT)');
      db.prepare('INSERT INTO t (v) VALUES (?)').run('x');
      await new Promise((r) => setTimeout(r, 600));
      const [r] = db.pragma('wal_checkpoint(NOOP)') as { log: number; checkpointed: number }[];
      expect(r!.log).toBeGreaterThan(0);
      expect(r!.checkpointed).toBe(0);
    });
  });

  it('when the worker cannot run, checkpoints go back to the writer', async () => {
    // The worker opens a file that is not there (fileMustExist): it fails at start.
    await withCheckpointer(
      'b.db',
      async (db) => eventually('inline checkpoints again', () => db.pragma('wal_autocheckpoint', { simple: true }) === WAL_AUTOCHECKPOINT_PAGES),
      join(dir, 'missing.db'),
    );
  });

  it('an in-memory database has none', () => {
    const db = openDatabase(':memory:');
    expect(WalCheckpointer.start(db, ':memory:', log)).toBeUndefined();
    db.close();
  });
});
