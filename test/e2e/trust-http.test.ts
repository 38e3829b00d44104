// The HTTP API's trust boundary with real processes: API tokens with read and admin roles
// over HTTPS, the audit trail of exceptions, bounded bodies, the dashboard asking for a
// token in a real Chromium, and the safe default — no tokens means loopback only, checked
// Host and Origin, and a refusal to start open on a public address unless told to.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePki, rawRequest, rssMiB, runCli, runStance, startCollector, type CollectorProcess, type TestPki } from '../src/harness/index.js';

const READ = 'read-token-0123456789abcdef';
const ADMIN = 'admin-token-0123456789abcdef';

let dir: string;
let pki: TestPki;
let secured: CollectorProcess;
let open: CollectorProcess;
let browser: Browser | undefined;

const api = (path: string, opts: { method?: string; token?: string; body?: unknown; raw?: string } = {}) =>
  rawRequest(`${secured.httpUrl}${path}`, {
    ca: pki.ca,
    method: opts.method ?? 'GET',
    headers: { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...(opts.body !== undefined || opts.raw ? { 'content-type': 'application/json' } : {}) },
    ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : opts.raw ? { body: opts.raw } : {}),
  });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stance-trust-http-'));
  pki = makePki(dir);
  writeFileSync(join(dir, 'api-tokens.yaml'), `tokens:\n  - {name: ci, token: ${READ}, role: read}\n  - {name: ops, token: ${ADMIN}, role: admin}\n`);
  secured = await startCollector(['--data', join(dir, 'secured'), '--api-tokens-file', join(dir, 'api-tokens.yaml'), '--http-tls-cert', pki.serverCert, '--http-tls-key', pki.serverKey]);
  open = await startCollector(['--data', join(dir, 'open')]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await secured?.kill();
  await open?.kill();
});

describe('HTTP API with tokens (HTTPS)', () => {
  it('serves HTTPS and says so at start-up', () => {
    expect(secured.httpUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(secured.logs.find((l) => l.msg === 'collector listening')).toMatchObject({ https: true, apiAuth: '2 API tokens' });
  });

  it('keeps /healthz and /readyz open for probes', async () => {
    expect((await api('/healthz')).status).toBe(200);
    expect((await api('/readyz')).status).toBe(200);
  });

  it('answers 401 with WWW-Authenticate without a token or with a wrong one, for data, metrics and the OpenAPI document', async () => {
    for (const path of ['/api/v1/findings', '/api/v1/resources', '/api/v1/exceptions', '/metrics', '/openapi.json']) {
      const res = await api(path);
      expect(res.status, path).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="stance"');
    }
    const wrong = await api('/api/v1/findings', { token: `${READ}x` });
    expect(wrong.status).toBe(401);
    expect(wrong.headers['www-authenticate']).toMatch(/invalid_token/);
  });

  it('lets a read token make every GET (metrics too) and nothing else', async () => {
    for (const path of ['/api/v1/findings', '/api/v1/clusters', '/api/v1/exceptions', '/metrics', '/openapi.json']) expect((await api(path, { token: READ })).status, path).toBe(200);
    expect(await (await api('/api/v1/whoami', { token: READ })).json()).toEqual({ name: 'ci', role: 'read', authenticated: true });
    const post = await api('/api/v1/exceptions', { method: 'POST', token: READ, body: { controlId: 'pod.privileged', reason: 'read tokens cannot do this' } });
    expect(post.status).toBe(403);
    expect(post.json<{ error: { message: string } }>().error.message).toMatch(/"ci" has the read role/);
  });

  it('records who created and withdrew an exception, when and why, and logs it', async () => {
    const created = await api('/api/v1/exceptions', { method: 'POST', token: ADMIN, body: { controlId: 'pod.*', namespace: 'ci', reason: 'build sandboxes, SEC-7' } });
    expect(created.status).toBe(201);
    const { id } = created.json<{ id: string }>();
    expect((await api(`/api/v1/exceptions/${id}?reason=no`, { method: 'DELETE', token: READ })).status).toBe(403);
    expect((await api(`/api/v1/exceptions/${id}?reason=SEC-7%20closed`, { method: 'DELETE', token: ADMIN })).status).toBe(204);
    const audit = (await api('/api/v1/exceptions', { token: READ })).json<{ items: Record<string, string>[] }>().items;
    expect(audit).toEqual([
      expect.objectContaining({ id, status: 'deleted', reason: 'build sandboxes, SEC-7', createdBy: 'ops', deletedBy: 'ops', deleteReason: 'SEC-7 closed', createdAt: expect.any(String), deletedAt: expect.any(String) }),
    ]);
    await secured.waitForLog('exception created', 5000, (l) => l.by === 'ops' && l.exception === id);
    await secured.waitForLog('exception withdrawn', 5000, (l) => l.by === 'ops' && l.reason === 'SEC-7 closed');
  });

  it('refuses an oversized body with 413 without buffering it, and stays healthy', async () => {
    const res = await api('/api/v1/exceptions', { method: 'POST', token: ADMIN, raw: JSON.stringify({ controlId: 'pod.privileged', reason: 'x'.repeat(200 * 1024) }) });
    expect(res.status).toBe(413);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('payload_too_large');
    // A 256 MB upload: answered (or cut off) at once, never held in memory.
    const pid = secured.child.pid!;
    const before = rssMiB(pid);
    const huge = await api('/api/v1/exceptions', { method: 'POST', token: ADMIN, raw: 'x'.repeat(256 * 1024 * 1024) }).catch((err: NodeJS.ErrnoException) => ({ status: err.code ?? 'reset' }));
    expect([413, 'ECONNRESET', 'EPIPE', 'reset']).toContain(huge.status);
    expect(rssMiB(pid) - before).toBeLessThan(64);
    expect((await api('/healthz')).status).toBe(200);
  });

  it('makes the dashboard ask for a token, keep it for the tab, and ask again when it is refused', async () => {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    await page.goto(`${secured.httpUrl}/`);
    const dialog = page.getByRole('dialog', { name: 'API token required' });
    await dialog.waitFor();
    await page.getByLabel('Token', { exact: true }).fill('not-a-valid-token-000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await dialog.getByText('That token was not accepted.').waitFor();
    await page.getByLabel('Token', { exact: true }).fill(READ);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'No clusters yet' }).waitFor();
    expect(await page.evaluate<string | null>("sessionStorage.getItem('stance.apiToken')")).toBe(READ);
    // Another tab (a new browsing context) knows no token.
    const other = await (await browser.newContext({ ignoreHTTPSErrors: true })).newPage();
    await other.goto(`${secured.httpUrl}/`);
    await other.getByRole('dialog', { name: 'API token required' }).waitFor();
  });
});

describe('HTTP API without tokens: safe by default', () => {
  it('serves the open API on loopback, as the README describes', async () => {
    expect(open.httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:/);
    expect((await rawRequest(`${open.httpUrl}/api/v1/findings`)).status).toBe(200);
  });

  it('refuses a request whose Host is not loopback (DNS rebinding) and a cross-site write', async () => {
    const rebinding = await rawRequest(`${open.httpUrl}/api/v1/resources`, { headers: { host: 'attacker.example:7070' } });
    expect(rebinding.status).toBe(403);
    const csrf = await rawRequest(`${open.httpUrl}/api/v1/exceptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://attacker.example' },
      body: JSON.stringify({ controlId: '*', reason: 'hide everything' }),
    });
    expect(csrf.status).toBe(403);
    expect((await rawRequest(`${open.httpUrl}/api/v1/exceptions`)).json<{ items: unknown[] }>().items).toEqual([]);
  });

  it('refuses to start open on a non-loopback address, naming the flag', async () => {
    const run = await runCli(['collector', '--http-host', '0.0.0.0', '--http-port', '0', '--grpc-port', '0', '--data', join(dir, 'refused')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--http-host.*0\.0\.0\.0 is not loopback and no API tokens.*--api-tokens-file.*--insecure-http/s);
  });

  it('starts open on a non-loopback address only with --insecure-http, warning at start', async () => {
    const p = runStance('insecure', ['collector', '--http-host', '0.0.0.0', '--http-port', '0', '--grpc-port', '0', '--data', join(dir, 'insecure'), '--insecure-http']);
    await p.waitForLog('collector listening', 60_000);
    expect(p.logs.find((l) => /--insecure-http/.test(l.msg))?.level).toBe(40);
    await p.kill();
  });

  it('warns at start when gRPC listens in plain text on a non-loopback address (--insecure)', async () => {
    const args = ['collector', '--grpc-host', '0.0.0.0', '--insecure', '--http-port', '0', '--grpc-port', '0', '--data', join(dir, 'insecure-grpc')];
    const p = runStance('insecure-grpc', args, { STANCE_AGENT_TOKENS: `prod=${'t'.repeat(32)}` });
    await p.waitForLog('collector listening', 60_000);
    expect(p.logs.find((l) => /^--insecure: agents send cluster state in plain text/.test(l.msg))).toMatchObject({ level: 40, host: '0.0.0.0' });
    await p.kill();
  });
});
