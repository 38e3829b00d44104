// The dashboard's risk views in a real headless Chromium against real processes (the demo
// cluster, collector, cluster agent): the overview leads with the top attack paths and the
// riskiest findings, each linking to a finding whose page explains its score; the findings
// table sorts by risk; and a link changed in the cluster moves the overview's paths live,
// without a reload. Screenshots go to /tmp. Page-side code is passed as strings (no DOM lib).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser } from '../src/harness/browser.js';
import { startDemoStack, type DemoStack } from '../src/harness/demo-stack.js';
import { getJson, waitFor } from '../src/harness/index.js';

const SERVICE = '/api/v1/namespaces/analytics/services/report-api';

let stack: DemoStack;
let browser: Browser;
let page: Page;
let consoleErrors: string[];

async function setServiceType(type: string): Promise<void> {
  const svc = await stack.kube('GET', SERVICE);
  await stack.kube('PUT', SERVICE, { ...svc, spec: { ...(svc.spec as object), type } });
}

const card = () => page.locator('article.cluster', { has: page.locator('h2', { hasText: 'dash-risk' }) });
const pathPanel = () => card().locator('section:has(h3:text-is("Top attack paths"))');
const riskiestPanel = () => card().locator('section:has(h3:text-is("Riskiest findings"))');
const pathTexts = () => pathPanel().locator('.path-steps').allTextContents();

beforeAll(async () => {
  stack = await startDemoStack('dash-risk');
  await waitFor('the demo attack paths', async () => (await getJson<{ items: unknown[] }>(`${stack.collector.httpUrl}/api/v1/attack-paths`)).body.items.length >= 2, 60_000, 100);
  ({ browser, page, consoleErrors } = await openBrowser());
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('risk in the dashboard', () => {
  it('leads each cluster with its top attack paths and riskiest findings', async () => {
    await page.goto(`${stack.collector.httpUrl}/`);
    await pathPanel().locator('.attack-path').first().waitFor();
    // The risk panels come first in the cluster's grid.
    const firstPanels = await card().locator('.cluster-grid > section h3').allTextContents();
    expect(firstPanels.slice(0, 2)).toEqual(['Top attack paths', 'Riskiest findings']);
    // The worst path of each workload, highest first: the demo's legacy/billing, then analytics/report-api.
    const pathScores = (await pathPanel().locator('.attack-path .risk-chip').allTextContents()).map(Number);
    expect(pathScores[0]).toBe((await getJson<{ items: { score: number }[] }>(`${stack.collector.httpUrl}/api/v1/attack-paths?limit=1`)).body.items[0]!.score);
    expect(pathScores).toEqual([...pathScores].sort((a, b) => b - a));
    await expect.poll(pathTexts).toContainEqual(expect.stringMatching(/Service\s*analytics\/report-api.*Deployment\s*analytics\/report-api.*ServiceAccount\s*analytics\/report-api.*ClusterRoleBinding\s*report-api-secrets.*ClusterRole\s*report-secrets-reader/));
    const scores = (await riskiestPanel().locator('.risk-chip').allTextContents()).map(Number);
    expect(scores.length).toBe(5);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    await page.screenshot({ path: '/tmp/stance-dashboard-risk-overview.png', fullPage: true });
  });

  it('a path links to the finding to fix first, whose page explains its score factor by factor', async () => {
    const report = pathPanel().locator('.attack-path', { hasText: 'report-secrets-reader' });
    const link = report.locator('.path-fix a');
    const title = await link.textContent();
    await link.click();
    await page.getByRole('heading', { level: 1, name: title! }).waitFor();
    const riskCard = page.locator('section.card:has(h2:text-is("Risk"))');
    await riskCard.locator('.factors li').first().waitFor();
    const items = riskCard.locator('.factors li');
    const factors = await Promise.all(Array.from({ length: await items.count() }, (_, i) => items.nth(i).getAttribute('data-factor')));
    expect(factors).toEqual(expect.arrayContaining(['severity', 'exposed', 'attack-path']));
    const weights = (await riskCard.locator('.factor-weight').allTextContents()).map((w) => Number(w.replace('+', '')));
    expect(Number(await riskCard.locator('.risk-chip').textContent())).toBe(Math.min(100, weights.reduce((a, b) => a + b, 0)));
    await page.screenshot({ path: '/tmp/stance-dashboard-risk-finding.png', fullPage: true });
  });

  it('sorts the findings table by risk from the filters, and keeps it in the URL', async () => {
    await page.goto(`${stack.collector.httpUrl}/#/findings`);
    await page.locator('.findings-table tbody tr').first().waitFor();
    await page.getByLabel('Sort').selectOption('risk');
    await expect.poll(() => page.url()).toMatch(/sort=risk/);
    const chips = async () => (await page.locator('.findings-table tbody tr td:nth-child(2) .risk-chip').allTextContents()).map(Number);
    await expect.poll(async () => {
      const s = await chips();
      return s.length > 10 && s.every((v, i) => i === 0 || s[i - 1]! >= v);
    }).toBe(true);
    // The severity badge still leads each row.
    expect(await page.locator('.findings-table tbody tr td:first-child .badge').count()).toBe((await chips()).length);
  });

  it('moves the overview\'s paths live when a link changes in the cluster, and back', async () => {
    await page.goto(`${stack.collector.httpUrl}/`);
    await pathPanel().locator('.attack-path').first().waitFor();
    const hasReportPath = async () => (await pathTexts()).some((t) => t.includes('report-secrets-reader'));
    await expect.poll(hasReportPath).toBe(true);
    await page.evaluate('window.__sameDocument = true');
    await setServiceType('ClusterIP');
    await expect.poll(hasReportPath, { timeout: 10_000 }).toBe(false);
    await setServiceType('LoadBalancer');
    await expect.poll(hasReportPath, { timeout: 10_000 }).toBe(true);
    expect(await page.evaluate('window.__sameDocument')).toBe(true); // no reload: the stream did it
    expect(consoleErrors).toEqual([]);
  });
});
