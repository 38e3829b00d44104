// The object store: every object by kind and namespace/name, one global resourceVersion
// counter (as etcd's revision), and a bounded log of change events for watches to
// replay. Stored objects are never mutated — every change stores a new object — so
// lists and snapshots can share them without copying.
import { randomBytes, randomUUID } from 'node:crypto';
import type { KubeObject } from '@stance/shared/model/index';
import { alreadyExists, badRequest, conflict, expired, notFound } from './errors.js';
import { resourceByKind, type ResourceInfo } from './resources.js';
import { validateName } from './validate.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  rv: number;
  type: EventType;
  res: ResourceInfo;
  obj: KubeObject;
  /** The object before the change (MODIFIED), for selector transitions. */
  prev?: KubeObject;
  /** Serialised forms, filled in once by the first watch that needs each. */
  wire?: Map<string, string>;
}

export type Listener = (ev: StoreEvent) => void;

const NAMESPACE = resourceByKind('Namespace')!;

export function keyOf(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function withMeta(obj: KubeObject, meta: Record<string, unknown>): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, ...meta } };
}

export class ObjectStore {
  private rv = 1;
  private readonly kinds = new Map<string, Map<string, KubeObject>>();
  private readonly sortedKeys = new Map<string, string[]>();
  /** The resource of each kind stored, so a namespace's deletion reaches extra kinds too. */
  private readonly infos = new Map<string, ResourceInfo>();
  private log: StoreEvent[] = [];
  /** Events with rv <= compactedRv are gone: a watch from before then gets 410. */
  private compacted = 0;
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(
    private readonly logSize = 10_000,
    private readonly onListenerError: (err: unknown) => void = () => {},
  ) {}

  currentRv(): number {
    return this.rv;
  }

  compactedRv(): number {
    return this.compacted;
  }

  count(): number {
    let n = 0;
    for (const m of this.kinds.values()) n += m.size;
    return n;
  }

  private table(kind: string): Map<string, KubeObject> {
    let m = this.kinds.get(kind);
    if (!m) this.kinds.set(kind, (m = new Map()));
    return m;
  }

  get(res: ResourceInfo, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.kinds.get(res.kind)?.get(keyOf(res.namespaced ? namespace : undefined, name));
  }

  /** Objects of a kind (optionally one namespace), sorted by namespace/name: a consistent snapshot. */
  snapshot(res: ResourceInfo, namespace?: string): KubeObject[] {
    const m = this.kinds.get(res.kind);
    if (!m) return [];
    let keys = this.sortedKeys.get(res.kind);
    if (!keys) {
      keys = [...m.keys()].sort();
      this.sortedKeys.set(res.kind, keys);
    }
    let from = 0;
    let to = keys.length;
    if (namespace && res.namespaced) {
      const prefix = `${namespace}/`;
      from = lowerBound(keys, prefix);
      to = from;
      while (to < keys.length && keys[to]!.startsWith(prefix)) to++;
    }
    const out = new Array<KubeObject>(to - from);
    for (let i = from; i < to; i++) out[i - from] = m.get(keys[i]!)!;
    return out;
  }

  private requireNamespace(res: ResourceInfo, namespace: string | undefined): void {
    if (!res.namespaced) return;
    if (!namespace) throw badRequest(`${res.plural} must be created in a namespace`);
    if (!this.kinds.get('Namespace')?.has(keyOf(undefined, namespace))) throw notFound('namespaces', '', namespace);
  }

  create(res: ResourceInfo, input: KubeObject): KubeObject {
    const meta = input.metadata;
    let name = typeof meta.name === 'string' ? meta.name : '';
    if (!name && typeof meta.generateName === 'string' && meta.generateName) {
      name = meta.generateName + randomBytes(4).toString('hex').slice(0, 5);
    }
    if (!name) throw badRequest(`${res.kind} in version "${res.version}" cannot be handled: name or generateName is required`);
    validateName(res, name);
    const namespace = res.namespaced ? meta.namespace : undefined;
    this.requireNamespace(res, namespace);
    const table = this.table(res.kind);
    this.infos.set(res.kind, res);
    const key = keyOf(namespace, name);
    if (table.has(key)) throw alreadyExists(res.plural, res.group, name);
    const rv = ++this.rv;
    const stamped: Record<string, unknown> = {
      name,
      uid: typeof meta.uid === 'string' && meta.uid ? meta.uid : randomUUID(),
      resourceVersion: String(rv),
      creationTimestamp: typeof meta.creationTimestamp === 'string' ? meta.creationTimestamp : now(),
    };
    if (namespace) stamped.namespace = namespace;
    if ('spec' in input && meta.generation === undefined) stamped.generation = 1;
    let obj = withMeta(input, stamped);
    if (!res.namespaced) delete obj.metadata.namespace;
    if (res.kind === 'Namespace') obj = { spec: { finalizers: ['kubernetes'] }, ...obj, status: { phase: 'Active' } };
    table.set(key, obj);
    this.sortedKeys.delete(res.kind);
    this.emit({ rv, type: 'ADDED', res, obj });
    return obj;
  }

  update(res: ResourceInfo, input: KubeObject): KubeObject {
    const name = input.metadata.name ?? '';
    const namespace = res.namespaced ? input.metadata.namespace : undefined;
    const key = keyOf(namespace, name);
    const table = this.table(res.kind);
    const old = table.get(key);
    if (!old) throw notFound(res.plural, res.group, name);
    const want = input.metadata.resourceVersion;
    if (want !== undefined && want !== '' && want !== old.metadata.resourceVersion) {
      throw conflict(res.plural, res.group, name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    // Identity fields are immutable; the server keeps its own values.
    const kept: Record<string, unknown> = {
      name,
      uid: old.metadata.uid,
      creationTimestamp: old.metadata.creationTimestamp,
      resourceVersion: old.metadata.resourceVersion,
    };
    if (namespace) kept.namespace = namespace;
    if (old.metadata.generation !== undefined) {
      const specChanged = JSON.stringify(input.spec) !== JSON.stringify(old.spec);
      kept.generation = (old.metadata.generation as number) + (specChanged ? 1 : 0);
    }
    let candidate = withMeta(input, kept);
    // Status is written through its own subresource upstream; a body without one keeps it.
    if (candidate.status === undefined && old.status !== undefined) candidate = { ...candidate, status: old.status };
    // A no-op update keeps the resourceVersion and sends no event, as upstream.
    if (JSON.stringify(candidate) === JSON.stringify(old)) return old;
    const rv = ++this.rv;
    const obj = withMeta(candidate, { resourceVersion: String(rv) });
    table.set(key, obj);
    this.emit({ rv, type: 'MODIFIED', res, obj, prev: old });
    return obj;
  }

  delete(res: ResourceInfo, namespace: string | undefined, name: string, precondition?: { uid?: string; resourceVersion?: string }): KubeObject {
    const key = keyOf(res.namespaced ? namespace : undefined, name);
    const table = this.table(res.kind);
    const old = table.get(key);
    if (!old) throw notFound(res.plural, res.group, name);
    if (precondition?.uid && precondition.uid !== old.metadata.uid) {
      throw conflict(res.plural, res.group, name, `Precondition failed: UID in precondition: ${precondition.uid}, UID in object meta: ${old.metadata.uid}`);
    }
    if (precondition?.resourceVersion && precondition.resourceVersion !== old.metadata.resourceVersion) {
      throw conflict(res.plural, res.group, name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    // The namespace's content goes with it (upstream's namespace controller, done at once).
    if (res.kind === 'Namespace') {
      for (const [kind, m] of this.kinds) {
        const r = this.infos.get(kind);
        if (!r?.namespaced) continue;
        for (const o of this.snapshot(r, name)) {
          if (m.has(keyOf(name, o.metadata.name ?? ''))) this.delete(r, name, o.metadata.name ?? '');
        }
      }
    }
    table.delete(key);
    this.sortedKeys.delete(res.kind);
    const rv = ++this.rv;
    const obj = withMeta(old, { resourceVersion: String(rv) });
    this.emit({ rv, type: 'DELETED', res, obj, prev: old });
    return obj;
  }

  /** Drops the event log: every older resourceVersion now answers 410. */
  compact(): void {
    // Keep the current revision readable but nothing before it, as an etcd compaction at it.
    this.compacted = this.rv;
    this.log = [];
  }

  /** Events after `rv` for one kind, or an Expired error when they were compacted away. */
  eventsSince(res: ResourceInfo, rv: number): StoreEvent[] {
    if (rv < this.compacted) {
      throw expired(`too old resource version: ${rv} (${this.compacted + 1})`);
    }
    let lo = 0;
    let hi = this.log.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.log[mid]!.rv <= rv) lo = mid + 1;
      else hi = mid;
    }
    return this.log.slice(lo).filter((e) => e.res.kind === res.kind);
  }

  subscribe(res: ResourceInfo, listener: Listener): () => void {
    let set = this.listeners.get(res.kind);
    if (!set) this.listeners.set(res.kind, (set = new Set()));
    set.add(listener);
    return () => set!.delete(listener);
  }

  listenerCount(): number {
    let n = 0;
    for (const s of this.listeners.values()) n += s.size;
    return n;
  }

  private emit(ev: StoreEvent): void {
    this.log.push(ev);
    // Trim in batches so the log stays amortised O(1) per event.
    if (this.log.length > this.logSize * 1.25) {
      const drop = this.log.length - this.logSize;
      this.compacted = this.log[drop - 1]!.rv;
      this.log = this.log.slice(drop);
    }
    const set = this.listeners.get(ev.res.kind);
    if (!set) return;
    for (const l of [...set]) {
      // A failing watcher must not fail the write that triggered it.
      try {
        l(ev);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }
}

function lowerBound(keys: string[], target: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
