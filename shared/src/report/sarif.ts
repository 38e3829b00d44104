// SARIF 2.1.0 (one run, tool Stance) for code-scanning UIs. Severity goes both into the
// SARIF level and into GitHub's `security-severity` property (a number as a string, as
// GitHub documents it) so alerts sort as critical/high/medium/low.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Control, Severity } from '../engine/types.js';
import { isAnnotationExemption } from '../engine/annotation-exemptions.js';
import { exceptedFindings } from '../scan/excepted.js';
import { STDIN_NAME } from '../scan/read.js';
import type { ScanFinding, ScanResult } from '../scan/report.js';
import { STANCE_VERSION } from '../version.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
const SRCROOT = '%SRCROOT%';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note' };
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0' };

export interface SarifOptions {
  /** Paths are made relative to this folder (the repository root in CI); cwd by default. */
  baseDir?: string;
}

/** `pod.privileged` → `PodPrivileged`: SARIF wants a name that is not the id. */
function ruleName(id: string): string {
  return id
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

function frameworkTags(control: Control): string[] {
  return control.frameworks.map((f) => `${f.framework}:${f.id}`);
}

function rule(control: Control) {
  const frameworks = control.frameworks.map((f) => `\`${f.framework}\` ${f.id}`).join(', ');
  const markdown = [
    `**${control.title}**`,
    control.rationale,
    `**Remediation:** ${control.remediation}`,
    ...(frameworks ? [`**Frameworks:** ${frameworks}`] : []),
  ]
    .filter((s) => s.trim() !== '')
    .join('\n\n');
  return {
    id: control.id,
    name: ruleName(control.id),
    shortDescription: { text: control.title },
    fullDescription: { text: control.rationale || control.title },
    help: { text: control.remediation || control.title, markdown },
    defaultConfiguration: { level: LEVEL[control.severity] },
    properties: {
      tags: ['security', 'kubernetes', ...frameworkTags(control)],
      'security-severity': SECURITY_SEVERITY[control.severity],
      severity: control.severity,
      category: control.category,
    },
  };
}

function artifactUri(file: string, baseDir: string): string {
  const rel = path.relative(baseDir, path.resolve(file)).split(path.sep).join('/');
  return encodeURI(rel);
}

/** Stable across runs and line moves: the same control on the same object. */
function fingerprint(f: ScanFinding): string {
  const { apiVersion, kind, namespace, name } = f.resource;
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  return createHash('sha256').update(`${f.controlId}\0${group}\0${kind}\0${namespace ?? ''}\0${name}`).digest('hex').slice(0, 32);
}

function result(f: ScanFinding, ruleIndex: number, baseDir: string) {
  const { apiVersion, kind, namespace, name } = f.resource;
  const logical = {
    name,
    fullyQualifiedName: namespace ? `${kind}/${namespace}/${name}` : `${kind}/${name}`,
    kind: 'resource',
    properties: { apiVersion, kind, ...(namespace ? { namespace } : {}) },
  };
  // stdin has no file to point at: such results carry the logical location only.
  const physical =
    f.location.file === STDIN_NAME
      ? {}
      : {
          physicalLocation: {
            artifactLocation: { uri: artifactUri(f.location.file, baseDir), uriBaseId: SRCROOT },
            region: { startLine: f.location.line },
          },
        };
  return {
    ruleId: f.controlId,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: `${f.message} (${logical.fullyQualifiedName})` },
    locations: [{ ...physical, logicalLocations: [logical] }],
    partialFingerprints: { 'stanceFinding/v1': fingerprint(f) },
    properties: {
      severity: f.severity,
      ...(f.evidence ? { evidence: f.evidence } : {}),
      ...(f.kubectlPatch ? { kubectlPatch: f.kubectlPatch } : {}),
      ...(f.location.source ? { helmSource: f.location.source } : {}),
      ...(f.risk ? { risk: f.risk } : {}),
    },
  };
}

export function toSarif(scan: ScanResult, options: SarifOptions = {}) {
  const baseDir = path.resolve(options.baseDir ?? process.cwd());
  const controls = [...scan.controls.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const index = new Map(controls.map((c, i) => [c.id, i]));
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0' as const,
    runs: [
      {
        tool: { driver: { name: 'Stance', version: STANCE_VERSION, rules: controls.map(rule) } },
        originalUriBaseIds: { [SRCROOT]: { uri: `${pathToFileURL(baseDir).href.replace(/\/?$/, '/')}` } },
        results: [
          ...scan.report.findings.map((f) => result(f, index.get(f.controlId)!, baseDir)),
          // Exempt outcomes as suppressed results: code-scanning UIs show them closed, with why.
          ...exceptedFindings(scan).map((f) => ({
            ...result(f, index.get(f.controlId)!, baseDir),
            suppressions: [{ kind: isAnnotationExemption(f.message) ? ('inSource' as const) : ('external' as const), status: 'accepted' as const, justification: f.message }],
          })),
        ],
        columnKind: 'utf16CodeUnits' as const,
      },
    ],
  };
}

export function formatSarif(scan: ScanResult, options: SarifOptions = {}): string {
  return `${JSON.stringify(toSarif(scan, options), null, 2)}\n`;
}
