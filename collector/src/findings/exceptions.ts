// User exceptions: an accepted risk turns matching failing outcomes into `excepted`
// findings (left out of the score) until the exception is deleted or expires.
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '@stance/shared/model/index';
import { globMatch } from '@stance/shared/match/glob';
import type { Db } from '../store/database.js';

export interface ExceptionInput {
  controlId: string;
  cluster?: string;
  namespace?: string;
  kind?: string;
  name?: string;
  reason: string;
  expiresAt?: number;
}

export type ExceptionStatus = 'active' | 'expired' | 'deleted';

/** An exception with its audit trail: who made it and when, and who withdrew it, when and why. */
export interface ExceptionRow extends ExceptionInput {
  id: string;
  createdAt: number;
  /** The API token's name (or the open loopback API) that created it. */
  createdBy: string;
  deletedAt?: number;
  deletedBy?: string;
  deleteReason?: string;
}

interface Row {
  id: string;
  cluster_id: string | null;
  control_id: string;
  namespace: string | null;
  kind: string | null;
  name: string | null;
  reason: string;
  created_at: number;
  expires_at: number | null;
  created_by: string | null;
  deleted_at: number | null;
  deleted_by: string | null;
  delete_reason: string | null;
}

export { globMatch } from '@stance/shared/match/glob';

const toException = (r: Row): ExceptionRow => ({
  id: r.id,
  controlId: r.control_id,
  reason: r.reason,
  createdAt: r.created_at,
  // Exceptions made before the audit columns existed (schema v5) have no author on record.
  createdBy: r.created_by ?? 'unknown (before audit)',
  ...(r.deleted_at !== null ? { deletedAt: r.deleted_at, deletedBy: r.deleted_by ?? 'unknown', deleteReason: r.delete_reason ?? '' } : {}),
  ...(r.cluster_id ? { cluster: r.cluster_id } : {}),
  ...(r.namespace !== null ? { namespace: r.namespace } : {}),
  ...(r.kind ? { kind: r.kind } : {}),
  ...(r.name ? { name: r.name } : {}),
  ...(r.expires_at ? { expiresAt: r.expires_at } : {}),
});

export function exceptionStatus(e: ExceptionRow, now = Date.now()): ExceptionStatus {
  if (e.deletedAt !== undefined) return 'deleted';
  return e.expiresAt !== undefined && e.expiresAt <= now ? 'expired' : 'active';
}

export class ExceptionStore {
  /** Exceptions not withdrawn (expired ones included: expiry is judged at use). */
  private cache: ExceptionRow[];

  constructor(private readonly db: Db) {
    this.cache = this.load().filter((e) => e.deletedAt === undefined);
  }

  /** Every exception ever made, withdrawn ones included: the audit trail. */
  list(): ExceptionRow[] {
    return this.load();
  }

  get(id: string): ExceptionRow | undefined {
    return this.load().find((e) => e.id === id);
  }

  add(input: ExceptionInput, by: string, now = Date.now()): ExceptionRow {
    const row: ExceptionRow = { ...input, id: randomUUID(), createdAt: now, createdBy: by };
    this.db
      .prepare('INSERT INTO exceptions (id, cluster_id, control_id, namespace, kind, name, reason, created_at, expires_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(row.id, row.cluster ?? null, row.controlId, row.namespace ?? null, row.kind ?? null, row.name ?? null, row.reason, now, row.expiresAt ?? null, by);
    this.cache = this.load().filter((e) => e.deletedAt === undefined);
    return row;
  }

  /** Withdraws an exception, keeping it (and who withdrew it, when and why) for the audit trail. */
  remove(id: string, by: string, reason: string, now = Date.now()): ExceptionRow | undefined {
    const found = this.cache.find((e) => e.id === id);
    if (!found) return undefined;
    this.db.prepare('UPDATE exceptions SET deleted_at = ?, deleted_by = ?, delete_reason = ? WHERE id = ?').run(now, by, reason, id);
    this.cache = this.load().filter((e) => e.deletedAt === undefined);
    return { ...found, deletedAt: now, deletedBy: by, deleteReason: reason };
  }

  /** The reason of the first live exception that covers this outcome, if any. */
  reasonFor(clusterId: string, controlId: string, subject: KubeObject, now?: number): string | undefined {
    // Asked for every control of every subject evaluated: no clock read when there are none.
    if (this.cache.length === 0) return undefined;
    const at = now ?? Date.now();
    for (const e of this.cache) {
      if (e.expiresAt !== undefined && e.expiresAt <= at) continue;
      if (e.cluster !== undefined && e.cluster !== clusterId) continue;
      if (!globMatch(e.controlId, controlId)) continue;
      if (e.namespace !== undefined && e.namespace !== (subject.metadata.namespace ?? '')) continue;
      if (e.kind !== undefined && e.kind !== subject.kind) continue;
      if (e.name !== undefined && !globMatch(e.name, subject.metadata.name ?? '')) continue;
      return `exception ${e.id}: ${e.reason}`;
    }
    return undefined;
  }

  /** Exceptions that expired in (since, now]: their subjects need evaluating again. */
  expiredBetween(since: number, now: number): ExceptionRow[] {
    return this.cache.filter((e) => e.expiresAt !== undefined && e.expiresAt > since && e.expiresAt <= now);
  }

  private load(): ExceptionRow[] {
    return this.db.prepare<[], Row>('SELECT * FROM exceptions ORDER BY created_at, id').all().map(toException);
  }
}
