// JUnit XML for CI systems: one <testsuite> per control, one <testcase> per (control,
// resource): passing ones empty, failing ones with <failure>, no-data and exempt ones
// <skipped>. Not-applicable pairs are left out.
import type { Control, Outcome } from '../engine/types.js';
import type { LocatedOutcome, ScanResult } from '../scan/report.js';
import { xmlAttrs, xmlEscape } from './xml.js';

function resourceName(o: Outcome): string {
  const { kind, namespace, name } = o.subject;
  return namespace ? `${kind} ${namespace}/${name}` : `${kind} ${name}`;
}

function testcase(o: LocatedOutcome, control: Control): string {
  const attrs = xmlAttrs({
    classname: control.id,
    name: `${resourceName(o)} (${o.location.file}:${o.location.line})`,
    file: o.location.file,
    line: o.location.line,
    time: 0,
  });
  if (o.status === 'pass') return `    <testcase${attrs}/>`;
  if (o.status === 'no-data' || o.status === 'exempt') {
    return `    <testcase${attrs}>\n      <skipped${xmlAttrs({ message: `${o.status}: ${o.message ?? ''}` })}/>\n    </testcase>`;
  }
  const frameworks = control.frameworks.map((f) => `${f.framework} ${f.id}`).join(', ');
  const body = [
    `${o.severity.toUpperCase()} ${control.id}: ${o.message ?? control.title}`,
    `resource: ${resourceName(o)} (${o.subject.apiVersion})`,
    `location: ${o.location.file}:${o.location.line}`,
    ...(o.evidence?.length ? [`evidence: ${o.evidence.join(', ')}`] : []),
    `remediation: ${control.remediation}`,
    ...(frameworks ? [`frameworks: ${frameworks}`] : []),
  ].join('\n');
  return `    <testcase${attrs}>\n      <failure${xmlAttrs({ message: o.message ?? control.title, type: o.severity })}>${xmlEscape(body)}</failure>\n    </testcase>`;
}

export function formatJunit(result: ScanResult): string {
  const byControl = new Map<string, LocatedOutcome[]>();
  for (const o of result.outcomes) {
    if (o.status === 'not-applicable') continue;
    const list = byControl.get(o.controlId) ?? [];
    list.push(o);
    byControl.set(o.controlId, list);
  }
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  for (const [id, outcomes] of [...byControl].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const control = result.controls.get(id)!;
    const f = outcomes.filter((o) => o.status === 'fail').length;
    const s = outcomes.filter((o) => o.status === 'no-data' || o.status === 'exempt').length;
    tests += outcomes.length;
    failures += f;
    skipped += s;
    const attrs = xmlAttrs({ name: `${id}: ${control.title}`, tests: outcomes.length, failures: f, errors: 0, skipped: s, time: 0 });
    suites.push(`  <testsuite${attrs}>\n${outcomes.map((o) => testcase(o, control)).join('\n')}\n  </testsuite>`);
  }
  const root = xmlAttrs({ name: 'stance scan', tests, failures, errors: 0, skipped, time: 0 });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${root}>\n${suites.join('\n')}${suites.length ? '\n' : ''}</testsuites>\n`;
}
