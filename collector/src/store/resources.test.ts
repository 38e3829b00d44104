import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations.js';
import { openDatabase, schemaVersion, type Db } from './database.js';
import { InvalidCursorError, ResourceConflictError, ResourceStore, contentHash, decodeCursor, encodeCursor, type ResourceInput } from './resources.js';

const dir = mkdtempSync(join(tmpdir(), 'stance-resources-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
const freshFile = () => join(dir, `db-${++n}`, 'stance.sqlite');

function input(kind: string, name: string, uid: string, rv: string, extra: Record<string, unknown> = {}, namespace = 'app'): ResourceInput {
  const apiVersion = kind === 'Deployment' ? 'apps/v1' : 'v1';
  const obj = { apiVersion, kind, metadata: { name, namespace, uid, resourceVersion: rv }, ...extra };
  return { apiVersion, kind, namespace, name, uid, resourceVersion: rv, json: JSON.stringify(obj) };
}

/** Clusters are foreign keys of resources. */
function addCluster(db: Db, id: string): void {
  db.prepare('INSERT INTO clusters (id, name, first_seen, last_seen) VALUES (?, ?, 0, 0)').run(id, id);
}

describe('ResourceStore', () => {
  let db: Db;
  let store: ResourceStore;
  beforeEach(() => {
    db = openDatabase(freshFile());
    addCluster(db, 'c1');
    addCluster(db, 'c2');
    store = new ResourceStore(db);
    return () => db.close();
  });

  it('inserts, updates on a new resourceVersion and ignores a repeat', () => {
    const v1 = input('Pod', 'web', 'u1', '10', { spec: { v: 1 } });
    const created = store.upsert('c1', v1, 1000);
    expect(created).toEqual({ change: 'created', object: JSON.parse(v1.json) });

    expect(store.upsert('c1', v1, 2000)).toEqual({ change: 'unchanged' });
    const afterRepeat = store.getByUid('c1', 'u1')!;
    expect(afterRepeat.lastSeen).toBe(2000);
    expect(afterRepeat.firstSeen).toBe(1000);

    const v2 = input('Pod', 'web', 'u1', '11', { spec: { v: 2 } });
    const updated = store.upsert('c1', v2, 3000);
    expect(updated).toEqual({ change: 'updated', object: JSON.parse(v2.json), previous: JSON.parse(v1.json) });
    const stored = store.getByUid('c1', 'u1')!;
    expect(stored).toMatchObject({ clusterId: 'c1', kind: 'Pod', namespace: 'app', name: 'web', resourceVersion: '11', firstSeen: 1000, lastSeen: 3000 });
    expect(stored.contentHash).toBe(contentHash(v2.json));
    expect(stored.object.spec).toEqual({ v: 2 });
    expect(store.get('c1', 'Pod', 'app', 'web')?.metadata.resourceVersion).toBe('11');
  });

  it('keeps clusters apart', () => {
    store.upsert('c1', input('Pod', 'web', 'u1', '1'), 1);
    expect(store.upsert('c2', input('Pod', 'web', 'u1', '1'), 1).change).toBe('created');
    expect(store.list('c1', 'Pod')).toHaveLength(1);
    expect(store.countsByKind('c2')).toEqual({ 'v1/Pod': 1 });
  });

  it('delete returns the object as it was, and undefined for an unknown uid or another kind', () => {
    const v = input('Pod', 'web', 'u1', '5', { spec: { a: 1 } });
    store.upsert('c1', v, 1);
    expect(store.delete('c1', 'u1', 'ConfigMap')).toBeUndefined();
    expect(store.delete('c1', 'u1', 'Pod')).toEqual(JSON.parse(v.json));
    expect(store.getByUid('c1', 'u1')).toBeUndefined();
    expect(store.delete('c1', 'u1', 'Pod')).toBeUndefined();
    expect(store.delete('c2', 'nope', 'Pod')).toBeUndefined();
  });

  it('refuses another kind of object under a stored uid', () => {
    store.upsert('c1', input('Pod', 'web', 'u9', '1'), 1);
    expect(() => store.upsert('c1', input('ConfigMap', 'web', 'u9', '2'), 2)).toThrow(ResourceConflictError);
    expect(store.getByUid('c1', 'u9')?.kind).toBe('Pod');
  });

  it('lists by kind and namespace, and counts by apiVersion/kind', () => {
    store.upsert('c1', input('Pod', 'a', 'u1', '1', {}, 'ns1'), 1);
    store.upsert('c1', input('Pod', 'b', 'u2', '1', {}, 'ns2'), 1);
    store.upsert('c1', input('Deployment', 'd', 'u3', '1', {}, 'ns1'), 1);
    expect(store.list('c1', 'Pod').map((o) => o.metadata.name).sort()).toEqual(['a', 'b']);
    expect(store.list('c1', 'Pod', 'ns2').map((o) => o.metadata.name)).toEqual(['b']);
    expect(store.countsByKind('c1')).toEqual({ 'v1/Pod': 2, 'apps/v1/Deployment': 1 });
    expect(store.get('c1', 'Pod', 'ns1', 'b')).toBeUndefined();
  });

  describe('snapshots', () => {
    beforeEach(() => {
      // c1: three Pods, one Deployment; c2: one Pod.
      for (const [name, uid] of [['a', 'p1'], ['b', 'p2'], ['c', 'p3']] as const) store.upsert('c1', input('Pod', name, uid, '1'), 1);
      store.upsert('c1', input('Deployment', 'web', 'd1', '1'), 1);
      store.upsert('c2', input('Pod', 'other', 'x1', '1'), 1);
    });

    it('deletes exactly what the snapshot did not list, returning it', () => {
      store.beginSnapshot('c1', 's1', ['v1/Pod'], 10);
      store.upsert('c1', input('Pod', 'a', 'p1', '1'), 11); // unchanged, still listed
      store.upsert('c1', input('Pod', 'b', 'p2', '2'), 11); // changed while gone
      store.upsert('c1', input('Pod', 'n', 'p4', '1'), 11); // new
      const removed = store.endSnapshot('c1', 's1');
      expect(removed.map((o) => o.metadata.uid)).toEqual(['p3']);
      expect(store.list('c1', 'Pod').map((o) => o.metadata.uid).sort()).toEqual(['p1', 'p2', 'p4']);
      // Other kinds of the cluster and other clusters are untouched.
      expect(store.list('c1', 'Deployment')).toHaveLength(1);
      expect(store.list('c2', 'Pod')).toHaveLength(1);
    });

    it('an empty snapshot of a kind removes every object of that kind', () => {
      store.beginSnapshot('c1', 's1', ['apps/v1/Deployment'], 10);
      expect(store.endSnapshot('c1', 's1').map((o) => o.metadata.name)).toEqual(['web']);
      expect(store.list('c1', 'Pod')).toHaveLength(3);
    });

    it('keeps objects that arrived by watch during the snapshot', () => {
      store.beginSnapshot('c1', 's1', ['v1/Pod'], 10);
      store.upsert('c1', input('Pod', 'a', 'p1', '1'), 11);
      store.upsert('c1', input('Pod', 'late', 'p9', '7'), 12);
      const removed = store.endSnapshot('c1', 's1').map((o) => o.metadata.uid).sort();
      expect(removed).toEqual(['p2', 'p3']);
    });

    it('the end of a superseded snapshot sweeps nothing; the newer one does', () => {
      store.beginSnapshot('c1', 'old', ['v1/Pod'], 10);
      store.upsert('c1', input('Pod', 'a', 'p1', '1'), 11);
      store.beginSnapshot('c1', 'new', ['v1/Pod'], 12); // the agent relisted
      expect(store.endSnapshot('c1', 'old')).toEqual([]);
      expect(store.list('c1', 'Pod')).toHaveLength(3);
      store.upsert('c1', input('Pod', 'b', 'p2', '1'), 13);
      expect(store.endSnapshot('c1', 'new').map((o) => o.metadata.uid).sort()).toEqual(['p1', 'p3']);
    });

    it('an unknown snapshot id sweeps nothing', () => {
      expect(store.endSnapshot('c1', 'never-begun')).toEqual([]);
      expect(store.list('c1', 'Pod')).toHaveLength(3);
    });

    it('a second snapshot must list objects again to keep them', () => {
      store.beginSnapshot('c1', 's1', ['v1/Pod'], 10);
      for (const [name, uid] of [['a', 'p1'], ['b', 'p2'], ['c', 'p3']] as const) store.upsert('c1', input('Pod', name, uid, '1'), 11);
      expect(store.endSnapshot('c1', 's1')).toEqual([]);
      store.beginSnapshot('c1', 's2', ['v1/Pod'], 20);
      store.upsert('c1', input('Pod', 'c', 'p3', '1'), 21);
      expect(store.endSnapshot('c1', 's2').map((o) => o.metadata.uid).sort()).toEqual(['p1', 'p2']);
    });
  });

  describe('query (keyset pagination)', () => {
    beforeEach(() => {
      let i = 0;
      for (const c of ['c1', 'c2']) {
        for (const ns of ['ns-a', 'ns-b']) {
          for (const name of ['x', 'y', 'z']) {
            store.upsert(c, input('Pod', name, `pod-${++i}`, '1', {}, ns), 1);
            store.upsert(c, input('Deployment', name, `dep-${++i}`, '1', {}, ns), 1);
          }
        }
      }
      // Same name twice in one namespace (different uids): the uid breaks the tie.
      store.upsert('c1', input('Pod', 'x', 'pod-dup', '1', {}, 'ns-a'), 1);
    });

    function all(q: { cluster?: string; kind?: string; namespace?: string }, limit: number): string[] {
      const uids: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 100; pages++) {
        const page = store.query({ ...q, limit, ...(cursor ? { cursor } : {}) });
        expect(page.items.length).toBeLessThanOrEqual(limit);
        uids.push(...page.items.map((r) => `${r.clusterId}:${r.uid}`));
        if (!page.nextCursor) return uids;
        cursor = page.nextCursor;
      }
      throw new Error('pagination did not end');
    }

    it.each([1, 2, 5, 25, 100])('returns every row exactly once with page size %i', (limit) => {
      const uids = all({}, limit);
      expect(uids).toHaveLength(25);
      expect(new Set(uids).size).toBe(25);
    });

    it('orders by cluster, kind, namespace, name, uid', () => {
      const rows = store.query({ limit: 1000 }).items;
      const keys = rows.map((r) => [r.clusterId, r.kind, r.namespace, r.name, r.uid].join('\u0000'));
      expect(keys).toEqual([...keys].sort());
    });

    it('filters by cluster, kind and namespace across pages', () => {
      const uids = all({ cluster: 'c1', kind: 'Pod', namespace: 'ns-a' }, 2);
      expect(uids).toHaveLength(4);
      for (const u of uids) {
        const [cluster, uid] = u.split(':') as [string, string];
        expect(store.getByUid(cluster, uid)).toMatchObject({ clusterId: 'c1', kind: 'Pod', namespace: 'ns-a' });
      }
      expect(all({ kind: 'Deployment' }, 4)).toHaveLength(12);
      expect(all({ namespace: '' }, 4)).toHaveLength(0);
    });

    it('has no next cursor when the last page is exactly full', () => {
      const page = store.query({ limit: 25 });
      expect(page.items).toHaveLength(25);
      expect(page.nextCursor).toBeUndefined();
    });

    it.each(['not-base64!', encodeCursor(['a', 'b']), Buffer.from('{"a":1}').toString('base64url'), Buffer.from('[1,2,3,4,5]').toString('base64url')])(
      'rejects a bad cursor %s',
      (cursor) => {
        expect(() => store.query({ limit: 10, cursor })).toThrow(InvalidCursorError);
      },
    );
  });
});

describe('cursor encoding', () => {
  it('round-trips values with any characters', () => {
    const v = ['c1', 'Pod', 'ns/ä', 'name,with"quotes', ''];
    expect(decodeCursor(encodeCursor(v), 5)).toEqual(v);
    expect(() => decodeCursor(encodeCursor(v), 4)).toThrow(InvalidCursorError);
  });
});

describe('openDatabase migrations', () => {
  it('records the schema version in user_version', () => {
    const db = openDatabase(freshFile());
    try {
      expect(schemaVersion(db)).toBe(MIGRATIONS.at(-1)!.version);
      const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all().map((r) => r.name);
      expect(tables).toEqual(expect.arrayContaining(['agents', 'clusters', 'resources', 'snapshots', 'findings', 'finding_events', 'subject_outcomes', 'posture_history']));
    } finally {
      db.close();
    }
  });

  it('re-opening an existing file keeps its data and changes nothing', () => {
    const file = freshFile();
    const first = openDatabase(file);
    addCluster(first, 'c1');
    new ResourceStore(first).upsert('c1', input('Pod', 'web', 'u1', '1'), 1);
    const schema = first.prepare('SELECT sql FROM sqlite_master ORDER BY name').all();
    first.close();

    const again = openDatabase(file);
    try {
      expect(schemaVersion(again)).toBe(MIGRATIONS.at(-1)!.version);
      expect(again.prepare('SELECT sql FROM sqlite_master ORDER BY name').all()).toEqual(schema);
      expect(new ResourceStore(again).getByUid('c1', 'u1')?.name).toBe('web');
    } finally {
      again.close();
    }
  });

  it('moves resources of a version-3 file into the rowid table of version 4, losing nothing', () => {
    const file = freshFile();
    mkdirSync(dirname(file), { recursive: true });
    const old = new Database(file);
    old.pragma('journal_mode = WAL');
    for (const m of MIGRATIONS.filter((m) => m.version <= 3)) old.exec(m.sql);
    old.pragma('user_version = 3');
    for (const c of ['c1', 'c2']) addCluster(old, c);
    const insert = old.prepare(
      `INSERT INTO resources (cluster_id, uid, api_version, kind, namespace, name, resource_version, content_hash, object, first_seen, last_seen, snapshot_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const kinds = [['v1', 'Pod'], ['apps/v1', 'Deployment'], ['v1', 'ConfigMap']] as const;
    old.transaction(() => {
      for (let i = 0; i < 3000; i++) {
        const [apiVersion, kind] = kinds[i % 3]!;
        insert.run(`c${(i % 2) + 1}`, `u${i}`, apiVersion, kind, `ns${i % 7}`, `n${i}`, String(i), `h${i}`, JSON.stringify({ kind, pad: 'x'.repeat(i % 3000) }), i, i + 1, i % 5 ? `s${i % 4}` : null);
      }
    })();
    const rowsOf = (db: Database.Database) => db.prepare('SELECT * FROM resources ORDER BY cluster_id, uid').all();
    const before = rowsOf(old);
    old.close();

    const applied: [number, number][] = [];
    const db = openDatabase(file, { onMigration: (m, from) => applied.push([from, m.version]) });
    try {
      expect(applied).toEqual(MIGRATIONS.filter((m) => m.version > 3).map((m) => [m.version - 1, m.version]));
      expect(schemaVersion(db)).toBe(MIGRATIONS.at(-1)!.version);
      expect(db.prepare("SELECT sql FROM sqlite_master WHERE name = 'resources'").pluck().get()).not.toMatch(/WITHOUT ROWID/);
      expect(rowsOf(db)).toEqual(before);
      expect(new ResourceStore(db).countsByKind('c1')).toEqual({ 'v1/Pod': 500, 'apps/v1/Deployment': 500, 'v1/ConfigMap': 500 });
      // The copy went through the WAL; it is truncated afterwards, not left at the table's size.
      expect(statSync(`${file}-wal`).size).toBe(0);
    } finally {
      db.close();
    }
  });

  it('versions increase by one from 1', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });
});
