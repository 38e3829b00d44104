// One watch connection: a chunked HTTP response that stays open and carries one JSON
// event per line. It replays the event log after the requested resourceVersion (or the
// current state as ADDED events), then follows live changes, with optional bookmarks.
import type { ServerResponse } from 'node:http';
import type { KubeObject } from '@stance/shared/model/index';
import { ApiError, expired } from './errors.js';
import { partialOf, type Shape } from './negotiate.js';
import type { ResourceInfo } from './resources.js';
import type { Predicate } from './selectors.js';
import type { EventType, ObjectStore, StoreEvent } from './store.js';
import { toTable, type IncludeObject } from './table.js';

export interface WatchParams {
  res: ResourceInfo;
  namespace?: string;
  filter: Predicate;
  resourceVersion?: string;
  sendInitialEvents: boolean;
  bookmarks: boolean;
  bookmarkIntervalMs: number;
  timeoutSeconds?: number;
  shape: Shape;
  include: IncludeObject;
}

type WireType = EventType | 'BOOKMARK' | 'ERROR';

/** A watcher that falls this far behind is cut off (the real server drops slow watchers too). */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;
const DEFAULT_TIMEOUT_S = 1800;

export class WatchSession {
  private unsubscribe: (() => void) | undefined;
  private timers: NodeJS.Timeout[] = [];
  private closed = false;
  private tableHeaderSent = false;

  constructor(
    private readonly store: ObjectStore,
    private readonly http: ServerResponse,
    private readonly p: WatchParams,
    private readonly onClose: (s: WatchSession) => void,
  ) {}

  /** Validates the start point before any byte is written, so a bad request is a plain error. */
  start(): void {
    const { res, namespace } = this.p;
    const inScope = (o: KubeObject): boolean => !namespace || !res.namespaced || o.metadata.namespace === namespace;
    const rvRaw = this.p.resourceVersion;
    if (rvRaw && !/^\d+$/.test(rvRaw)) throw new ApiError(400, 'BadRequest', `Invalid value: "${rvRaw}": resourceVersion must be an unsigned integer`);
    const fromState = !rvRaw || rvRaw === '0' || this.p.sendInitialEvents;

    this.http.writeHead(200, { 'Content-Type': this.contentType(), 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    this.http.flushHeaders();
    this.http.on('close', () => this.close());

    let replay: StoreEvent[] = [];
    let tooOld = false;
    if (!fromState) {
      try {
        replay = this.store.eventsSince(res, Number(rvRaw));
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        tooOld = true;
      }
    }
    if (tooOld) {
      // Upstream answers 200 and then an ERROR event carrying 410 Expired.
      this.expire(`too old resource version: ${rvRaw} (${this.store.compactedRv() + 1})`);
      return;
    }
    // Everything below runs in one tick, so no change can slip between replay and subscribe.
    if (fromState) {
      for (const o of this.store.snapshot(res, res.namespaced ? namespace : undefined)) {
        if (this.p.filter(o)) this.send('ADDED', o);
      }
      if (this.p.sendInitialEvents && this.p.bookmarks) this.bookmark(true);
    } else {
      for (const ev of replay) this.deliver(ev, inScope);
    }
    this.unsubscribe = this.store.subscribe(res, (ev) => this.deliver(ev, inScope));
    if (this.p.bookmarks) {
      const t = setInterval(() => this.bookmark(false), this.p.bookmarkIntervalMs);
      t.unref();
      this.timers.push(t);
    }
    const timeoutS = this.p.timeoutSeconds ?? DEFAULT_TIMEOUT_S;
    const t = setTimeout(() => this.close(), timeoutS * 1000);
    t.unref();
    this.timers.push(t);
  }

  /** Sends an ERROR event with a 410 Expired Status and ends the stream. */
  expire(message = 'the watch was expired by the test API server; relist'): void {
    if (this.closed) return;
    const status = expired(message).toStatus();
    this.write(`{"type":"ERROR","object":${JSON.stringify(status)}}\n`);
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    for (const t of this.timers) clearTimeout(t);
    if (!this.http.writableEnded) this.http.end();
    this.onClose(this);
  }

  private contentType(): string {
    if (this.p.shape === 'partial') return 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';
    if (this.p.shape === 'table') return 'application/json;as=Table;g=meta.k8s.io;v=v1';
    return 'application/json';
  }

  /** Maps a change to what this watcher sees: selector transitions become ADDED/DELETED. */
  private deliver(ev: StoreEvent, inScope: (o: KubeObject) => boolean): void {
    if (!inScope(ev.obj)) return;
    const now = this.p.filter(ev.obj);
    if (ev.type === 'MODIFIED' && ev.prev) {
      const before = this.p.filter(ev.prev);
      if (before && now) this.sendEvent('MODIFIED', ev);
      else if (before) this.sendEvent('DELETED', ev);
      else if (now) this.sendEvent('ADDED', ev);
      return;
    }
    const matched = ev.type === 'DELETED' && ev.prev ? this.p.filter(ev.prev) : now;
    if (matched) this.sendEvent(ev.type, ev);
  }

  private sendEvent(type: EventType, ev: StoreEvent): void {
    if (this.p.shape === 'table') {
      this.send(type, ev.obj);
      return;
    }
    // Serialise once per event and shape, shared by every watcher.
    const key = `${type}|${this.p.shape}`;
    ev.wire ??= new Map();
    let line = ev.wire.get(key);
    if (line === undefined) {
      line = this.encode(type, ev.obj);
      ev.wire.set(key, line);
    }
    this.write(line);
  }

  private send(type: WireType, obj: KubeObject): void {
    this.write(this.encode(type, obj));
  }

  private encode(type: WireType, obj: KubeObject): string {
    let body: unknown = obj;
    if (this.p.shape === 'partial') body = partialOf(obj);
    else if (this.p.shape === 'table') {
      body = toTable([obj], { kind: this.p.res.kind, include: this.p.include, noHeaders: this.tableHeaderSent, resourceVersion: obj.metadata.resourceVersion });
      this.tableHeaderSent = true;
    }
    return `{"type":"${type}","object":${JSON.stringify(body)}}\n`;
  }

  private bookmark(initialEventsEnd: boolean): void {
    const metadata: Record<string, unknown> = { resourceVersion: String(this.store.currentRv()) };
    if (initialEventsEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
    const kind = this.p.shape === 'partial' ? 'PartialObjectMetadata' : this.p.res.kind;
    const apiVersion = this.p.shape === 'partial' ? 'meta.k8s.io/v1' : this.p.res.apiVersion;
    this.write(`{"type":"BOOKMARK","object":${JSON.stringify({ kind, apiVersion, metadata })}}\n`);
  }

  private write(line: string): void {
    if (this.closed || this.http.writableEnded) return;
    if (this.http.writableLength > MAX_BUFFERED_BYTES) {
      this.http.destroy();
      this.close();
      return;
    }
    this.http.write(line);
  }
}
