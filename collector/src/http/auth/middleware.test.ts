import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { ApiTokenStore } from './api-tokens.js';
import { authMiddleware, principalOf } from './middleware.js';

const READ = 'read-token-0000000001';
const ADMIN = 'admin-token-000000001';

function app(opts: { tokens?: boolean; loopbackOnly?: boolean; metricsPublic?: boolean } = {}) {
  const a = new Hono();
  a.use(
    '*',
    authMiddleware({
      tokens: new ApiTokenStore(opts.tokens === false ? [] : [{ name: 'ci', token: READ, role: 'read' }, { name: 'ops', token: ADMIN, role: 'admin' }]),
      loopbackOnly: opts.loopbackOnly ?? false,
      metricsPublic: opts.metricsPublic ?? false,
    }),
  );
  const who = (c: Parameters<typeof principalOf>[0]) => c.json({ who: principalOf(c)?.name ?? null });
  a.get('/healthz', who);
  a.get('/readyz', who);
  a.get('/', who);
  a.get('/assets/abc/app.js', who);
  a.get('/metrics', who);
  a.get('/api/v1/findings', who);
  a.post('/api/v1/exceptions', who);
  a.delete('/api/v1/exceptions/x', who);
  a.onError((err, c) => (err instanceof HTTPException ? err.getResponse() : c.text('boom', 500)));
  return a;
}

const req = (a: Hono, method: string, path: string, headers: Record<string, string> = {}) => a.request(path, { method, headers });

describe('authMiddleware with API tokens', () => {
  const a = app();

  it('keeps probes and the dashboard page and assets open', async () => {
    for (const p of ['/healthz', '/readyz', '/', '/assets/abc/app.js']) expect((await req(a, 'GET', p)).status).toBe(200);
  });

  it('answers 401 with WWW-Authenticate for a missing or wrong token', async () => {
    const none = await req(a, 'GET', '/api/v1/findings');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="stance"');
    expect(await none.json()).toMatchObject({ error: { code: 'unauthorized' } });
    const wrong = await req(a, 'GET', '/api/v1/findings', { authorization: `Bearer ${READ}x` });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect((await req(a, 'GET', '/api/v1/findings', { authorization: 'Basic abc' })).status).toBe(400);
  });

  it('lets a read token make every GET and names it; refuses its writes with 403', async () => {
    const ok = await req(a, 'GET', '/api/v1/findings', { authorization: `Bearer ${READ}` });
    expect(await ok.json()).toEqual({ who: 'ci' });
    const post = await req(a, 'POST', '/api/v1/exceptions', { authorization: `Bearer ${READ}` });
    expect(post.status).toBe(403);
    expect(await post.json()).toMatchObject({ error: { code: 'forbidden', message: expect.stringMatching(/"ci" has the read role/) } });
    expect((await req(a, 'DELETE', '/api/v1/exceptions/x', { authorization: `Bearer ${READ}` })).status).toBe(403);
  });

  it('lets an admin token write', async () => {
    expect(await (await req(a, 'POST', '/api/v1/exceptions', { authorization: `Bearer ${ADMIN}` })).json()).toEqual({ who: 'ops' });
    expect((await req(a, 'DELETE', '/api/v1/exceptions/x', { authorization: `bearer ${ADMIN}` })).status).toBe(200);
  });

  it('needs a read token for /metrics unless it is public', async () => {
    expect((await req(a, 'GET', '/metrics')).status).toBe(401);
    expect((await req(a, 'GET', '/metrics', { authorization: `Bearer ${READ}` })).status).toBe(200);
    expect((await req(app({ metricsPublic: true }), 'GET', '/metrics')).status).toBe(200);
  });
});

describe('authMiddleware without tokens (open, loopback only)', () => {
  const a = app({ tokens: false, loopbackOnly: true });

  it('serves loopback Host names, reads and writes, as the anonymous principal', async () => {
    for (const host of ['127.0.0.1:7070', 'localhost:7070', '[::1]:7070', 'localhost']) {
      const res = await req(a, 'GET', '/api/v1/findings', { host });
      expect(res.status).toBe(200);
      expect((await res.json()) as { who: string }).toEqual({ who: expect.stringMatching(/^anonymous/) });
    }
    expect((await req(a, 'POST', '/api/v1/exceptions', { host: '127.0.0.1:7070', origin: 'http://127.0.0.1:7070' })).status).toBe(200);
    expect((await req(a, 'POST', '/api/v1/exceptions', { host: '127.0.0.1:7070' })).status).toBe(200);
  });

  it('refuses a foreign Host (DNS rebinding) even for the page', async () => {
    for (const path of ['/api/v1/findings', '/']) {
      const res = await req(a, 'GET', path, { host: 'attacker.example:7070' });
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ error: { message: expect.stringMatching(/not a loopback name/) } });
    }
  });

  it('refuses a write from another origin (a page posting to the loopback API)', async () => {
    for (const origin of ['http://attacker.example', 'http://127.0.0.1:9999', 'null']) {
      expect((await req(a, 'POST', '/api/v1/exceptions', { host: '127.0.0.1:7070', origin })).status).toBe(403);
    }
  });
});
