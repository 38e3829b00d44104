// The README's "Feeding your observability stack" is what users build dashboards and
// alerts from: every metric the collector serves must be listed there under both its
// Prometheus and its OTLP name, spelled out in full (a name to copy, not a pattern), and
// every alert of the shipped rules file named. Nothing is listed that is not served.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ExportStats } from './export-stats.js';
import { collectorFigures, type FiguresDeps } from './figures.js';
import { FindingMetrics } from './finding-metrics.js';

const root = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

function section(): string {
  const readme = readFileSync(root('README.md'), 'utf8');
  const start = readme.indexOf('## Feeding your observability stack');
  expect(start).toBeGreaterThan(-1);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** The names the collector serves; readers are not called, so the stores are not needed. */
function served(): { prom: string[]; otel: string[] } {
  const deps = { findingMetrics: new FindingMetrics(), exports: new ExportStats(console as never), riskBacklog: () => 0 } as unknown as FiguresDeps;
  const { observed, histograms } = collectorFigures(deps);
  const all = [...observed, ...histograms.map((h) => h.def)];
  return { prom: all.map((m) => m.prom), otel: all.map((m) => m.otel) };
}

describe('the README documents the metrics and alerts', () => {
  it('lists every served metric under its Prometheus and OTLP names, and no other', () => {
    const text = section();
    const { prom, otel } = served();
    const listed = (re: RegExp) => new Set([...text.matchAll(re)].map((m) => m[1]!));
    expect([...listed(/`(stance_[a-z_]+)`/g)].filter((n) => !n.startsWith('stance_collector_')).sort()).toEqual([...prom].sort());
    // OTLP metric names in the table's second column (log attributes are stance.<x> too).
    const otelColumn = new Set([...text.matchAll(/^\| `stance_[^|]+\| ([^|]+) \|/gm)].flatMap((m) => [...m[1]!.matchAll(/`(stance\.[a-z.]+)`/g)].map((n) => n[1]!)));
    expect([...otelColumn].sort()).toEqual([...otel].sort());
  });

  it('names every alert of the shipped rules file', () => {
    const rules = parseYaml(readFileSync(root('helm/stance/files/prometheus-rules.yaml'), 'utf8')) as { groups: { rules: { alert?: string }[] }[] };
    const alerts = rules.groups.flatMap((g) => g.rules.flatMap((r) => (r.alert ? [r.alert] : [])));
    const text = section();
    expect(alerts.filter((a) => !text.includes(`\`${a}\``))).toEqual([]);
  });
});
