// One kind's list-then-watch loop. Level-based: every (re)list is a snapshot, so the
// collector can delete what vanished; 410 Gone and resync requests relist; any other
// failure restarts the loop with backoff. No object is kept in memory.
import { randomUUID } from 'node:crypto';
import type { LimitFunction } from 'p-limit';
import type { Logger } from '@stance/shared/log/index';
import { kindKey, type KindInfo, type KubeObject } from '@stance/shared/model/index';
import { Backoff, sleep } from './backoff.js';
import { apiPrefix } from './discovery.js';
import { ACCEPT_JSON, ACCEPT_METADATA, ACCEPT_METADATA_LIST, KubeApiError, type KubeClient, type WatchEvent, type WatchHandle } from './kube-client.js';

export type ObjectEventType = 'SYNC' | 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ReflectorSink {
  snapshotBegin(snapshotId: string, kindKey: string): void;
  object(type: ObjectEventType, obj: KubeObject, kind: KindInfo): void;
  snapshotEnd(snapshotId: string, count: number): void;
  /** Resolves when the outgoing buffer has room: list pages wait for it (backpressure). */
  waitForRoom(): Promise<void>;
}

export interface ReflectorOptions {
  pageSize: number;
  /**
   * Shared by every reflector: how many list pages may be fetched and emitted at once.
   * Each page is held in memory whole while it is emitted, and ~30 kinds relist together
   * after a start or a resync; the collector cannot take them faster anyway.
   */
  pageGate: LimitFunction;
  /** A list page that takes longer is abandoned (and relisted with backoff): a stuck request must not hold the gate. */
  pageTimeoutMs: number;
  inactivityMs: number;
  watchTimeoutSeconds: number;
}

class RelistNeeded extends Error {}

export class Reflector {
  readonly key: string;
  count = 0;
  private stopped = new AbortController();
  private relist = false;
  private watch: WatchHandle | undefined;
  private readonly backoff = new Backoff();
  private running: Promise<void> | undefined;

  constructor(
    private readonly client: KubeClient,
    readonly kind: KindInfo,
    private readonly sink: ReflectorSink,
    private readonly opts: ReflectorOptions,
    private readonly log: Logger,
  ) {
    this.key = kindKey(kind.apiVersion, kind.kind);
  }

  start(): void {
    this.running ??= this.loop();
  }

  /** Relist now (collector asked for a resync, or the outgoing buffer overflowed). */
  resync(): void {
    this.relist = true;
    this.watch?.abort();
  }

  async stop(): Promise<void> {
    this.stopped.abort();
    this.watch?.abort();
    await this.running;
  }

  private get path(): string {
    return `${apiPrefix(this.kind.apiVersion)}/${this.kind.plural}`;
  }

  private async loop(): Promise<void> {
    while (!this.stopped.signal.aborted) {
      try {
        this.relist = false;
        const rv = await this.list();
        this.backoff.reset();
        await this.watchFrom(rv);
      } catch (err) {
        if (this.stopped.signal.aborted) return;
        if (err instanceof RelistNeeded) continue;
        const delay = this.backoff.next();
        this.log.warn({ kind: this.key, err: (err as Error).message, retryInMs: delay }, 'list/watch failed; restarting');
        await sleep(delay, this.stopped.signal);
      }
    }
  }

  /** Lists every page as one snapshot; returns the list's resourceVersion. */
  private async list(): Promise<string> {
    const snapshotId = randomUUID();
    const accept = this.kind.metadataOnly ? ACCEPT_METADATA_LIST : ACCEPT_JSON;
    let cont: string | undefined;
    let count = 0;
    let rv = '';
    this.sink.snapshotBegin(snapshotId, this.key);
    do {
      const meta = await this.opts.pageGate(async () => {
        await this.untilStopped(this.sink.waitForRoom());
        if (this.relist) throw new RelistNeeded();
        const signal = AbortSignal.any([this.stopped.signal, AbortSignal.timeout(this.opts.pageTimeoutMs)]);
        const page = (await this.client.getJson(this.path, { limit: this.opts.pageSize, continue: cont }, accept, signal)) as {
          items?: KubeObject[];
          metadata?: { continue?: string; resourceVersion?: string };
        };
        for (const item of page.items ?? []) {
          this.sink.object('SYNC', item, this.kind);
          count += 1;
        }
        return page.metadata;
      });
      cont = meta?.continue || undefined;
      rv = meta?.resourceVersion ?? rv;
    } while (cont);
    this.sink.snapshotEnd(snapshotId, count);
    this.count = count;
    this.log.debug({ kind: this.key, count, resourceVersion: rv }, 'listed');
    return rv;
  }

  /** `p`, unless the reflector stops first: then RelistNeeded (the loop ends on stop). */
  private untilStopped<T>(p: Promise<T>): Promise<T> {
    const stopped = this.stopped.signal;
    if (stopped.aborted) return Promise.reject(new RelistNeeded());
    return new Promise<T>((resolve, reject) => {
      const onStop = () => reject(new RelistNeeded());
      stopped.addEventListener('abort', onStop, { once: true });
      p.then(resolve, reject).finally(() => stopped.removeEventListener('abort', onStop));
    });
  }

  private async watchFrom(startRv: string): Promise<void> {
    let rv = startRv;
    const accept = this.kind.metadataOnly ? ACCEPT_METADATA : ACCEPT_JSON;
    while (!this.stopped.signal.aborted) {
      // A resync asked for while the list was finishing found no watch to abort.
      if (this.relist) throw new RelistNeeded();
      let expired = false;
      let failure: KubeApiError | undefined;
      const onEvent = (e: WatchEvent) => {
        if (e.type === 'ERROR') {
          const s = e.object as { code?: number; reason?: string; message?: string };
          if (s.code === 410 || s.reason === 'Expired' || s.reason === 'Gone') {
            expired = true;
            this.watch?.abort();
            return;
          }
          failure = new KubeApiError(s.code ?? 500, s.reason ?? 'Unknown', s.message ?? 'watch error', this.path);
          this.watch?.abort();
          return;
        }
        const obj = e.object as KubeObject;
        const objRv = obj.metadata?.resourceVersion;
        if (objRv) rv = objRv;
        if (e.type === 'BOOKMARK') return;
        if (e.type === 'ADDED') this.count += 1;
        if (e.type === 'DELETED') this.count = Math.max(0, this.count - 1);
        this.sink.object(e.type, obj, this.kind);
      };
      this.watch = this.client.watch(
        this.path,
        { resourceVersion: rv, allowWatchBookmarks: true, timeoutSeconds: this.opts.watchTimeoutSeconds },
        accept,
        onEvent,
        this.opts.inactivityMs,
      );
      try {
        await this.watch.done;
      } catch (err) {
        if (err instanceof KubeApiError && err.expired) expired = true;
        else if (!this.relist && !this.stopped.signal.aborted) throw err;
      }
      if (failure) throw failure;
      if (expired) this.log.info({ kind: this.key, resourceVersion: rv }, 'watch expired (410); relisting');
      if (expired || this.relist) throw new RelistNeeded();
    }
  }
}
