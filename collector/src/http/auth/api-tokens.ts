// HTTP API tokens: `--api-tokens-file` (STANCE_API_TOKENS_FILE), YAML or JSON
// `tokens: [{name, token, role: read|admin}]`. `read` may make every GET; `admin` may also
// write (exceptions, bindings).
import { ConfigError } from '@stance/shared/config/index';
import { readTokenEntries } from '../../credentials/token-file.js';
import { TokenTable } from '../../credentials/token-table.js';

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
  const names = new Set<string>();
  const values = new Set<string>();
  return readTokenEntries(file, setting, '{name, token, role: read|admin}').map((g, i) => {
    const where = `${file}: tokens[${i}]`;
    if (typeof g.name !== 'string' || !/^[\w.@:-]{1,64}$/.test(g.name)) throw new ConfigError(setting, `${where}: name must be 1-64 letters, digits or ._@:-`);
    if (typeof g.token !== 'string' || g.token.length < MIN_TOKEN || !TOKEN_CHARS.test(g.token)) {
      throw new ConfigError(setting, `${where} (${g.name}): the token must have at least ${MIN_TOKEN} characters of A-Z a-z 0-9 . _ ~ + / -, then optional = padding (e.g. openssl rand -base64 32)`);
    }
    if (!(API_ROLES as readonly unknown[]).includes(g.role)) throw new ConfigError(setting, `${where} (${g.name}): role must be one of ${API_ROLES.join(', ')}`);
    if (names.has(g.name)) throw new ConfigError(setting, `${file}: two tokens are named "${g.name}"`);
    if (values.has(g.token)) throw new ConfigError(setting, `${file}: token "${g.name}" repeats another token`);
    names.add(g.name);
    values.add(g.token);
    return { name: g.name, token: g.token, role: g.role as ApiRole };
  });
}

/** API tokens by value (constant-time lookup) → who is calling. */
export class ApiTokenStore extends TokenTable<Principal> {
  constructor(tokens: readonly ApiToken[]) {
    super(tokens.map((t) => ({ token: t.token, value: { name: t.name, role: t.role, via: 'token' } })));
  }
}
