// HTTP API tokens: `--api-tokens-file` (STANCE_API_TOKENS_FILE), YAML or JSON
// `tokens: [{name, token, role: read|admin}]`. `read` may make every GET; `admin` may also
// write (exceptions, bindings). Tokens are compared as SHA-256 digests in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '@stance/shared/config/index';

export const API_ROLES = ['read', 'admin'] as const;
export type ApiRole = (typeof API_ROLES)[number];

export interface ApiToken {
  name: string;
  token: string;
  role: ApiRole;
}

/** Who made a request: a token's name and role, or the open loopback API. */
export interface Principal {
  name: string;
  role: ApiRole;
  via: 'token' | 'open';
}

/** What an RFC 6750 bearer token may contain (what the Authorization header can carry). */
const TOKEN_CHARS = /^[A-Za-z0-9._~+/-]+=*$/;
const MIN_TOKEN = 16;

export function readApiTokensFile(file: string, setting = '--api-tokens-file'): ApiToken[] {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(setting, `${file}: ${(err as Error).message}`);
  }
  const tokens = (doc as { tokens?: unknown })?.tokens;
  if (!Array.isArray(tokens) || tokens.length === 0) throw new ConfigError(setting, `${file}: expected "tokens: [{name, token, role: read|admin}]"`);
  const names = new Set<string>();
  const values = new Set<string>();
  return tokens.map((t, i) => {
    const where = `${file}: tokens[${i}]`;
    const g = (t ?? {}) as Record<string, unknown>;
    if (typeof g.name !== 'string' || !/^[\w.@:-]{1,64}$/.test(g.name)) throw new ConfigError(setting, `${where}: name must be 1-64 letters, digits or ._@:-`);
    if (typeof g.token !== 'string' || g.token.length < MIN_TOKEN || !TOKEN_CHARS.test(g.token)) {
      throw new ConfigError(setting, `${where} (${g.name}): the token must have at least ${MIN_TOKEN} characters of A-Z a-z 0-9 . _ ~ + / - (e.g. openssl rand -base64 32)`);
    }
    if (!(API_ROLES as readonly unknown[]).includes(g.role)) throw new ConfigError(setting, `${where} (${g.name}): role must be one of ${API_ROLES.join(', ')}`);
    if (names.has(g.name)) throw new ConfigError(setting, `${file}: two tokens are named "${g.name}"`);
    if (values.has(g.token)) throw new ConfigError(setting, `${file}: token "${g.name}" repeats another token`);
    names.add(g.name);
    values.add(g.token);
    return { name: g.name, token: g.token, role: g.role as ApiRole };
  });
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export class ApiTokenStore {
  private readonly entries: { principal: Principal; digest: Buffer }[];

  constructor(tokens: readonly ApiToken[]) {
    this.entries = tokens.map((t) => ({ principal: { name: t.name, role: t.role, via: 'token' }, digest: digest(t.token) }));
  }

  get size(): number {
    return this.entries.length;
  }

  /** The token's principal; every entry is compared, each in constant time. */
  lookup(token: string): Principal | undefined {
    const d = digest(token);
    let found: Principal | undefined;
    for (const e of this.entries) if (timingSafeEqual(e.digest, d)) found = e.principal;
    return found;
  }
}
