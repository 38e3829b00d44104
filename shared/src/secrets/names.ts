// Judging by names and by the shape of a value: does a key name say it holds a credential
// (and not a pointer to one), and could a value be a credential at all. Every check here is
// linear in its input: a single pass, or a pattern anchored at the start that reads forward once.
//
// False positives, decided: placeholders and templates (`${PASSWORD}`, `$(PW)`, `{{ .pw }}`,
// `%(pw)s`, `<password>`), masked values (one repeated character: `********`, `xxxxxx`),
// encrypted forms (`ENC[…]`, `{cipher}…`, `!vault`, `vault:`), booleans, paths and URLs without
// credentials are not credentials. A literal word is: `changeme` or `admin` in a password field
// is the password in use, and a weak one.

/** Name fragments (words joined, lower case) that mark a credential. */
const SECRET_NAME_PARTS = [
  'password',
  'passwd',
  'passphrase',
  'pwd',
  'secret',
  'secretkey',
  'token',
  'apikey',
  'privatekey',
  'accesskey',
  'accountkey',
  'signingkey',
  'encryptionkey',
  'masterkey',
  'authkey',
  'keycontent',
  'credential',
  'connectionstring',
];

/** Words that mark a credential only as a whole word (`DB_PASS`, `ADMIN_PW`), not inside one (`bypass`). */
const SECRET_WORDS = new Set(['pass', 'pw', 'pwd']);

/** Last name words that make it a pointer or a setting about a secret, not the secret. */
const NON_SECRET_SUFFIXES = new Set([
  'name', 'file', 'path', 'dir', 'url', 'uri', 'endpoint', 'ref', 'id', 'enabled', 'ttl', 'timeout',
  'expiry', 'expiration', 'length', 'header', 'type', 'mode', 'version', 'policy', 'rotation', 'interval',
]);

/** First name words that make it a pointer: Helm's `existingSecret` names a Secret object. */
const NON_SECRET_PREFIXES = new Set(['existing']);

/** Words of a name: `DB_PASSWORD`, `dbPassword`, `db.password` → ['db', 'password']. */
export function words(name: string): string[] {
  const out: string[] = [];
  for (const w of name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(/[^A-Za-z0-9]+/)) if (w) out.push(w.toLowerCase());
  return out;
}

/** Verdicts on recent short names: the same keys recur across a sync (password, api_key, …). */
const verdicts = new Map<string, boolean>();
const VERDICTS_MAX = 4096;

/**
 * True when a name says it holds a credential (and not a pointer to one). A fragment counts
 * where it ends a word (`PGPASSWORD`, `api_key`, `credentials`), not inside one (`tokenizer`,
 * `passwordless`).
 */
export function looksLikeSecretName(name: string): boolean {
  if (name.length > 64) return judgeName(name);
  let verdict = verdicts.get(name);
  if (verdict === undefined) {
    if (verdicts.size >= VERDICTS_MAX) verdicts.clear();
    verdicts.set(name, (verdict = judgeName(name)));
  }
  return verdict;
}

function judgeName(name: string): boolean {
  const w = words(name);
  if (w.length === 0) return false;
  if (NON_SECRET_SUFFIXES.has(w[w.length - 1]!) || NON_SECRET_PREFIXES.has(w[0]!)) return false;
  if (w.some((word) => SECRET_WORDS.has(word))) return true;
  const joined = w.join('');
  // isEnd[k] = 1 where a word of `joined` ends at offset k.
  const isEnd = new Uint8Array(joined.length + 2);
  let at = 0;
  for (const word of w) isEnd[(at += word.length)] = 1;
  for (const part of SECRET_NAME_PARTS) {
    for (let i = joined.indexOf(part); i >= 0; i = joined.indexOf(part, i + 1)) {
      const end = i + part.length;
      if (isEnd[end] === 1 || (joined[end] === 's' && isEnd[end + 1] === 1)) return true;
    }
  }
  return false;
}

const FLAG = /^(?:true|false|yes|no|on|off|enabled|disabled|none|null|nil|undefined)$/i;
/** Templates, references, masks and encrypted forms: `${X}`, `$(X)`, `{{`, `%(x)s`, `<x>`, `[x]`, `***`, `!vault`, `ENC[`, `vault:`. */
const PLACEHOLDER_START = /^(?:[$<{[*!]|%[(sd]|ENC[[(]|vault:|ref\+)/i;
/** Paths: `/x`, `./x`, `../x`, `~/x`, `file:`. */
const PATH_START = /^(?:\.{0,2}\/|~\/|file:)/i;
/** A URL whose authority has no `user@` or `user:password@` (checked up to 256 characters). */
const URL_START = /^[a-z][a-z0-9+.-]{0,31}:\/\//i;
const URL_USERINFO = /^[a-z][a-z0-9+.-]{0,31}:\/\/[^/?#@\s]{0,256}@/i;
/** One character repeated: a masked or dummy value. */
const MASKED = /^(.)\1*$/s;

/**
 * False for values that cannot be a credential whatever their name: too short (under
 * `minLength` characters), flags, paths, plain URLs, placeholders and masks (see the top).
 */
export function credibleValue(value: string, minLength: number): boolean {
  const v = value.trim();
  if (v.length < minLength) return false;
  if (FLAG.test(v) || PLACEHOLDER_START.test(v) || PATH_START.test(v) || MASKED.test(v)) return false;
  // A plain URL is an endpoint; one with credentials is caught by the value rules.
  if (URL_START.test(v) && !URL_USERINFO.test(v)) return false;
  return true;
}
