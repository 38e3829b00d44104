// Per-subject outcome codes: stored once per distinct set (schema v8), held in memory by
// SubjectCodes, undone with the unit of work that wrote them.
import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../store/database.js';
import { MIGRATIONS } from '../store/migrations.js';
import { FindingsStore } from './findings-store.js';
import { SubjectCodes } from './subject-codes.js';

const dir = mkdtempSync(join(tmpdir(), 'stance-outcome-sets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshFile = () => join(dir, `db${n++}`, 'stance.db');

function withDb(file: string, test: (db: ReturnType<typeof openDatabase>) => void): void {
  const db = openDatabase(file);
  try {
    test(db);
  } finally {
    db.close();
  }
}

const WEB = { 'pod.privileged': 'fail:critical', 'pod.run-as-non-root': 'pass' };
const DB = { 'pod.privileged': 'pass', 'pod.run-as-non-root': 'fail:medium' };

describe('subject outcome codes', () => {
  it('a version-7 file keeps every subject\'s codes, each distinct set stored once', () => {
    const file = freshFile();
    mkdirSync(dirname(file), { recursive: true });
    const old = new Database(file);
    for (const m of MIGRATIONS.filter((m) => m.version <= 7)) old.exec(m.sql);
    old.pragma('user_version = 7');
    const insert = old.prepare('INSERT INTO subject_outcomes (cluster_id, subject_key, kind, namespace, outcomes) VALUES (?, ?, ?, ?, ?)');
    for (let i = 0; i < 50; i++) insert.run(`c${i % 2}`, `u${i}`, 'Deployment', `ns${i % 3}`, JSON.stringify(i % 5 ? WEB : DB));
    old.close();

    withDb(file, (db) => {
      const store = new FindingsStore(db);
      const all = [...store.allSubjectOutcomes()];
      expect(all).toHaveLength(50);
      expect(all.find((s) => s.subjectKey === 'u7')).toEqual({ clusterId: 'c1', subjectKey: 'u7', namespace: 'ns1', codes: WEB });
      expect(store.subjectOutcomes('c0', 'u10')).toEqual(DB);
      expect(store.subjectInfo('c0', 'u10')).toEqual({ namespace: 'ns1', kind: 'Deployment' });
      expect(db.prepare('SELECT count(*) FROM outcome_sets').pluck().get()).toBe(2);
    });
  });

  it('put, read back and delete; subjects with the same codes share one set', () => {
    withDb(freshFile(), (db) => {
      const store = new FindingsStore(db);
      store.putSubjectOutcomes('c1', 'a', 'Pod', 'ns', WEB);
      store.putSubjectOutcomes('c1', 'b', 'Pod', 'ns', WEB);
      store.putSubjectOutcomes('c1', 'a', 'Pod', 'ns', DB);
      expect(store.subjectOutcomes('c1', 'a')).toEqual(DB);
      expect(store.subjectOutcomes('c1', 'b')).toEqual(WEB);
      expect(db.prepare('SELECT count(*) FROM outcome_sets').pluck().get()).toBe(2);
      store.deleteSubjectOutcomes('c1', 'a');
      expect(store.subjectOutcomes('c1', 'a')).toBeUndefined();
      expect([...store.allSubjectOutcomes()].map((s) => s.subjectKey)).toEqual(['b']);
    });
  });

  it('SubjectCodes writes through, and a rolled-back unit of work is undone in memory too', () => {
    withDb(freshFile(), (db) => {
      const store = new FindingsStore(db);
      const codes = new SubjectCodes(store);
      codes.put('c1', 'a', 'Pod', 'ns', WEB);
      codes.settle();
      const mark = codes.mark();
      expect(() =>
        db.transaction(() => {
          codes.put('c1', 'a', 'Pod', 'ns', DB);
          codes.put('c1', 'b', 'Pod', 'ns2', DB);
          codes.delete('c1', 'a');
          throw new Error('evaluation failed');
        })(),
      ).toThrow('evaluation failed');
      codes.undo(mark);
      expect(codes.get('c1', 'a')).toEqual({ codes: WEB, namespace: 'ns' });
      expect(codes.get('c1', 'b')).toBeUndefined();
      expect(store.subjectOutcomes('c1', 'a')).toEqual(WEB);
      expect(store.subjectOutcomes('c1', 'b')).toBeUndefined();
      // The set first stored by the rolled-back unit is stored again, not referred to by a stale id.
      codes.put('c1', 'b', 'Pod', 'ns2', DB);
      expect(store.subjectOutcomes('c1', 'b')).toEqual(DB);
      // Equal code sets are one object in memory.
      codes.put('c1', 'c', 'Pod', 'ns', { ...WEB });
      expect(codes.get('c1', 'c')!.codes).toBe(codes.get('c1', 'a')!.codes);
    });
  });
});
