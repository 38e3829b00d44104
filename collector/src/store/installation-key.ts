// A random key made once per installation (kept in the database's meta table). It keys the
// short hashes in redaction markers, so a marker cannot be checked against a guessed
// password by anyone who does not also hold the database.
import { createHmac, randomBytes } from 'node:crypto';
import type { ValueHasher } from '@stance/shared/redact/index';
import type { Db } from './database.js';

const KEY = 'redaction-key';

export function redactionHasher(db: Db): ValueHasher {
  const read = () => db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?').get(KEY)?.value;
  // Written once, on the first start; later starts only read (they may be on a full disk).
  let hex = read();
  if (!hex) {
    db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING').run(KEY, randomBytes(32).toString('hex'));
    hex = read()!;
  }
  const key = Buffer.from(hex, 'hex');
  return (value) => createHmac('sha256', key).update(value).digest('hex').slice(0, 8);
}
