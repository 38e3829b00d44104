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
const SECRET_WORDS = ['pass', 'pw', 'pwd'];

/** Last name words that make it a pointer or a setting about a secret, not the secret. */
const NON_SECRET_SUFFIXES = new Set([
  'name', 'file', 'path', 'dir', 'url', 'uri', 'endpoint', 'ref', 'id', 'enabled', 'ttl', 'timeout',
  'expiry', 'expiration', 'length', 'header', 'type', 'mode', 'version', 'policy', 'rotation', 'interval',
]);

/** First name words that make it a pointer: Helm's `existingSecret` names a Secret object. */
const NON_SECRET_PREFIXES = new Set(['existing']);

const isUpper = (c: number) => c >= 65 && c <= 90;
const isLowerOrDigit = (c: number) => (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
const ascii = new TextDecoder('latin1');

/**
 * A name's ASCII letters and digits in lower case (`joined`), and where its words meet in that
 * string (`DB_PASSWORD`, `dbPassword`, `db.password`: db | password): cut[k] = 1 where a word
 * starts or ends at offset k. One pass over char codes, no string per word and no regular
 * expression: a 1 MiB name can be half a million words.
 */
function splitName(name: string): { joined: string; cut: Uint8Array } {
  const letters = new Uint8Array(name.length);
  const cut = new Uint8Array(name.length + 2);
  let j = 0;
  let inWord = false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const upper = isUpper(c);
    if (!upper && !isLowerOrDigit(c)) {
      inWord = false;
      continue;
    }
    if (!inWord || (upper && isLowerOrDigit(name.charCodeAt(i - 1)))) cut[j] = 1;
    inWord = true;
    letters[j++] = upper ? c + 32 : c;
  }
  cut[j] = 1;
  return { joined: ascii.decode(letters.subarray(0, j)), cut };
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
  const { joined, cut } = splitName(name);
  if (joined.length === 0) return false;
  let firstEnd = -1;
  let lastStart = 0;
  let secretWord = false;
  for (let k = 1, start = 0; k <= joined.length; k++) {
    if (cut[k] !== 1) continue;
    if (firstEnd < 0) firstEnd = k;
    if (!secretWord) secretWord = SECRET_WORDS.some((w) => w.length === k - start && joined.startsWith(w, start));
    lastStart = start;
    start = k;
  }
  if (NON_SECRET_SUFFIXES.has(joined.slice(lastStart)) || NON_SECRET_PREFIXES.has(joined.slice(0, firstEnd))) return false;
  if (secretWord) return true;
  for (const part of SECRET_NAME_PARTS) {
    for (let i = joined.indexOf(part); i >= 0; i = joined.indexOf(part, i + 1)) {
      const end = i + part.length;
      if (cut[end] === 1 || (joined[end] === 's' && cut[end + 1] === 1)) return true;
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
