// Serves the dashboard: static HTML, CSS and JS modules read once at start-up. Assets live
// under a content-hashed path so browsers may cache them for good; the page itself is
// revalidated (ETag) so an upgraded collector is picked up on the next load.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context, Hono } from 'hono';

const ASSET_DIR = fileURLToPath(new URL('./assets/', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Everything dynamic comes from the same-origin JSON API: nothing inline, nothing remote. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export class DashboardAssetError extends Error {
  constructor(readonly dir: string, readonly detail: string) {
    super(`dashboard assets in ${dir}: ${detail}`);
    this.name = 'DashboardAssetError';
  }
}

interface Asset {
  body: Uint8Array;
  type: string;
  etag: string;
}

export interface DashboardAssets {
  /** `/assets/<hash>`: changes whenever any asset does. */
  base: string;
  index: Asset;
  files: Map<string, Asset>;
}

const etagOf = (body: Uint8Array) => `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
const asset = (body: Uint8Array, type: string): Asset => ({ body, type, etag: etagOf(body) });

/** Reads and fingerprints the asset folder; index.html gets the hashed base path substituted. */
export function loadDashboardAssets(dir = ASSET_DIR): DashboardAssets {
  const files = new Map<string, Asset>();
  const hash = createHash('sha256');
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (err) {
    throw new DashboardAssetError(dir, (err as Error).message);
  }
  for (const name of names) {
    const type = CONTENT_TYPES[extname(name)];
    if (!type || name === 'index.html') continue;
    const body = readFileSync(join(dir, name));
    hash.update(name).update(body);
    files.set(name, asset(body, type));
  }
  if (!names.includes('index.html')) throw new DashboardAssetError(dir, 'index.html is missing');
  const base = `/assets/${hash.digest('base64url').slice(0, 16)}`;
  const html = readFileSync(join(dir, 'index.html'), 'utf8').replaceAll('{{ASSET_BASE}}', base);
  return { base, index: asset(new TextEncoder().encode(html), CONTENT_TYPES['.html']!), files };
}

function send(c: Context, a: Asset, cacheControl: string): Response {
  const headers: Record<string, string> = {
    'content-type': a.type,
    'cache-control': cacheControl,
    etag: a.etag,
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
  if (c.req.header('if-none-match') === a.etag) return new Response(null, { status: 304, headers });
  return new Response(c.req.method === 'HEAD' ? null : a.body, { status: 200, headers });
}

let cached: DashboardAssets | undefined;

export function dashboardRoutes(app: Hono<any, any, any>, assets: DashboardAssets = (cached ??= loadDashboardAssets())): void {
  const page = (c: Context) => send(c, assets.index, 'no-cache');
  app.get('/', page);
  app.get('/index.html', page);
  const favicon = assets.files.get('favicon.svg');
  if (favicon) app.get('/favicon.svg', (c) => send(c, favicon, 'public, max-age=86400'));
  app.get(`${assets.base}/:file`, (c) => {
    const a = assets.files.get(c.req.param('file'));
    return a ? send(c, a, 'public, max-age=31536000, immutable') : c.notFound();
  });
}
