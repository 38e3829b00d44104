// A small list/watch client over the real @kubernetes/client-node configuration (auth,
// TLS, exec plugins, proxies all come from KubeConfig). client-node's own Watch cannot
// send an Accept header, which metadata-only watches of Secrets need, and its informer
// keeps every object in memory, which the agent must not.
import http from 'node:http';
import https from 'node:https';
import { createInterface } from 'node:readline';
import type { KubeConfig } from '@kubernetes/client-node';

export const ACCEPT_JSON = 'application/json';
export const ACCEPT_METADATA_LIST = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';
export const ACCEPT_METADATA = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';

/** An error answer of the API server, with its Status reason when it sent one. */
export class KubeApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly reason: string,
    message: string,
    readonly path: string,
  ) {
    super(`${path}: ${statusCode} ${reason}: ${message}`);
    this.name = 'KubeApiError';
  }

  get expired(): boolean {
    return this.statusCode === 410 || this.reason === 'Expired' || this.reason === 'Gone';
  }
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: Record<string, unknown>;
}

export interface WatchHandle {
  /** Resolves when the server ends the stream; rejects on a transport error or inactivity. */
  done: Promise<void>;
  abort(): void;
}

export class KubeClient {
  constructor(readonly kc: KubeConfig) {}

  get server(): string {
    const c = this.kc.getCurrentCluster();
    if (!c) throw new Error('the kubeconfig has no current cluster');
    return c.server;
  }

  /** One GET; `signal` aborts it at any point, the response body included. */
  async getJson(path: string, query: Record<string, string | number | boolean | undefined> = {}, accept = ACCEPT_JSON, signal?: AbortSignal): Promise<unknown> {
    const res = await this.request(path, query, accept, undefined, signal);
    const body = await readBody(res);
    if ((res.statusCode ?? 0) >= 300) throw toApiError(res.statusCode ?? 0, body, path);
    return JSON.parse(body) as unknown;
  }

  /**
   * Streams watch events. A stream that carries nothing (not even a bookmark) for
   * `inactivityMs` is treated as dead: client-node 1.4 has no such timeout.
   */
  watch(path: string, query: Record<string, string | number | boolean | undefined>, accept: string, onEvent: (e: WatchEvent) => void, inactivityMs: number): WatchHandle {
    let req: http.ClientRequest | undefined;
    let aborted = false;
    const done = (async () => {
      let res: http.IncomingMessage;
      try {
        // An abort that came before the request existed must still end it.
        res = await this.request(path, { ...query, watch: 'true' }, accept, (r) => {
          req = r;
          if (aborted) r.destroy();
        });
      } catch (err) {
        if (aborted) return;
        throw err;
      }
      if ((res.statusCode ?? 0) !== 200) throw toApiError(res.statusCode ?? 0, await readBody(res), path);
      await new Promise<void>((resolve, reject) => {
        let timer: NodeJS.Timeout;
        const arm = () => {
          clearTimeout(timer);
          timer = setTimeout(() => {
            res.destroy(new Error(`watch ${path}: no event for ${inactivityMs} ms`));
          }, inactivityMs);
        };
        arm();
        const lines = createInterface({ input: res, crlfDelay: Infinity });
        // readline re-emits the response's errors; they are handled on `res` below.
        lines.on('error', () => undefined);
        lines.on('line', (line) => {
          arm();
          if (!line.trim()) return;
          let e: WatchEvent;
          try {
            e = JSON.parse(line) as WatchEvent;
          } catch {
            res.destroy(new Error(`watch ${path}: unparsable event`));
            return;
          }
          onEvent(e);
        });
        res.on('error', (err) => {
          clearTimeout(timer);
          if (aborted) resolve();
          else reject(err);
        });
        res.on('end', () => {
          clearTimeout(timer);
          resolve();
        });
        res.on('close', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    })();
    return {
      done,
      abort: () => {
        aborted = true;
        req?.destroy();
      },
    };
  }

  private async request(
    path: string,
    query: Record<string, string | number | boolean | undefined>,
    accept: string,
    onRequest?: (r: http.ClientRequest) => void,
    signal?: AbortSignal,
  ): Promise<http.IncomingMessage> {
    const url = new URL(this.server.replace(/\/$/, '') + path);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    const opts: https.RequestOptions = { method: 'GET', headers: { Accept: accept }, ...(signal ? { signal } : {}) };
    await this.kc.applyToHTTPSOptions(opts);
    const mod = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = mod.request(url, opts, resolve);
      req.on('error', reject);
      onRequest?.(req);
      req.end();
    });
  }
}

function readBody(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
    // An aborted request closes its response without 'end' (and not always with 'error').
    res.on('close', () => {
      if (!res.complete) reject(new Error('response closed before its end'));
    });
  });
}

export function toApiError(statusCode: number, body: string, path: string): KubeApiError {
  try {
    const s = JSON.parse(body) as { reason?: string; message?: string; code?: number };
    return new KubeApiError(s.code ?? statusCode, s.reason ?? 'Unknown', s.message ?? body.slice(0, 200), path);
  } catch {
    return new KubeApiError(statusCode, http.STATUS_CODES[statusCode] ?? 'Unknown', body.slice(0, 200), path);
  }
}
