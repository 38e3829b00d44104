// Brings what is already stored up to the current redaction rules: objects stored before
// redaction existed (or before a rule was added) are redacted in place, field values in the
// history of the credential controls are replaced by markers, and the file is vacuumed so
// the freed pages no longer hold the old values. Runs once per rules level, at start-up.
import { parseRedaction, redactCredentials, redactionMarker, type ValueHasher } from '@stance/shared/redact/index';
import type { KubeObject } from '@stance/shared/model/index';
import type { Db } from './database.js';
import { contentHash } from './resources.js';

/** Raise when the redaction rules widen: stored data is then redacted again at the next start. */
export const REDACTION_LEVEL = 2;
const LEVEL_KEY = 'redaction-level';
/** Controls whose evidence points at credential values (their history records those values). */
const CREDENTIAL_CONTROLS = ['config.sensitive-configmap', 'pod.secret-in-env'];
const CHUNK = 1000;

export interface UpgradeResult {
  objects: number;
  events: number;
  ms: number;
}

export function upgradeRedaction(db: Db, hash: ValueHasher): UpgradeResult | undefined {
  const level = Number(db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?').get(LEVEL_KEY)?.value ?? 0);
  if (level >= REDACTION_LEVEL) return undefined;
  const start = performance.now();
  const page = db.prepare<[number, number], { rowid: number; object: string }>('SELECT rowid, object FROM resources WHERE rowid > ? ORDER BY rowid LIMIT ?');
  const update = db.prepare('UPDATE resources SET object = ?, content_hash = ? WHERE rowid = ?');
  let objects = 0;
  for (let after = 0; ; ) {
    const rows = page.all(after, CHUNK);
    if (rows.length === 0) break;
    db.transaction(() => {
      for (const r of rows) {
        const obj = JSON.parse(r.object) as KubeObject;
        if (redactCredentials(obj, hash) === 0) continue;
        const json = JSON.stringify(obj);
        update.run(json, contentHash(json), r.rowid);
        objects += 1;
      }
    })();
    after = rows[rows.length - 1]!.rowid;
  }
  const events = redactHistory(db, hash);
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(LEVEL_KEY, String(REDACTION_LEVEL));
  if (objects + events > 0) {
    // Freed pages still hold the old text: rebuild the file and empty the WAL.
    db.exec('VACUUM');
    db.pragma('wal_checkpoint(TRUNCATE)');
  }
  return { objects, events, ms: Math.round(performance.now() - start) };
}

interface Cause {
  changes?: { path: string; from: unknown; to: unknown }[];
}

function redactHistory(db: Db, hash: ValueHasher): number {
  const rows = db
    .prepare<string[], { id: number; cause: string }>(`SELECT id, cause FROM finding_events WHERE cause IS NOT NULL AND control_id IN (${CREDENTIAL_CONTROLS.map(() => '?').join(', ')})`)
    .all(...CREDENTIAL_CONTROLS);
  const update = db.prepare('UPDATE finding_events SET cause = ? WHERE id = ?');
  const mask = (v: unknown) => (typeof v === 'string' && !parseRedaction(v) ? redactionMarker({ length: v.length, hash: hash(v), reason: 'recorded before redaction' }) : v);
  let n = 0;
  db.transaction(() => {
    for (const r of rows) {
      const cause = JSON.parse(r.cause) as Cause;
      if (!cause.changes?.length) continue;
      const before = JSON.stringify(cause);
      for (const c of cause.changes) {
        c.from = mask(c.from);
        c.to = mask(c.to);
      }
      const after = JSON.stringify(cause);
      if (after === before) continue;
      update.run(after, r.id);
      n += 1;
    }
  })();
  return n;
}
