// The dashboard stream: the SSE route over the real app (fetch, as the page reads it), and
// the page's own parser of the stream (assets/live.js) on what the route writes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { FindingTransition } from '../findings/feed/transition.js';
import { LiveEvents, Subscriber } from './live-events.js';
import { eventRoutes } from './routes/events.js';
import { ApiTokenStore } from './auth/api-tokens.js';
import { authMiddleware } from './auth/middleware.js';
// @ts-expect-error: a browser module without types, plain ES (the parser touches no DOM)
import { sseParser } from './dashboard/assets/live.js';

const t = (name: string, type: FindingTransition['type'] = 'opened') =>
  ({
    type,
    at: 1,
    finding: { clusterId: 'c1', controlId: 'pod.privileged', subjectKey: `uid-${name}`, kind: 'Deployment', namespace: 'shop', name, severity: 'critical', status: 'open' },
    cluster: { id: 'c1', name: 'c1' },
  }) as unknown as FindingTransition;

/** Reads SSE messages from a streaming response until `count` arrived. */
async function readEvents(res: Response, count: number): Promise<{ event: string; data: string }[]> {
  const got: { event: string; data: string }[] = [];
  const parse = sseParser((m: { event: string; data: string }) => got.push(m));
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  while (got.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    parse(value);
  }
  await reader.cancel();
  return got;
}

describe('GET /api/v1/events', () => {
  let agents = 'a:connected';
  let events: LiveEvents;
  let app: OpenAPIHono;

  beforeEach(() => {
    events = new LiveEvents(() => agents, 20);
    app = new OpenAPIHono();
    eventRoutes(app, { events });
  });
  afterEach(() => events.close());

  it('says hello, then streams committed transitions and agent status changes', async () => {
    const res = await app.request('/api/v1/events');
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reading = readEvents(res, 3);
    await new Promise((r) => setTimeout(r, 10));
    expect(events.size).toBe(1);
    events.deliver([t('web'), t('db', 'resolved')]);
    agents = 'a:stale';
    const got = await reading;
    expect(got[0]!.event).toBe('hello');
    expect(got[1]).toMatchObject({ event: 'findings' });
    const items = JSON.parse(got[1]!.data).items as { name: string; type: string; id: string }[];
    expect(items.map((i) => [i.name, i.type])).toEqual([['web', 'opened'], ['db', 'resolved']]);
    expect(typeof items[0]!.id).toBe('string');
    expect(got[2]).toEqual({ event: 'agents', data: '{}' });
  });

  it('needs a read token when the API has tokens (the page sends it: fetch, not EventSource)', async () => {
    const secured = new OpenAPIHono();
    secured.use('*', authMiddleware({ tokens: new ApiTokenStore([{ name: 'grafana', token: 'read-token-123456', role: 'read' }]), loopbackOnly: false, metricsPublic: false }));
    eventRoutes(secured, { events });
    secured.onError((err) => (err as { getResponse?: () => Response }).getResponse?.() ?? new Response('error', { status: 500 }));
    expect((await secured.request('/api/v1/events')).status).toBe(401);
    const res = await secured.request('/api/v1/events', { headers: { authorization: 'Bearer read-token-123456' } });
    expect(res.status).toBe(200);
    expect((await readEvents(res, 1))[0]!.event).toBe('hello');
  });

  it('ends every stream on close (a stopping collector is not held by dashboards)', async () => {
    const res = await app.request('/api/v1/events');
    const reader = res.body!.getReader();
    await reader.read(); // hello
    events.close();
    for (;;) if ((await reader.read()).done) break;
    expect(events.size).toBe(0);
  });
});

describe('Subscriber', () => {
  it('tells a dashboard that fell too far behind to resync instead of queueing without bound', async () => {
    const s = new Subscriber();
    const many = Array.from({ length: 1500 }, (_, i) => ({ id: String(i) }) as never);
    s.push(many);
    s.push(many);
    expect(await s.next(10)).toEqual([{ event: 'resync', data: {} }]);
    s.push(many.slice(0, 3));
    expect(await s.next(10)).toEqual([{ event: 'findings', data: { items: many.slice(0, 3) } }]);
    expect(await s.next(5)).toEqual([]); // nothing: time for a keep-alive
  });
  it('coalesces risk changes into one "risk" event until read', async () => {
    const s = new Subscriber();
    s.riskChanged();
    s.riskChanged();
    expect(await s.next(10)).toEqual([{ event: 'risk', data: {} }]);
    expect(await s.next(5)).toEqual([]);
  });
});

describe('sseParser (the page side)', () => {
  it('handles split chunks, CRLF, comments and multi-line data', () => {
    const got: unknown[] = [];
    const parse = sseParser((m: unknown) => got.push(m));
    parse('event: hel');
    parse('lo\r\ndata: {"a":1}\r\n\r\n: keep-alive\n\n');
    parse('data: line1\ndata: line2\n\nevent: x\n');
    parse('data: 2\n\n');
    expect(got).toEqual([
      { event: 'hello', data: '{"a":1}' },
      { event: 'message', data: 'line1\nline2' },
      { event: 'x', data: '2' },
    ]);
  });
});
