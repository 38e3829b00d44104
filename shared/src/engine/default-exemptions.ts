// The exemptions the engine and `evaluateAll` apply unless told otherwise: an object's own
// stance.dev/exempt annotation (annotation-exemptions.ts; always, it is the user's), then
// the built-in ones, the pod controls' (controls/exemptions.ts) composed with the RBAC and
// network rules of their control folders. `config.systemExemptions: false` turns the
// built-in ones off.
import { exemptionFor as podExemptionFor } from '../controls/exemptions.js';
import { networkExemptions } from '../controls/network/exemptions.js';
import { rbacExemptions } from '../controls/rbac/exemptions.js';
import { annotationExemptionFor } from './annotation-exemptions.js';
import { exemptionMatcher } from './exemption-rules.js';
import type { EngineConfig, ExemptionFor } from './types.js';

const relationExemptions = exemptionMatcher([...rbacExemptions, ...networkExemptions]);

export function defaultExemptionFor(config: EngineConfig = {}): ExemptionFor {
  if (config.systemExemptions === false) return annotationExemptionFor;
  // Asked for every control of every subject: one closure, no composition layer.
  return (controlId, subject) =>
    annotationExemptionFor(controlId, subject) ?? podExemptionFor(controlId, subject, config) ?? relationExemptions(controlId, subject);
}
