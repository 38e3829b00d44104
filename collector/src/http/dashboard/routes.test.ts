// The dashboard's static serving: content types, caching, CSP, and guards on the assets
// themselves (no markup built from strings, every module import resolvable).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { DashboardAssetError, dashboardRoutes, loadDashboardAssets } from './routes.js';

const assets = loadDashboardAssets();
const app = new Hono();
dashboardRoutes(app, assets);

const text = (name: string) => new TextDecoder().decode(assets.files.get(name)!.body);

describe('dashboard routes', () => {
  it('serves the page with a strict CSP, revalidation and the hashed asset base', async () => {
    const res = await app.request('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'self';/);
    expect(res.headers.get('content-security-policy')).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await res.text();
    expect(html).toContain(`<script type="module" src="${assets.base}/app.js"></script>`);
    expect(html).toContain(`href="${assets.base}/style.css"`);
    expect(html).not.toContain('{{ASSET_BASE}}');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script: CSP would block it
    expect(html).not.toMatch(/\sstyle=|<style/);
  });

  it('answers 304 when the ETag matches', async () => {
    const first = await app.request('/');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await app.request('/', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });

  it('serves assets immutable with their content types, and 404s for unknown or stale paths', async () => {
    const js = await app.request(`${assets.base}/app.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const css = await app.request(`${assets.base}/style.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const icon = await app.request('/favicon.svg');
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    expect((await app.request(`${assets.base}/nope.js`)).status).toBe(404);
    expect((await app.request('/assets/0000000000000000/app.js')).status).toBe(404);
    expect((await app.request(`${assets.base}/..%2Froutes.ts`)).status).toBe(404);
  });

  it('changes the asset base when an asset changes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stance-dash-'));
    writeFileSync(join(dir, 'index.html'), '<script type="module" src="{{ASSET_BASE}}/a.js"></script>');
    writeFileSync(join(dir, 'a.js'), 'export const a = 1;');
    const one = loadDashboardAssets(dir);
    writeFileSync(join(dir, 'a.js'), 'export const a = 2;');
    const two = loadDashboardAssets(dir);
    expect(one.base).not.toBe(two.base);
    expect(new TextDecoder().decode(two.index.body)).toContain(`${two.base}/a.js`);
  });

  it('fails with a typed error when the assets are missing', () => {
    expect(() => loadDashboardAssets(join(tmpdir(), 'no-such-stance-assets'))).toThrow(DashboardAssetError);
    const empty = mkdtempSync(join(tmpdir(), 'stance-dash-'));
    expect(() => loadDashboardAssets(empty)).toThrow(/index.html is missing/);
  });
});

describe('dashboard assets', () => {
  const scripts = [...assets.files.keys()].filter((n) => n.endsWith('.js'));

  it('never parse API data as markup and never evaluate strings', () => {
    expect(scripts.length).toBeGreaterThan(3);
    for (const name of scripts) {
      const src = text(name);
      expect(src, name).not.toMatch(/\.(innerHTML|outerHTML)\b|insertAdjacentHTML|document\.write|\beval\(|new Function\(/);
      expect(src.replaceAll('http://www.w3.org/2000/svg', ''), name).not.toMatch(/https?:\/\//); // nothing fetched from elsewhere
    }
  });

  it('import only modules that exist among the assets', () => {
    for (const name of scripts) {
      for (const [, spec] of text(name).matchAll(/^import .* from '([^']+)';$/gm)) {
        expect(spec, `${name} imports ${spec}`).toMatch(/^\.\/[\w-]+\.js$/);
        expect(assets.files.has(spec!.slice(2)), `${name} imports ${spec}`).toBe(true);
      }
    }
  });
});
