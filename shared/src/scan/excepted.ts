// Outcomes an exemption turned off (an object's stance.dev/exempt annotation, or a
// built-in exemption), as findings whose message is the reason, in report order. Not part
// of the fixed JSON document; the table, SARIF and JUnit formats list them, never hidden.
import type { Control } from '../engine/types.js';
import { compareFindings, findingOf } from './findings.js';
import type { LocatedOutcome, ScanFinding } from './report.js';

export function exceptedFindings(result: { outcomes: readonly LocatedOutcome[]; controls: ReadonlyMap<string, Control> }): ScanFinding[] {
  return result.outcomes
    .filter((o) => o.status === 'exempt')
    .map((o) => findingOf(o, result.controls.get(o.controlId)!))
    .sort(compareFindings);
}
