// An in-manifest exemption (stance.dev/exempt) must say why: without a reason the engine
// ignores it, so the findings it meant to except stay open, and this control says so on
// the object. Not applicable to objects without the annotation (no pass counted).
import { EXEMPT_ANNOTATION, EXEMPT_REASON_ANNOTATION, exemptionAnnotations } from '../../engine/annotation-exemptions.js';
import type { Control } from '../../engine/types.js';
import { WATCHED_KINDS } from '../../model/kinds.js';
import { childPath } from '../../workload/index.js';

export const exemptionWithoutReason: Control = {
  id: 'config.exemption-without-reason',
  title: 'Exemption annotation without a reason',
  severity: 'medium',
  category: 'Governance',
  rationale: `An exemption is an accepted risk: \`${EXEMPT_ANNOTATION}\` without \`${EXEMPT_REASON_ANNOTATION}\` records no decision anyone can review, so Stance ignores it and the findings it names stay open.`,
  remediation: `Add \`${EXEMPT_REASON_ANNOTATION}\` beside \`${EXEMPT_ANNOTATION}\` saying why the controls do not apply to this object, or remove the exemption.`,
  frameworks: [{ framework: 'soc2', id: 'CC3.2' }],
  kinds: WATCHED_KINDS.map((k) => k.kind),
  source: 'builtin',
  check(subject) {
    const found = exemptionAnnotations(subject);
    if (found.length === 0) return null;
    return found
      .filter((a) => a.reason === '')
      .map((a) => ({
        message: `${a.path} names ${a.controls.length ? a.controls.join(', ') : 'no control'} in ${EXEMPT_ANNOTATION} but gives no ${EXEMPT_REASON_ANNOTATION}: the exemption is ignored`,
        evidence: [childPath(a.path, EXEMPT_REASON_ANNOTATION)],
      }));
  },
};
