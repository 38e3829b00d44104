// Failing outcomes as findings of the fixed JSON document.
import { SEVERITIES, type Control, type Outcome, type OutcomeStatus, type Severity } from '../engine/types.js';
import { ScoreTally } from '../report/score.js';
import type { Risk } from '../risk/types.js';
import { kubectlPatchCommand } from '../workload/patch.js';
import type { ObjectLocation } from './parse.js';
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

export interface ReportBuilderOptions {
  /** The least severe outcome to keep (report and score); all by default. */
  minSeverity?: Severity;
  /** Which outcomes to keep with their location (JUnit lists them all); all by default. Findings and the score never need them. */
  keepOutcomes?: readonly OutcomeStatus[];
  /** The risk of a failing outcome, carried by its finding. */
  riskOf?: (outcome: Outcome) => Risk | undefined;
}

/**
 * The fixed document built one outcome at a time, in evaluation order: failing outcomes
 * become findings (sorted at the end), every kept outcome counts in the score.
 */
export class ReportBuilder {
  readonly outcomes: LocatedOutcome[] = [];
  private readonly findings: ScanFinding[] = [];
  private readonly tally = new ScoreTally();
  private readonly minRank: number;
  private readonly keep: ReadonlySet<OutcomeStatus> | undefined;
  private readonly riskOf: ReportBuilderOptions['riskOf'];

  constructor(
    private readonly controls: ReadonlyMap<string, Control>,
    options: ReportBuilderOptions = {},
  ) {
    this.minRank = SEVERITIES.indexOf(options.minSeverity ?? 'low');
    this.keep = options.keepOutcomes && new Set(options.keepOutcomes);
    this.riskOf = options.riskOf;
  }

  add(outcome: Outcome, location: ObjectLocation): void {
    if (SEVERITIES.indexOf(outcome.severity) > this.minRank) return;
    this.tally.add(outcome);
    // Exempt outcomes are always kept: every format lists them with their reason (excepted.ts).
    const kept = outcome.status === 'exempt' || (this.keep?.has(outcome.status) ?? true);
    if (outcome.status !== 'fail' && !kept) return;
    const located: LocatedOutcome = { ...outcome, location };
    if (outcome.status === 'fail') {
      const finding = findingOf(located, this.controls.get(outcome.controlId)!);
      const risk = this.riskOf?.(outcome);
      if (risk) finding.risk = risk;
      this.findings.push(finding);
    }
    if (kept) this.outcomes.push(located);
  }

  report(resources: number): ScanReport {
    const findings = this.findings.sort(compareFindings);
    return { findings, summary: { resources, failed: findings.length, score: this.tally.score() } };
  }
}

/** The fixed document from located outcomes: failing ones as sorted findings (with their risk when `riskOf` is given), and the score. */
export function reportOf(outcomes: readonly LocatedOutcome[], controls: ReadonlyMap<string, Control>, resources: number, riskOf?: ReportBuilderOptions['riskOf']): ScanReport {
  const builder = new ReportBuilder(controls, { keepOutcomes: [], ...(riskOf ? { riskOf } : {}) });
  for (const o of outcomes) builder.add(o, o.location);
  return builder.report(resources);
}
