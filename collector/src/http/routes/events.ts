// GET /api/v1/events: server-sent events for the dashboard, from the findings feed
// ("findings": the transitions just committed; "agents": an agent's status changed;
// "resync": too much changed, reload). Behind the same authentication as the rest of the
// API: the dashboard reads it with fetch() so it can send its Authorization header.
import type { OpenAPIHono } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import type { LiveEvents } from '../live-events.js';

/** A comment line this often keeps proxies from closing an idle stream. */
const KEEP_ALIVE_MS = 15_000;

export function eventRoutes(app: OpenAPIHono, deps: { events: LiveEvents }): void {
  app.get('/api/v1/events', (c) => {
    c.header('cache-control', 'no-store');
    c.header('x-accel-buffering', 'no');
    return streamSSE(c, async (stream) => {
      const sub = deps.events.subscribe();
      stream.onAbort(() => deps.events.unsubscribe(sub));
      try {
        await stream.writeSSE({ event: 'hello', data: JSON.stringify({ at: Date.now() }), retry: 2000 });
        while (!sub.closed && !stream.aborted) {
          const events = await sub.next(KEEP_ALIVE_MS);
          if (events.length === 0) await stream.write(': keep-alive\n\n');
          for (const e of events) await stream.writeSSE({ event: e.event, data: JSON.stringify(e.data) });
        }
      } finally {
        deps.events.unsubscribe(sub);
      }
    });
  });
}
