// The dashboard in a real headless Chromium against real processes: test API server with the
// sample cluster, collector, cluster agent. What a person sees: the overview with a score,
// findings that filter, a finding with its patch and history, exceptions made and withdrawn
// from the page, and a new finding appearing live without a reload. Screenshots go to /tmp.
// Page-side code is passed to evaluate() as strings: the repository compiles without the DOM lib.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestApiServer } from '@stance/dev-cluster';
import { DEMO_CLUSTER_DIR } from '@stance/dev-cluster';
import { getJson, runStance, shellDeployment, startCollector, waitFor, type CollectorProcess, type StanceProcess } from '../src/harness/index.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = '/tmp';

let api: TestApiServer;
let collector: CollectorProcess;
let agent: StanceProcess;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

const privilegedDeployment = shellDeployment('root-shell', 'shop', true);

async function openFindings(): Promise<number> {
  const { body } = await getJson<{ items: unknown[] }>(`${collector.httpUrl}/api/v1/findings?control=pod.privileged`);
  return body.items.length;
}

/** The severity badges of the findings table, in order. */
const badges = () => page.locator('.findings-table tbody tr td:first-child .badge').allTextContents();

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (scripts/bootstrap.sh test does)`);
  const dir = mkdtempSync(join(tmpdir(), 'stance-dashboard-'));
  api = new TestApiServer();
  await api.loadDir(DEMO_CLUSTER_DIR);
  await api.start();
  api.writeKubeconfig(join(dir, 'kubeconfig.yaml'));
  collector = await startCollector(['--data', join(dir, 'data')]);
  agent = runStance('agent', ['agent', '--collector', collector.grpcAddress, '--kubeconfig', join(dir, 'kubeconfig.yaml'), '--cluster-name', 'dash']);
  await waitFor('the sample cluster to be evaluated', async () => (await openFindings()) > 0, 60_000, 100);

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  page.on('pageerror', (e) => consoleErrors.push(e.message));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await agent?.kill();
  await collector?.kill();
  await api?.stop();
});

describe('dashboard in a browser', () => {
  it('shows each cluster with its posture score, severities, agents, frameworks and namespaces', async () => {
    await page.goto(`${collector.httpUrl}/`);
    const card = page.locator('article.cluster', { has: page.locator('h2', { hasText: 'dash' }) });
    await card.waitFor();
    const score = Number(await card.locator('.score-num').textContent());
    expect(score).toBeGreaterThan(0);
    expect(score).toBeLessThan(100);
    expect(await card.locator('.score').getAttribute('class')).toMatch(/band-(good|fair|poor|bad)/);
    expect(Number(await card.locator('.sev-critical .sev-count').textContent())).toBeGreaterThan(0);
    await card.locator('.agent-connected', { hasText: 'connected' }).first().waitFor();
    await expect.poll(() => card.locator('svg.sparkline polyline').count()).toBe(1);
    // Namespaces worst first: the badly configured "legacy" leads, the tidy "shop" trails.
    const namespaces = await card.locator('section:has(h3:text-is("Namespaces")) .bar-label').allTextContents();
    expect(namespaces.indexOf('legacy')).toBeLessThan(namespaces.indexOf('shop'));
    const frameworks = await card.locator('section:has(h3:text-is("Frameworks")) .bar-num').allTextContents();
    expect(frameworks.map(Number)).toEqual([...frameworks.map(Number)].sort((a, b) => a - b));
    await page.screenshot({ path: `${SHOTS}/stance-dashboard-overview.png`, fullPage: true });
  });

  it('lists findings, narrows them by severity, and keeps the filters in the URL', async () => {
    await page.getByRole('link', { name: 'Findings', exact: true }).click();
    await page.locator('.findings-table tbody tr').first().waitFor();
    expect(await badges()).toContain('critical');
    await page.locator('tr', { has: page.locator('code', { hasText: /^pod\.privileged$/ }) }).first().waitFor();
    const before = await badges();

    await page.getByLabel('Severity').selectOption('low');
    await expect.poll(async () => new Set(await badges()), { timeout: 10_000 }).toEqual(new Set(['low']));
    expect(page.url()).toMatch(/#\/findings\?.*severity=low/);
    expect(await badges()).not.toEqual(before);

    // The shared URL restores the same view.
    await page.reload();
    await expect.poll(async () => new Set(await badges()), { timeout: 10_000 }).toEqual(new Set(['low']));
    expect(await page.getByLabel('Severity').inputValue()).toBe('low');

    // Control search: an ambiguous text asks to pick, a unique title match applies its id.
    await page.getByLabel('Severity').selectOption('');
    await page.getByLabel('Control').fill('runtime socket');
    await page.locator('#f-control-hint', { hasText: '2 controls match' }).waitFor();
    await page.getByLabel('Control').fill('host pid');
    await expect.poll(() => page.getByLabel('Control').inputValue(), { timeout: 10_000 }).toBe('pod.host-pid');
    await expect.poll(async () => new Set(await page.locator('.control-id').allTextContents())).toEqual(new Set(['pod.host-pid']));
    expect(page.url()).toMatch(/control=pod.host-pid/);

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => page.url()).toMatch(/#\/findings$/);
    await expect.poll(async () => (await page.locator('.control-id').allTextContents()).length).toBeGreaterThan(10);
  });

  it('opens a finding from the keyboard and shows its patch, evidence, frameworks and history', async () => {
    await page.goto(`${collector.httpUrl}/#/findings?severity=critical&control=pod.privileged`);
    await page.locator('.finding-link').first().waitFor();
    const first = await page.locator('.finding-link').first().textContent();
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate<boolean>("document.activeElement?.classList.contains('finding-link') ?? false");
    }
    expect(reached).toBe(true);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: first! }).waitFor();
    expect(page.url()).toMatch(/#\/findings\/[\w-]+$/);

    await expect.poll(() => page.locator('.code-block pre').textContent()).toMatch(/^kubectl patch \w+ [\w.-]+ -n [\w-]+ --type strategic -p '/);
    expect(await page.locator('.evidence').textContent()).toContain('securityContext.privileged');
    expect(await page.locator('.refs').textContent()).toContain('5.2.2');
    expect(await page.getByRole('heading', { name: 'Why it matters' }).isVisible()).toBe(true);
    const history = page.locator('.timeline .ev').first();
    expect(await history.locator('.ev-head strong').textContent()).toBe('Opened');
    expect(await history.locator('.changes li').first().textContent()).toMatch(/securityContext\.privileged: unset → true$/);
    await page.screenshot({ path: `${SHOTS}/stance-dashboard-finding.png`, fullPage: true });
  });

  it('creates an exception from the page (reason required) and withdraws it', async () => {
    const create = page.getByRole('button', { name: 'Create exception' });
    await create.click(); // empty reason: the browser refuses to submit
    expect((await getJson<{ items: unknown[] }>(`${collector.httpUrl}/api/v1/exceptions`)).body.items).toHaveLength(0);

    await page.getByLabel('Reason (required)').fill('break-glass build job, tracked in SEC-42');
    await create.click();
    await page.locator('.detail-head .status-excepted').waitFor({ timeout: 10_000 });
    expect(await page.locator('.exception q').textContent()).toBe('break-glass build job, tracked in SEC-42');
    const { body } = await getJson<{ items: { reason: string; kind: string }[] }>(`${collector.httpUrl}/api/v1/exceptions`);
    expect(body.items).toEqual([expect.objectContaining({ reason: 'break-glass build job, tracked in SEC-42' })]);
    await page.screenshot({ path: `${SHOTS}/stance-dashboard-excepted.png`, fullPage: true });

    const withdraw = page.getByRole('button', { name: 'Withdraw exception' });
    await withdraw.click(); // no reason: withdrawing is audited too, the browser refuses
    expect((await getJson<{ items: unknown[] }>(`${collector.httpUrl}/api/v1/exceptions?status=active`)).body.items).toHaveLength(1);
    await page.getByLabel('Why withdraw it (required)').fill('SEC-42 closed');
    await withdraw.click();
    await page.locator('.detail-head .status-open').waitFor({ timeout: 10_000 });
    expect((await getJson<{ items: unknown[] }>(`${collector.httpUrl}/api/v1/exceptions?status=active`)).body.items).toHaveLength(0);
    // The audit trail keeps it: who created and withdrew it, when and why.
    const audit = (await getJson<{ items: Record<string, string>[] }>(`${collector.httpUrl}/api/v1/exceptions`)).body.items;
    expect(audit).toEqual([
      expect.objectContaining({ status: 'deleted', reason: 'break-glass build job, tracked in SEC-42', createdBy: expect.stringMatching(/^anonymous/), deleteReason: 'SEC-42 closed', deletedBy: expect.stringMatching(/^anonymous/) }),
    ]);
    await expect.poll(() => page.locator('.timeline .ev-head strong').allTextContents()).toEqual(['Opened', 'Excepted', 'Reopened']);
  });

  it('shows a new finding without a reload when a privileged Deployment is created', async () => {
    await page.goto(`${collector.httpUrl}/#/findings?namespace=shop&control=pod.privileged`);
    await page.locator('.summary').filter({ hasText: /open finding/ }).waitFor();
    expect(await page.locator('tr', { hasText: 'root-shell' }).count()).toBe(0);
    await page.evaluate('window.stanceMarker = 42');
    // Live means pushed, not polled: with the stream up and nothing changing, the page asks
    // the API for nothing (a timer-driven refresh would show up here).
    await page.locator('#live:not(.offline)').waitFor();
    const asked: string[] = [];
    const onRequest = (r: { url(): string }) => void (new URL(r.url()).pathname.startsWith('/api/') && asked.push(new URL(r.url()).pathname));
    page.on('request', onRequest);
    await page.waitForTimeout(4_000);
    page.off('request', onRequest);
    expect(asked).toEqual([]);

    const res = await fetch(`${api.url}/apis/apps/v1/namespaces/shop/deployments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(privilegedDeployment),
    });
    expect(res.status).toBe(201);
    const t0 = Date.now();
    const row = page.locator('tr', { hasText: 'root-shell' });
    await row.first().waitFor({ timeout: 10_000 });
    console.log(`new finding on the page after ${Date.now() - t0} ms`);
    expect(await row.first().locator('.badge').textContent()).toBe('critical');
    expect(await row.first().getAttribute('class')).toContain('fresh');
    expect(await page.evaluate<number>('window.stanceMarker')).toBe(42);
    await page.screenshot({ path: `${SHOTS}/stance-dashboard-findings.png` });
  });

  it('fits a 400px wide screen and follows the dark colour scheme', async () => {
    const light = await page.evaluate<string>('getComputedStyle(document.body).backgroundColor');
    await page.setViewportSize({ width: 400, height: 860 });
    await page.goto(`${collector.httpUrl}/#/findings?severity=critical`);
    await page.locator('.findings-table tbody tr').first().waitFor();
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(400);
    await page.screenshot({ path: `${SHOTS}/stance-dashboard-findings-400.png` });
    await page.goto(`${collector.httpUrl}/`);
    await page.locator('.score-num').first().waitFor();
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(400);
    await page.screenshot({ path: `${SHOTS}/stance-dashboard-overview-400.png`, fullPage: true });

    await page.setViewportSize({ width: 1280, height: 900 });
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await page.evaluate<string>('getComputedStyle(document.body).backgroundColor');
    expect(dark).not.toBe(light);
    await page.screenshot({ path: `${SHOTS}/stance-dashboard-overview-dark.png`, fullPage: true });
  });

  it('logged no console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
