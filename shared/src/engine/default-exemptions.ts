// The built-in exemptions the engine and `evaluateAll` apply unless told otherwise:
// the RBAC and network rules of this repository's control folders, composed with the pod
// controls' exemptions. `config.systemExemptions: false` turns them all off.
import { networkExemptions } from '../controls/network/exemptions.js';
import { rbacExemptions } from '../controls/rbac/exemptions.js';
import { composeExemptions, exemptionMatcher } from './exemption-rules.js';
import type { EngineConfig, ExemptionFor } from './types.js';

const relationExemptions = exemptionMatcher([...rbacExemptions, ...networkExemptions]);

export function defaultExemptionFor(config: EngineConfig = {}): ExemptionFor | undefined {
  if (config.systemExemptions === false) return undefined;
  return composeExemptions(relationExemptions);
}
