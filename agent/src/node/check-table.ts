// The human report of `stance node-check`, kube-bench style: every check with its
// status (PASS / FAIL / N/A / NO DATA), grouped by benchmark section, then totals.
import type { OutcomeStatus } from '@stance/shared/engine/index';
import type { NodeCheckResult } from './check.js';

const LABEL: Record<OutcomeStatus, string> = { pass: 'PASS', fail: 'FAIL', 'not-applicable': 'N/A', 'no-data': 'NO DATA', exempt: 'EXEMPT' };
const COLOR: Partial<Record<OutcomeStatus, string>> = { pass: '\x1b[32m', fail: '\x1b[31m', 'no-data': '\x1b[33m', 'not-applicable': '\x1b[2m' };
const RESET = '\x1b[0m';

const SECTIONS: [RegExp, string][] = [
  [/^cis\.1\.1\./, '1.1 Control Plane Node Configuration Files'],
  [/^cis\.1\.2\./, '1.2 API Server'],
  [/^cis\.1\.3\./, '1.3 Controller Manager'],
  [/^cis\.1\.4\./, '1.4 Scheduler'],
  [/^cis\.2\./, '2 Etcd Node Configuration'],
  [/^cis\.4\.1\./, '4.1 Worker Node Configuration Files'],
  [/^cis\.4\.2\./, '4.2 Kubelet'],
  [/^cis\.4\.3\./, '4.3 kube-proxy'],
  [/^node\./, 'Node hardening (beyond CIS)'],
];

export function formatNodeCheckTable(result: NodeCheckResult, options: { color?: boolean } = {}): string {
  const paint = (s: OutcomeStatus, text: string) => (options.color && COLOR[s] ? `${COLOR[s]}${text}${RESET}` : text);
  const f = result.facts;
  const lines = [`Node ${f.nodeName} (${f.distribution}; roles: ${Object.entries(f.roles).filter(([, v]) => v).map(([k]) => k).join(', ') || 'none'})`];
  let section = '';
  const counts: Partial<Record<OutcomeStatus, number>> = {};
  for (const o of result.outcomes) {
    const control = result.controls.get(o.controlId)!;
    const title = SECTIONS.find(([re]) => re.test(o.controlId))?.[1] ?? 'Other';
    if (title !== section) {
      lines.push('', `== ${title}`);
      section = title;
    }
    counts[o.status] = (counts[o.status] ?? 0) + 1;
    const id = o.controlId.replace(/^cis\./, '');
    lines.push(`[${paint(o.status, LABEL[o.status])}] ${id} ${control.title}`);
    if (o.message) lines.push(`        ${o.message}`);
  }
  const total = (s: OutcomeStatus) => counts[s] ?? 0;
  lines.push(
    '',
    `== Summary: ${total('pass')} pass, ${total('fail')} fail, ${total('not-applicable')} not applicable, ${total('no-data')} no data; posture score ${result.report.summary.score.toFixed(1)}`,
  );
  return `${lines.join('\n')}\n`;
}
