// Current cluster state: one row per object, idempotent by (cluster, uid, resourceVersion),
// with snapshot marking so that a full listing deletes what it no longer holds.
import { createHash } from 'node:crypto';
import type { KubeObject } from '@stance/shared/model/index';
import type { Db } from './database.js';

export interface ResourceInput {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  uid: string;
  resourceVersion: string;
  /** The object as JSON text, already stripped by the agent. */
  json: string;
  /**
   * `json` already parsed (validation had to): spares a second parse of every object. The
   * store hands it to change listeners, so the caller must not keep or mutate it.
   */
  parsed?: KubeObject;
}

export interface StoredResource {
  clusterId: string;
  uid: string;
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  resourceVersion: string;
  contentHash: string;
  firstSeen: number;
  lastSeen: number;
  object: KubeObject;
}

interface Row {
  cluster_id: string;
  uid: string;
  api_version: string;
  kind: string;
  namespace: string;
  name: string;
  resource_version: string;
  content_hash: string;
  object: string;
  first_seen: number;
  last_seen: number;
}

export type UpsertResult =
  | { change: 'unchanged' }
  | { change: 'created'; object: KubeObject }
  | { change: 'updated'; object: KubeObject; previous: KubeObject };

export interface ResourceQuery {
  cluster?: string;
  kind?: string;
  namespace?: string;
  limit: number;
  /** Opaque keyset cursor from the previous page. */
  cursor?: string;
}

/** A change that would put another kind of object under a stored object's uid. */
export class ResourceConflictError extends Error {
  constructor(
    readonly uid: string,
    readonly storedKind: string,
    readonly kind: string,
  ) {
    super(`uid ${uid} belongs to a ${storedKind}, not a ${kind}`);
    this.name = 'ResourceConflictError';
  }
}

export class InvalidCursorError extends Error {
  constructor(readonly cursor: string) {
    super(`invalid cursor "${cursor}"`);
    this.name = 'InvalidCursorError';
  }
}

export function encodeCursor(values: readonly string[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string, arity: number): string[] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === arity && v.every((x) => typeof x === 'string')) return v;
  } catch {
    // fall through
  }
  throw new InvalidCursorError(cursor);
}

const toStored = (r: Row): StoredResource => ({
  clusterId: r.cluster_id,
  uid: r.uid,
  apiVersion: r.api_version,
  kind: r.kind,
  namespace: r.namespace,
  name: r.name,
  resourceVersion: r.resource_version,
  contentHash: r.content_hash,
  firstSeen: r.first_seen,
  lastSeen: r.last_seen,
  object: JSON.parse(r.object) as KubeObject,
});

export class ResourceStore {
  private readonly stmt;

  constructor(private readonly db: Db) {
    this.stmt = {
      // The version alone: a resync re-sends every object unchanged, and reading each one's
      // JSON just to compare versions doubled the work.
      current: db.prepare<[string, string], { resource_version: string; kind: string }>('SELECT resource_version, kind FROM resources WHERE cluster_id = ? AND uid = ?'),
      currentObject: db.prepare<[string, string], { object: string }>('SELECT object FROM resources WHERE cluster_id = ? AND uid = ?'),
      activeSnapshot: db.prepare<[string, string], { snapshot_id: string }>(
        'SELECT snapshot_id FROM snapshots WHERE cluster_id = ? AND kind_key = ?',
      ),
      touch: db.prepare('UPDATE resources SET last_seen = ?, snapshot_id = coalesce(?, snapshot_id) WHERE cluster_id = ? AND uid = ?'),
      // Positional: binding by name costs a property lookup per parameter, per object of a sync.
      insert: db.prepare(
        `INSERT INTO resources (cluster_id, uid, api_version, kind, namespace, name, resource_version, content_hash, object, first_seen, last_seen, snapshot_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      update: db.prepare(
        `UPDATE resources SET api_version = ?, kind = ?, namespace = ?, name = ?, resource_version = ?, content_hash = ?, object = ?, last_seen = ?,
           snapshot_id = coalesce(?, snapshot_id)
         WHERE cluster_id = ? AND uid = ?`,
      ),
      delete: db.prepare<[string, string, string], { object: string }>('DELETE FROM resources WHERE cluster_id = ? AND uid = ? AND kind = ? RETURNING object'),
      beginSnapshot: db.prepare('INSERT OR REPLACE INTO snapshots (cluster_id, kind_key, snapshot_id, started_at) VALUES (?, ?, ?, ?)'),
      snapshotKinds: db.prepare<[string, string], { kind_key: string }>('SELECT kind_key FROM snapshots WHERE cluster_id = ? AND snapshot_id = ?'),
      endSnapshot: db.prepare('DELETE FROM snapshots WHERE cluster_id = ? AND snapshot_id = ?'),
      sweep: db.prepare<[string, string, string, string], { object: string }>(
        `DELETE FROM resources WHERE cluster_id = ? AND api_version = ? AND kind = ? AND (snapshot_id IS NULL OR snapshot_id != ?)
         RETURNING object`,
      ),
      // INDEXED BY: without statistics SQLite may plan these as a scan of the cluster's whole
      // primary-key range (every row carries its JSON), which made each relation-check read
      // cost milliseconds at 20,000 objects.
      get: db.prepare<[string, string, string, string], { object: string }>(
        'SELECT object FROM resources INDEXED BY resources_by_kind WHERE cluster_id = ? AND kind = ? AND namespace = ? AND name = ?',
      ),
      getByUid: db.prepare<[string, string], Row>('SELECT * FROM resources WHERE cluster_id = ? AND uid = ?'),
      listKind: db.prepare<[string, string], { object: string }>('SELECT object FROM resources INDEXED BY resources_by_kind WHERE cluster_id = ? AND kind = ?'),
      listKindNs: db.prepare<[string, string, string], { object: string }>(
        'SELECT object FROM resources INDEXED BY resources_by_kind WHERE cluster_id = ? AND kind = ? AND namespace = ?',
      ),
      counts: db.prepare<[string], { kind_key: string; n: number }>(
        `SELECT api_version || '/' || kind AS kind_key, count(*) AS n FROM resources WHERE cluster_id = ? GROUP BY api_version, kind`,
      ),
    };
  }

  upsert(clusterId: string, r: ResourceInput, now: number): UpsertResult {
    const snapshot = this.stmt.activeSnapshot.get(clusterId, `${r.apiVersion}/${r.kind}`)?.snapshot_id ?? null;
    const existing = this.stmt.current.get(clusterId, r.uid);
    // A uid names one object: another kind under it would overwrite that object (a node's facts).
    if (existing && existing.kind !== r.kind) throw new ResourceConflictError(r.uid, existing.kind, r.kind);
    if (existing && existing.resource_version === r.resourceVersion) {
      this.stmt.touch.run(now, snapshot, clusterId, r.uid);
      return { change: 'unchanged' };
    }
    const hash = contentHash(r.json);
    const object = r.parsed ?? (JSON.parse(r.json) as KubeObject);
    if (!existing) {
      this.stmt.insert.run(clusterId, r.uid, r.apiVersion, r.kind, r.namespace, r.name, r.resourceVersion, hash, r.json, now, now, snapshot);
      return { change: 'created', object };
    }
    const previous = JSON.parse(this.stmt.currentObject.get(clusterId, r.uid)!.object) as KubeObject;
    this.stmt.update.run(r.apiVersion, r.kind, r.namespace, r.name, r.resourceVersion, hash, r.json, now, snapshot, clusterId, r.uid);
    return { change: 'updated', object, previous };
  }

  /** Returns the object as it was, or undefined when no object of that kind was stored under the uid. */
  delete(clusterId: string, uid: string, kind: string): KubeObject | undefined {
    const row = this.stmt.delete.get(clusterId, uid, kind);
    return row ? (JSON.parse(row.object) as KubeObject) : undefined;
  }

  beginSnapshot(clusterId: string, snapshotId: string, kindKeys: readonly string[], now: number): void {
    for (const k of kindKeys) this.stmt.beginSnapshot.run(clusterId, k, snapshotId, now);
  }

  /** Deletes every object of the snapshot's kinds that the snapshot did not list; returns them. */
  endSnapshot(clusterId: string, snapshotId: string): KubeObject[] {
    const removed: KubeObject[] = [];
    for (const { kind_key } of this.stmt.snapshotKinds.all(clusterId, snapshotId)) {
      const slash = kind_key.lastIndexOf('/');
      const rows = this.stmt.sweep.all(clusterId, kind_key.slice(0, slash), kind_key.slice(slash + 1), snapshotId);
      for (const row of rows) removed.push(JSON.parse(row.object) as KubeObject);
    }
    this.stmt.endSnapshot.run(clusterId, snapshotId);
    return removed;
  }

  get(clusterId: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const row = this.stmt.get.get(clusterId, kind, namespace ?? '', name);
    return row ? (JSON.parse(row.object) as KubeObject) : undefined;
  }

  getByUid(clusterId: string, uid: string): StoredResource | undefined {
    const row = this.stmt.getByUid.get(clusterId, uid);
    return row ? toStored(row) : undefined;
  }

  list(clusterId: string, kind: string, namespace?: string): KubeObject[] {
    const rows = namespace === undefined ? this.stmt.listKind.all(clusterId, kind) : this.stmt.listKindNs.all(clusterId, kind, namespace);
    return rows.map((r) => JSON.parse(r.object) as KubeObject);
  }

  countsByKind(clusterId: string): Record<string, number> {
    return Object.fromEntries(this.stmt.counts.all(clusterId).map((r) => [r.kind_key, r.n]));
  }

  /** One page ordered by (cluster, kind, namespace, name, uid). */
  query(q: ResourceQuery): { items: StoredResource[]; nextCursor?: string } {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.cluster) (where.push('cluster_id = ?'), args.push(q.cluster));
    if (q.kind) (where.push('kind = ?'), args.push(q.kind));
    if (q.namespace !== undefined) (where.push('namespace = ?'), args.push(q.namespace));
    if (q.cursor) {
      const c = decodeCursor(q.cursor, 5);
      where.push('(cluster_id, kind, namespace, name, uid) > (?, ?, ?, ?, ?)');
      args.push(...c);
    }
    const sql = `SELECT * FROM resources ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
                 ORDER BY cluster_id, kind, namespace, name, uid LIMIT ?`;
    const rows = this.db.prepare<(string | number)[], Row>(sql).all(...args, q.limit + 1);
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    const result: { items: StoredResource[]; nextCursor?: string } = { items: page.map(toStored) };
    if (rows.length > q.limit && last) result.nextCursor = encodeCursor([last.cluster_id, last.kind, last.namespace, last.name, last.uid]);
    return result;
  }
}

/** The store input for a whole object (tests and tools that bypass the agent). */
export function resourceInputOf(o: KubeObject): ResourceInput {
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    namespace: o.metadata.namespace ?? '',
    name: o.metadata.name!,
    uid: o.metadata.uid!,
    resourceVersion: o.metadata.resourceVersion!,
    json: JSON.stringify(o),
  };
}

export function contentHash(json: string): string {
  return createHash('sha256').update(json).digest('hex').slice(0, 32);
}
