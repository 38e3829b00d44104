// Lists with limit/continue. The first page of a paginated list pins a snapshot of the
// kind (an array of references to immutable objects) so later pages are consistent
// with the first, as an etcd read at the list's revision would be. Snapshots expire
// after a while or on compaction; a continue token past that answers 410 Expired.
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '@stance/shared/model/index';
import { ApiError, badRequest, expired } from './errors.js';
import type { ResourceInfo } from './resources.js';
import type { Predicate } from './selectors.js';
import { keyOf, type ObjectStore } from './store.js';

export interface ListRequest {
  res: ResourceInfo;
  namespace?: string;
  limit?: number;
  continueToken?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
  filter: Predicate;
  /** Whether any selector is set: then remainingItemCount is unknown, as upstream. */
  filtered: boolean;
}

export interface ListPage {
  items: KubeObject[];
  resourceVersion: string;
  continueToken?: string;
  remainingItemCount?: number;
}

interface Snapshot {
  rv: number;
  items: KubeObject[];
  expires: number;
}

interface Token {
  v: 1;
  kind: string;
  ns: string;
  rv: number;
  /** Index of the next item in the snapshot, and the key of the last item returned. */
  pos: number;
  key: string;
  snap: string;
}

const SNAPSHOT_TTL_MS = 5 * 60_000;
const MAX_SNAPSHOTS = 16;

function encodeToken(t: Token): string {
  return Buffer.from(JSON.stringify(t)).toString('base64url');
}

function decodeToken(raw: string): Token {
  try {
    const t = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Token;
    if (t.v !== 1 || typeof t.rv !== 'number' || typeof t.pos !== 'number' || typeof t.snap !== 'string') throw new Error('shape');
    return t;
  } catch {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
}

export class Lister {
  private readonly snapshots = new Map<string, Snapshot>();
  /** Tokens issued before this resourceVersion cannot be resumed without their snapshot. */
  private tokensValidFrom = 0;

  constructor(private readonly store: ObjectStore) {}

  /** Forgets every pinned snapshot: outstanding continue tokens become too old. */
  dropSnapshots(): void {
    this.snapshots.clear();
    this.tokensValidFrom = this.store.currentRv() + 1;
  }

  list(req: ListRequest): ListPage {
    const ns = req.res.namespaced ? (req.namespace ?? '') : '';
    let items: KubeObject[];
    let rv: number;
    let pos = 0;
    let snapId: string;
    if (req.continueToken) {
      if (req.resourceVersion) throw badRequest('specifying resource version is not allowed when using continue');
      const t = decodeToken(req.continueToken);
      if (t.kind !== req.res.kind || t.ns !== ns) throw badRequest('continue key is not valid: it was issued for a different list');
      const snap = this.snapshots.get(t.snap);
      rv = t.rv;
      snapId = t.snap;
      if (snap) {
        items = snap.items;
        pos = t.pos;
      } else if (rv >= this.store.compactedRv() && rv >= this.tokensValidFrom) {
        // The pinned snapshot was evicted but nothing was compacted: resume by key.
        items = this.store.snapshot(req.res, ns || undefined);
        pos = upperBoundByKey(items, t.key);
      } else {
        throw expired('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue value from the response to start a new list.');
      }
    } else {
      rv = this.checkResourceVersion(req);
      items = this.store.snapshot(req.res, ns || undefined);
      snapId = '';
    }

    const limit = req.limit && req.limit > 0 ? req.limit : Infinity;
    const out: KubeObject[] = [];
    let i = pos;
    for (; i < items.length && out.length < limit; i++) {
      const o = items[i]!;
      if (req.filter(o)) out.push(o);
    }
    const page: ListPage = { items: out, resourceVersion: String(rv) };
    if (i < items.length) {
      if (!snapId) snapId = this.pin(rv, items);
      const last = out[out.length - 1] ?? items[i - 1]!;
      page.continueToken = encodeToken({ v: 1, kind: req.res.kind, ns, rv, pos: i, key: keyOf(last.metadata.namespace, last.metadata.name ?? ''), snap: snapId });
      if (!req.filtered) page.remainingItemCount = items.length - i;
    }
    return page;
  }

  private checkResourceVersion(req: ListRequest): number {
    const current = this.store.currentRv();
    const raw = req.resourceVersion;
    const match = req.resourceVersionMatch;
    if (match && match !== 'Exact' && match !== 'NotOlderThan') {
      throw badRequest(`resourceVersionMatch: Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`);
    }
    if (match && !raw) throw badRequest('resourceVersionMatch is forbidden unless resourceVersion is provided');
    if (!raw || raw === '0') return current;
    if (!/^\d+$/.test(raw)) throw badRequest(`Invalid value: "${raw}": resourceVersion must be an unsigned integer`);
    const n = Number(raw);
    if (n > current) {
      throw new ApiError(504, 'Timeout', `Too large resource version: ${n}, current: ${current}`, {
        causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
      });
    }
    // Exact reads of a compacted revision are gone; other past revisions are served
    // from the current state (this server keeps no history of object states).
    if (match === 'Exact' && n < this.store.compactedRv()) {
      throw expired(`The resourceVersion for the provided list is too old.`);
    }
    return current;
  }

  private pin(rv: number, items: KubeObject[]): string {
    const nowMs = Date.now();
    for (const [id, s] of this.snapshots) if (s.expires < nowMs) this.snapshots.delete(id);
    while (this.snapshots.size >= MAX_SNAPSHOTS) this.snapshots.delete(this.snapshots.keys().next().value!);
    const id = randomUUID();
    this.snapshots.set(id, { rv, items, expires: nowMs + SNAPSHOT_TTL_MS });
    return id;
  }
}

function upperBoundByKey(items: KubeObject[], key: string): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const o = items[mid]!;
    if (keyOf(o.metadata.namespace, o.metadata.name ?? '') <= key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
