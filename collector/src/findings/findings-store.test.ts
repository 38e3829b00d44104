// Findings keyed so that a new one appends (schema v9): a finding's id names its history,
// a subject's findings and the riskiest-first pages are served by append-ordered keys, and
// a version-8 file keeps every finding and its history.
import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../store/database.js';
import { MIGRATIONS } from '../store/migrations.js';
import { FindingsStore, type FindingRow } from './findings-store.js';

const dir = mkdtempSync(join(tmpdir(), 'stance-findings-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshFile = () => join(dir, `db${n++}`, 'stance.db');

function withDb(file: string, test: (db: Db) => void): void {
  const db = openDatabase(file);
  try {
    test(db);
  } finally {
    db.close();
  }
}

function finding(controlId: string, subjectKey: string, over: Partial<FindingRow> = {}): FindingRow {
  return {
    clusterId: 'c1',
    controlId,
    subjectKey,
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    namespace: 'app',
    name: `d-${subjectKey}`,
    status: 'open',
    severity: 'high',
    message: `${controlId} fails`,
    evidence: ['spec.template.spec.containers[0].securityContext'],
    patch: null,
    reason: null,
    firstSeen: 1,
    lastSeen: 1,
    openedAt: 1,
    resolvedAt: null,
    resourceVersion: '1',
    ...over,
  };
}

describe('FindingsStore keys', () => {
  it('a version-8 file keeps every finding, its risk and its history, each event under its finding', () => {
    const file = freshFile();
    mkdirSync(dirname(file), { recursive: true });
    const old = new Database(file);
    for (const m of MIGRATIONS.filter((m) => m.version <= 8)) old.exec(m.sql);
    old.pragma('user_version = 8');
    const put = old.prepare(
      `INSERT INTO findings (cluster_id, control_id, subject_key, api_version, kind, namespace, name, status, severity, message, evidence,
                             first_seen, last_seen, opened_at, resolved_at, risk_score, risk_factors)
       VALUES (?, ?, ?, 'v1', 'Pod', 'ns', ?, ?, 'high', 'm', '[]', 1, 2, 1, ?, ?, ?)`,
    );
    const event = old.prepare("INSERT INTO finding_events (cluster_id, control_id, subject_key, event, at) VALUES (?, ?, ?, ?, ?)");
    for (let i = 0; i < 20; i++) {
      put.run('c1', `ctl${i % 2}`, `u${i}`, `p${i}`, i % 5 ? 'open' : 'resolved', i % 5 ? null : 3, i, i % 3 ? null : '[{"id":"x"}]');
      event.run('c1', `ctl${i % 2}`, `u${i}`, 'opened', 1);
      if (i % 5 === 0) event.run('c1', `ctl${i % 2}`, `u${i}`, 'resolved', 3);
    }
    old.close();

    withDb(file, (db) => {
      const store = new FindingsStore(db);
      const f = store.finding('c1', 'ctl1', 'u5')!;
      expect(f).toMatchObject({ status: 'resolved', resolvedAt: 3, riskScore: 5, name: 'p5' });
      expect(f.id).toBeGreaterThan(0);
      expect(store.events('c1', 'ctl1', 'u5').map((e) => e.event)).toEqual(['opened', 'resolved']);
      expect(store.events('c1', 'ctl0', 'u6').map((e) => e.event)).toEqual(['opened']);
      expect(store.finding('c1', 'ctl1', 'u3')?.riskFactors).toBe('[{"id":"x"}]');
      expect(store.unresolvedForSubject('c1', 'u7').map((x) => x.controlId)).toEqual(['ctl1']);
      expect(db.prepare('SELECT count(*) FROM finding_events WHERE finding_id = 0').pluck().get()).toBe(0);
    });
  });

  it('save returns the id that events, and a risk update, name; an update keeps the id', () => {
    withDb(freshFile(), (db) => {
      const store = new FindingsStore(db);
      const a = finding('pod.privileged', 'u1');
      a.id = store.save(a);
      store.addEvent(a, { event: 'opened', at: 1, resourceVersion: '1', cause: { object: 'self' } });
      const b = finding('pod.privileged', 'u2');
      b.id = store.save(b);
      store.addEvent(b, { event: 'opened', at: 1, resourceVersion: '1', cause: null });
      expect(store.save({ ...a, status: 'resolved', resolvedAt: 5 })).toBe(a.id);
      store.addEvent(a, { event: 'resolved', at: 5, resourceVersion: '2', cause: null });
      store.setRisk(a, 42, '[]');

      expect(store.events('c1', 'pod.privileged', 'u1')).toEqual([
        { event: 'opened', at: 1, resourceVersion: '1', cause: { object: 'self' } },
        { event: 'resolved', at: 5, resourceVersion: '2', cause: null },
      ]);
      expect(store.events('c1', 'pod.privileged', 'u2').map((e) => e.event)).toEqual(['opened']);
      expect(store.finding('c1', 'pod.privileged', 'u1')).toMatchObject({ id: a.id, status: 'resolved', riskScore: 42 });
      expect(store.finding('c1', 'pod.privileged', 'u2')!.riskScore).toBe(-1);
      // An update of an id that names no row fails loudly instead of writing nothing.
      expect(() => store.save({ ...finding('pod.privileged', 'u7'), id: 9999 })).toThrow(/no stored row has id 9999/);
      // An event of a finding never saved is a programming error, not a row under id 0.
      expect(() => store.addEvent(finding('pod.x', 'u9'), { event: 'opened', at: 1, resourceVersion: null, cause: null })).toThrow(/no stored id/);
    });
  });

  it('riskiest-first pages visit every finding once, by score, then the newest first', () => {
    withDb(freshFile(), (db) => {
      const store = new FindingsStore(db);
      const scores = [10, 80, 80, -1, 55, 80, 10, 0, 99, 55, 80];
      scores.forEach((riskScore, i) => store.save(finding(`ctl${i % 3}`, `u${i}`, { riskScore, clusterId: i % 2 ? 'c1' : 'c2' })));
      const seen: FindingRow[] = [];
      let cursor: string | undefined;
      do {
        const page = store.query({ sort: 'risk', status: 'open', limit: 3, ...(cursor ? { cursor } : {}) });
        seen.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toHaveLength(scores.length);
      const key = (f: FindingRow) => [f.riskScore!, f.clusterId, f.id!] as const;
      for (let i = 1; i < seen.length; i++) {
        const [s0, c0, id0] = key(seen[i - 1]!);
        const [s1, c1, id1] = key(seen[i]!);
        expect(s0 > s1 || (s0 === s1 && (c0 > c1 || (c0 === c1 && id0 > id1)))).toBe(true);
      }
      expect(() => store.query({ sort: 'risk', limit: 3, cursor: Buffer.from(JSON.stringify(['80', 'c1', 'x'])).toString('base64url') })).toThrow(/cursor/i);
    });
  });
});
