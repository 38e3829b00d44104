// Heuristics for credentials written as plain text (env values, ConfigMap data, args,
// annotations). They say why something looks secret and never return the value, so findings
// and redaction markers cannot leak it. Every function here runs in time linear in its input
// (see matcher.ts): the collector calls them on every value it ingests.
import { parseRedaction } from '../redact/marker.js';
import { matchingRule } from './matcher.js';
import { credibleValue, looksLikeSecretName } from './names.js';

export { looksLikeSecretName } from './names.js';
export { SECRET_RULES } from './rules/index.js';
export type { SecretRule } from './rule.js';

/** Keys that name a file held in a ConfigMap: judged by their content, not their name. */
const FILE_KEY = /\.(json|ya?ml|conf|cfg|properties|xml|ini|toml|sh|py|js|env|txt|tpl|template|lua|rb)$/i;

/** Why a value looks like a credential by its content alone, if it does. */
export function secretValueReason(value: string): string | undefined {
  // A value the collector redacted stands for the credential it replaced.
  const redacted = parseRedaction(value);
  if (redacted) return redacted.reason;
  return matchingRule(value)?.reason;
}

/**
 * Why a name/value pair looks like a plain-text credential, or undefined. `fileKeys`
 * (ConfigMap keys like `app.properties`) disables the judgement by name.
 */
export function secretReason(name: string, value: string, opts: { fileKeys?: boolean } = {}): string | undefined {
  const byValue = secretValueReason(value);
  if (byValue) return byValue;
  if (opts.fileKeys && FILE_KEY.test(name)) return undefined;
  if (looksLikeSecretName(name) && credibleValue(value, 4)) return `its name suggests a credential`;
  return undefined;
}
