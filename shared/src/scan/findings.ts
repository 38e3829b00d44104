// Failing outcomes as findings of the fixed JSON document.
import type { Control } from '../engine/types.js';
import { postureScore } from '../report/score.js';
import { kubectlPatchCommand } from '../workload/patch.js';
import type { FindingResource, LocatedOutcome, ScanFinding, ScanReport } from './report.js';

export function findingOf(outcome: LocatedOutcome, control: Control): ScanFinding {
  const { apiVersion, kind, namespace, name } = outcome.subject;
  const resource: FindingResource = namespace ? { apiVersion, kind, namespace, name } : { apiVersion, kind, name };
  const finding: ScanFinding = {
    controlId: control.id,
    title: control.title,
    severity: outcome.severity,
    resource,
    message: outcome.message ?? control.title,
    remediation: control.remediation,
    frameworks: control.frameworks.map((f) => ({ framework: f.framework, id: f.id })),
    location: outcome.location,
  };
  if (outcome.evidence?.length) finding.evidence = outcome.evidence;
  if (outcome.patch) {
    finding.patch = outcome.patch;
    finding.kubectlPatch = kubectlPatchCommand({ apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) } }, outcome.patch);
  }
  return finding;
}

const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low'];

/** Stable order: by file, line, then most severe first, then control id. */
export function compareFindings(a: ScanFinding, b: ScanFinding): number {
  return (
    a.location.file.localeCompare(b.location.file) ||
    a.location.line - b.location.line ||
    SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
    a.controlId.localeCompare(b.controlId)
  );
}

/** The fixed document from located outcomes: failing ones as sorted findings, and the score. */
export function reportOf(outcomes: readonly LocatedOutcome[], controls: ReadonlyMap<string, Control>, resources: number): ScanReport {
  const findings = outcomes
    .filter((o) => o.status === 'fail')
    .map((o) => findingOf(o, controls.get(o.controlId)!))
    .sort(compareFindings);
  return { findings, summary: { resources, failed: findings.length, score: postureScore(outcomes) } };
}
