import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from './database.js';
import { REDACTION_LEVEL, upgradeRedaction } from './redaction-upgrade.js';
import { ResourceStore } from './resources.js';

const dir = mkdtempSync(join(tmpdir(), 'stance-redaction-upgrade-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const hash = () => 'abcdef01';

describe('upgradeRedaction', () => {
  it('redacts objects and history stored before redaction, once, and leaves no copy in the files', () => {
    const secret = `old-plaintext-${Date.now()}-Pw9`;
    const file = join(dir, 'stance.sqlite');
    const db = openDatabase(file);
    db.prepare('INSERT INTO clusters (id, name, first_seen, last_seen) VALUES (?, ?, 0, 0)').run('c1', 'c1');
    const resources = new ResourceStore(db);
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app', namespace: 'a', uid: 'u1', resourceVersion: '1' }, data: { DB_PASSWORD: secret, LEVEL: 'info' } };
    resources.upsert('c1', { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'a', name: 'app', uid: 'u1', resourceVersion: '1', json: JSON.stringify(cm) }, 1);
    const plain = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'plain', namespace: 'a', uid: 'u2', resourceVersion: '1' }, data: { LEVEL: 'debug' } };
    resources.upsert('c1', { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'a', name: 'plain', uid: 'u2', resourceVersion: '1', json: JSON.stringify(plain) }, 1);
    db.prepare('INSERT INTO finding_events (cluster_id, control_id, subject_key, event, at, resource_version, cause) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      'c1',
      'config.sensitive-configmap',
      'u1',
      'opened',
      1,
      '1',
      JSON.stringify({ object: 'self', changes: [{ path: 'data.DB_PASSWORD', from: null, to: secret }] }),
    );
    db.pragma('wal_checkpoint(TRUNCATE)');

    const result = upgradeRedaction(db, hash);
    expect(result).toMatchObject({ objects: 1, events: 1 });
    expect(upgradeRedaction(db, hash)).toBeUndefined(); // once per rules level
    expect(db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?').get('redaction-level')?.value).toBe(String(REDACTION_LEVEL));
    const stored = resources.getByUid('c1', 'u1')!.object as unknown as { data: Record<string, string> };
    expect(stored.data.DB_PASSWORD).toMatch(/^<redacted by stance: \d+ chars, hash abcdef01, /);
    expect(stored.data.LEVEL).toBe('info');
    expect(resources.getByUid('c1', 'u2')!.object).toEqual(plain);
    const cause = db.prepare<[], { cause: string }>('SELECT cause FROM finding_events').get()!.cause;
    expect(cause).toContain('recorded before redaction');
    db.close();
    for (const f of readdirSync(dir)) expect(readFileSync(join(dir, f)).includes(secret), f).toBe(false);
  });
});
