// Credentials recognised by where they are written rather than by their own shape: in a URL's
// user-info, or assigned to a credential-like key inside a file or command line. These are the
// broadest rules, so they come last: a more specific rule's reason wins.
import { credibleValue, looksLikeSecretName } from '../names.js';
import { re, rei, type SecretRule } from '../rule.js';

/** Characters of a key name, read back from the keyword (at most 32). */
const NAME_CHAR = /[A-Za-z0-9_.-]/;
const NAME_BACK = 32;

/** The key name around a keyword match: up to 32 name characters before it, then the matched name. */
function keyName(value: string, at: number, matchedName: string): string {
  let start = at;
  while (start > at - NAME_BACK && start > 0 && NAME_CHAR.test(value[start - 1]!)) start -= 1;
  return value.slice(start, at) + matchedName;
}

/** A value without the punctuation that closes the structure around it (`,`, `;`, `)`, `]`, `}`). */
const trimClosers = (v: string) => v.replace(/[,;)\]}]{1,64}$/, '');

export const ASSIGNMENT_RULES: readonly SecretRule[] = [
  {
    // linear: the user run excludes `:` and the password run excludes `@`, so each ends where
    // the next literal must be and a try reads at most 3+256+1+256+1 characters; both runs also
    // exclude `/`, so tries at different `://` never share a character.
    id: 'url-credentials',
    reason: 'a URL with embedded credentials',
    description: 'A URL with user:password@ in its authority (postgres://app:…@db); placeholders (${PW}, {{ }}, <pw>) and masks (****) are not credentials.',
    anchors: ['://'],
    pattern: re`:\/\/[^\s/?#@:]{0,256}:([^\s/?#@]{1,256})@`,
    accept: (m) => credibleValue(m[1]!, 3),
    examples: {
      match: ['postgres://app:' + 'S3cr3t!pass' + '@db:5432/app', 'redis://:' + 'hunter22' + '@cache:6379/0'],
      nearMiss: ['https://db.example.com:5432/app', 'postgres://app:${DB_PASSWORD}@db/app', 'https://user:****@host/', 'mailto:someone@example.com'],
    },
  },
  {
    // linear: a literal; blanks before a `=`/`:` are tried (at most 9 ways) only as a group that
    // must end in one, so the two blank runs never split one run between them; a scheme word
    // and 16 characters.
    id: 'http-authorization',
    reason: 'an HTTP Authorization credential',
    description: 'An Authorization header value with its credential: Authorization: Bearer|Basic|token <16+ characters> (nginx proxy_set_header, curl -H, JSON headers); ${TOKEN} and $http_authorization are not.',
    anchors: ['authorization'],
    pattern: rei`authorization["']?(?:[ \t]{0,8}[=:])?[ \t]{0,8}["']?(?:bearer|basic|token)[ \t]{1,4}[A-Za-z0-9._~+/-]{16}`,
    examples: {
      match: ['proxy_set_header Authorization "Bearer ' + 'eyJ0eXAiOiJKV1QiLCJhbGciOiJFUzI1NiJ9x' + '";', "curl -H 'Authorization: Basic " + 'YWRtaW46aHVudGVyMjJ4eXo=' + "' https://api"],
      nearMiss: ['proxy_set_header Authorization "Bearer $token";', 'proxy_set_header Authorization $http_authorization;'],
    },
  },
  {
    // linear: a keyword, a name tail of at most 32 characters ending at a quote, blank, `=` or
    // `:` its class excludes, bounded blanks and at most 64 characters of value; the check
    // reads at most 32 characters back and the 64 matched.
    id: 'credential-assignment',
    reason: 'a password or key assignment',
    description:
      'A value assigned to a credential-like key inside a file or a command line (password=…, "api_key": "…", --db-password=…, SECRET_KEY: …), judged by the key name as for env names; values under 6 characters, placeholders, masks, paths and plain URLs are not credentials.',
    anchors: ['pass', 'pwd', 'secret', 'token', 'key', 'credential'],
    pattern: rei`((?:pass|pwd|secret|token|key|credential)[A-Za-z0-9_.-]{0,32})["']?[ \t]{0,8}[=:][ \t]{0,8}["']?([^\s"'\x60]{1,64})`,
    accept: (m, value) => looksLikeSecretName(keyName(value, m.index, m[1]!)) && credibleValue(trimClosers(m[2]!), 6),
    examples: {
      match: ['server.port=8080\nspring.datasource.password=' + 'S3cr3t!pass' + '\n', '{"api_key": "' + 'k3y-9f8e7d6c5b' + '"}', 'mysqld --user=app --password=' + 'hunter22xyz', 'PGPASSWORD=' + 'hunter22xyz', 'SECRET_KEY_BASE: ' + 'a9f8e7d6c5b4a3'],
      nearMiss: [
        'password: ${DB_PASSWORD}',
        'password_file=/run/secrets/db',
        'token_endpoint: https://auth.example.com/oauth/token',
        'PASSWORD_MIN_LENGTH=12',
        'tokenizer: standard',
        'key: app.kubernetes.io/name',
        'require_password: true',
        'existingSecret: db-credentials',
        'password: "********"',
      ],
    },
  },
];
