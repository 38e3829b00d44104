// Small HTTP helpers for the test server's own tests: JSON requests and a line
// reader for watch streams.

export interface JsonResponse {
  status: number;
  body: any;
  headers: Headers;
}

export async function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<JsonResponse> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['Content-Type'] ??= 'application/json';
  }
  const res = await fetch(base + path, init);
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

export interface WatchEvent {
  type: string;
  object: any;
}

/** An open watch: `next()` resolves with the next event, or undefined when the stream ended. */
export class WatchReader {
  private buffer = '';
  private readonly queue: WatchEvent[] = [];
  private waiters: ((e: WatchEvent | undefined) => void)[] = [];
  private ended = false;
  readonly status: number;
  private readonly controller: AbortController;

  private constructor(status: number, controller: AbortController, body: ReadableStream<Uint8Array> | null) {
    this.status = status;
    this.controller = controller;
    if (body) void this.pump(body);
    else this.finish();
  }

  static async open(base: string, path: string, headers: Record<string, string> = {}): Promise<WatchReader> {
    const controller = new AbortController();
    const res = await fetch(base + path, { headers, signal: controller.signal });
    return new WatchReader(res.status, controller, res.body);
  }

  private async pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of body) {
        this.buffer += decoder.decode(chunk, { stream: true });
        let nl: number;
        while ((nl = this.buffer.indexOf('\n')) >= 0) {
          const line = this.buffer.slice(0, nl);
          this.buffer = this.buffer.slice(nl + 1);
          if (line.trim()) this.push(JSON.parse(line) as WatchEvent);
        }
      }
    } catch {
      // aborted by close()
    }
    this.finish();
  }

  private push(e: WatchEvent): void {
    const w = this.waiters.shift();
    if (w) w(e);
    else this.queue.push(e);
  }

  private finish(): void {
    this.ended = true;
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  next(timeoutMs = 5000): Promise<WatchEvent | undefined> {
    const e = this.queue.shift();
    if (e) return Promise.resolve(e);
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no watch event within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push((ev) => {
        clearTimeout(t);
        resolve(ev);
      });
    });
  }

  /** Events until one matches, skipping the rest (e.g. bookmarks). */
  async until(pred: (e: WatchEvent) => boolean, timeoutMs = 5000): Promise<WatchEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const e = await this.next(Math.max(1, deadline - Date.now()));
      if (!e) throw new Error('watch ended before the expected event');
      if (pred(e)) return e;
    }
  }

  close(): void {
    this.controller.abort();
  }
}
