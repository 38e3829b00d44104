// The human report: findings grouped by resource, aligned columns, severity in colour
// (only when asked: the caller decides from TTY and NO_COLOR), each finding's risk when the
// scan scored them, the attack paths, and a summary line.
import { SEVERITIES, type Severity } from '../engine/types.js';
import { exceptedFindings } from '../scan/excepted.js';
import type { ScanFinding, ScanResult } from '../scan/report.js';
import type { AttackPath } from '../risk/types.js';

export interface TableOptions {
  color?: boolean;
  /** Terminal width: long messages wrap under their column instead of running on. */
  width?: number;
}

const COLOR: Record<Severity, string> = { critical: '\x1b[1;35m', high: '\x1b[31m', medium: '\x1b[33m', low: '\x1b[36m' };
const BOLD = '\x1b[1m';
const DIM = '\x1b[2m';
const RESET = '\x1b[0m';
/** Attack paths listed; the rest are counted. */
const PATHS_LISTED = 10;

function paint(on: boolean, code: string, text: string): string {
  return on ? `${code}${text}${RESET}` : text;
}

/** Word-wraps `text` to `width` columns, continuation lines indented by `indent`. */
function wrap(text: string, indent: number, width: number | undefined): string {
  const room = width === undefined ? Infinity : Math.max(20, width - indent);
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > room) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

function resourceLabel(f: ScanFinding): string {
  const { kind, namespace, name } = f.resource;
  return namespace ? `${kind} ${namespace}/${name}` : `${kind} ${name}`;
}

function groupByResource(findings: readonly ScanFinding[]): Map<string, ScanFinding[]> {
  const groups = new Map<string, ScanFinding[]>();
  for (const f of findings) {
    const key = `${f.location.file}:${f.location.line}\0${resourceLabel(f)}`;
    const list = groups.get(key) ?? [];
    list.push(f);
    groups.set(key, list);
  }
  return groups;
}

export function summaryLine(result: ScanResult, color = false): string {
  const { resources, failed, score } = result.report.summary;
  const counts = SEVERITIES.map((s) => [s, result.report.findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => paint(color, COLOR[s], `${n} ${s}`));
  const failedText = failed === 0 ? 'no failed checks' : `${failed} failed (${counts.join(', ')})`;
  const files = result.files.length === 1 ? '1 file' : `${result.files.length} files`;
  const objects = resources === 1 ? '1 resource' : `${resources} resources`;
  const excepted = result.outcomes.filter((o) => o.status === 'exempt').length;
  const exceptedText = excepted > 0 ? `, ${excepted} excepted` : '';
  return `${paint(color, BOLD, 'Summary:')} ${objects} in ${files}, ${failedText}${exceptedText}, posture score ${score.toFixed(1)}`;
}

export function formatTable(result: ScanResult, options: TableOptions = {}): string {
  const color = options.color ?? false;
  const { findings } = result.report;
  const lines: string[] = [];
  if (findings.length === 0) {
    lines.push('No findings.');
  } else {
    // No spread into Math.max: a scan may have more findings than a call takes arguments.
    const idWidth = findings.reduce((w, f) => Math.max(w, f.controlId.length), 0);
    const sevWidth = findings.reduce((w, f) => Math.max(w, f.severity.length), 0);
    // "risk  85": only when the scan scored its findings (node-check does not).
    const risk = (f: ScanFinding) => (f.risk ? `risk ${String(f.risk.score).padStart(3)}  ` : ' '.repeat(10));
    const riskWidth = findings.some((f) => f.risk) ? 10 : 0;
    for (const [, group] of groupByResource(findings)) {
      const first = group[0]!;
      const where = `${first.location.file}:${first.location.line}${first.location.source ? ` (${first.location.source})` : ''}`;
      lines.push(`${paint(color, BOLD, resourceLabel(first))}  ${paint(color, DIM, where)}`);
      for (const f of group) {
        const sev = paint(color, COLOR[f.severity], f.severity.toUpperCase().padEnd(sevWidth));
        const message = wrap(f.message.replace(/\s+/g, ' '), 2 + sevWidth + 2 + riskWidth + idWidth + 2, options.width);
        lines.push(`  ${sev}  ${riskWidth ? risk(f) : ''}${f.controlId.padEnd(idWidth)}  ${message}`);
      }
      lines.push('');
    }
    lines.pop();
  }
  for (const line of pathLines(result.attackPaths ?? [], color, options.width)) lines.push(line);
  for (const line of exceptedLines(result, color, options.width)) lines.push(line);
  lines.push('', summaryLine(result, color));
  return `${lines.join('\n')}\n`;
}

/** The attack paths, highest scored first: from outside the cluster to what an attacker gains. */
function pathLines(paths: readonly AttackPath[], color: boolean, width: number | undefined): string[] {
  if (paths.length === 0) return [];
  const lines = ['', paint(color, BOLD, 'Attack paths (highest first):')];
  for (const p of paths.slice(0, PATHS_LISTED)) lines.push(`  ${String(p.score).padStart(3)}  ${wrap(p.description, 7, width)}`);
  if (paths.length > PATHS_LISTED) lines.push(paint(color, DIM, `  and ${paths.length - PATHS_LISTED} more`));
  return lines;
}

/** Exempt outcomes, never hidden: per resource, the controls each reason covers. */
function exceptedLines(result: ScanResult, color: boolean, width: number | undefined): string[] {
  const excepted = exceptedFindings(result);
  if (excepted.length === 0) return [];
  const lines = ['', paint(color, BOLD, 'Excepted (left out of the score):')];
  for (const [, group] of groupByResource(excepted)) {
    const first = group[0]!;
    lines.push(`  ${resourceLabel(first)}  ${paint(color, DIM, `${first.location.file}:${first.location.line}`)}`);
    const byReason = new Map<string, string[]>();
    for (const f of group) byReason.set(f.message, [...(byReason.get(f.message) ?? []), f.controlId]);
    for (const [reason, ids] of byReason) {
      lines.push(`    ${wrap(ids.join(', '), 4, width)}`);
      lines.push(`      ${paint(color, DIM, wrap(reason.replace(/\s+/g, ' '), 6, width))}`);
    }
  }
  return lines;
}
