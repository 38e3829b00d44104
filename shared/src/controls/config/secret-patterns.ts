// Heuristics for credentials written as plain text (env values, ConfigMap data). They say
// why something looks secret and never return the value, so findings cannot leak it.
import { parseRedaction } from '../../redact/marker.js';

/** Name fragments (separators removed, lower case) that mark a credential. */
const SECRET_NAME_PARTS = [
  'password',
  'passwd',
  'passphrase',
  'pwd',
  'secret',
  'token',
  'apikey',
  'privatekey',
  'accesskey',
  'credential',
  'authkey',
  'connectionstring',
];

/** Last name words that make it a pointer or a setting about a secret, not the secret. */
const NON_SECRET_SUFFIXES = new Set([
  'name', 'file', 'path', 'dir', 'url', 'uri', 'endpoint', 'ref', 'id', 'enabled', 'ttl', 'timeout',
  'expiry', 'expiration', 'length', 'header', 'type', 'mode', 'version', 'policy', 'rotation', 'interval',
]);

/** Keys that name a file held in a ConfigMap: judged by their content, not their name. */
const FILE_KEY = /\.(json|ya?ml|conf|cfg|properties|xml|ini|toml|sh|py|js|env|txt|tpl|template|lua|rb)$/i;

const VALUE_PATTERNS: readonly { reason: string; re: RegExp }[] = [
  { reason: 'a PEM private key', re: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/ },
  { reason: 'an AWS access key id', re: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { reason: 'a GitHub token', re: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/ },
  { reason: 'a Slack token', re: /\bxox[abprs]-[A-Za-z0-9-]{10,}/ },
  { reason: 'a Google API key', re: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { reason: 'a Stripe live key', re: /\b[rs]k_live_[0-9A-Za-z]{20,}/ },
  { reason: 'a JSON Web Token', re: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/ },
  { reason: 'a URL with embedded credentials', re: /\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@$]{3,}@/i },
  {
    reason: 'a password or key assignment',
    re: /\b(?:password|passwd|secret|api[_-]?key|access[_-]?key|private[_-]?key|token)["']?\s*[=:]\s*["']?(?![$%{<])[^\s"'${}<>]{6,}/i,
  },
];

/** Words of a name: `DB_PASSWORD`, `dbPassword`, `db.password` → ['db', 'password']. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/** True when a name says it holds a credential (and not a pointer to one). */
export function looksLikeSecretName(name: string): boolean {
  const w = words(name);
  if (w.length === 0) return false;
  if (NON_SECRET_SUFFIXES.has(w[w.length - 1]!)) return false;
  const joined = w.join('');
  return SECRET_NAME_PARTS.some((p) => joined.includes(p));
}

/** Values that cannot be a credential whatever their name: flags, paths, references. */
function trivialValue(value: string): boolean {
  const v = value.trim();
  if (v.length < 4) return true;
  if (/^(true|false|yes|no|on|off|enabled|disabled|none|null)$/i.test(v)) return true;
  if (v.startsWith('/') || v.startsWith('$(') || v.startsWith('${') || v.startsWith('{{')) return true;
  // A plain URL is an endpoint; one with credentials is caught by the value patterns.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v) && !/:\/\/[^/\s@]+@/.test(v)) return true;
  return false;
}

/** Why a value looks like a credential by its content alone, if it does. */
export function secretValueReason(value: string): string | undefined {
  // A value the collector redacted stands for the credential it replaced.
  const redacted = parseRedaction(value);
  if (redacted) return redacted.reason;
  return VALUE_PATTERNS.find((p) => p.re.test(value))?.reason;
}

/**
 * Why a name/value pair looks like a plain-text credential, or undefined. `fileKeys`
 * (ConfigMap keys like `app.properties`) disables the judgement by name.
 */
export function secretReason(name: string, value: string, opts: { fileKeys?: boolean } = {}): string | undefined {
  const byValue = secretValueReason(value);
  if (byValue) return byValue;
  if (opts.fileKeys && FILE_KEY.test(name)) return undefined;
  if (looksLikeSecretName(name) && !trivialValue(value)) return `its name suggests a credential`;
  return undefined;
}
