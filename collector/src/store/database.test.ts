import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from './database.js';

const root = mkdtempSync(join(tmpdir(), 'stance-db-files-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('openDatabase file permissions', () => {
  it('creates its folder 0700 and its files 0600', () => {
    const file = join(root, 'fresh', 'stance.sqlite');
    const db = openDatabase(file, { onWarning: (m) => expect.fail(m) });
    db.prepare('CREATE TABLE t (x)').run();
    expect(statSync(join(root, 'fresh')).mode & 0o777).toBe(0o700);
    for (const f of [file, `${file}-wal`, `${file}-shm`]) expect(statSync(f).mode & 0o777).toBe(0o600);
    db.close();
  });

  it('leaves an existing shared folder as it is (a sticky /tmp stays sticky) and says it is open', () => {
    const shared = join(root, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    const warnings: string[] = [];
    openDatabase(join(shared, 'stance.sqlite'), { onWarning: (m) => warnings.push(m) }).close();
    expect(statSync(shared).mode & 0o7777).toBe(0o1777);
    expect(warnings.join('\n')).toMatch(/open to other users \(mode 1777\)/);
  });

  it('refuses a database path that is a symbolic link', () => {
    const dir = join(root, 'link');
    mkdirSync(dir, { mode: 0o700 });
    writeFileSync(join(root, 'elsewhere'), '');
    symlinkSync(join(root, 'elsewhere'), join(dir, 'stance.sqlite'));
    expect(() => openDatabase(join(dir, 'stance.sqlite'))).toThrow(/symbolic link/);
  });
});
