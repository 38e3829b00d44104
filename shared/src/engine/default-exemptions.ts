// The built-in exemptions the engine and `evaluateAll` apply unless told otherwise: the
// pod controls' (controls/exemptions.ts) composed with the RBAC and network rules of
// their control folders. `config.systemExemptions: false` turns them all off.
import { exemptionFor as podExemptionFor } from '../controls/exemptions.js';
import { networkExemptions } from '../controls/network/exemptions.js';
import { rbacExemptions } from '../controls/rbac/exemptions.js';
import { exemptionMatcher } from './exemption-rules.js';
import type { EngineConfig, ExemptionFor } from './types.js';

const relationExemptions = exemptionMatcher([...rbacExemptions, ...networkExemptions]);

export function defaultExemptionFor(config: EngineConfig = {}): ExemptionFor | undefined {
  if (config.systemExemptions === false) return undefined;
  // Asked for every control of every subject: one closure, no composition layer.
  return (controlId, subject) => podExemptionFor(controlId, subject, config) ?? relationExemptions(controlId, subject);
}
