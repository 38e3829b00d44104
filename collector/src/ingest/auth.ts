// Who may report which cluster: per-cluster bearer tokens and/or client certificates.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '@stance/shared/config/index';
import { AuthError } from './errors.js';

/** A token grants one cluster name, or any with "*". */
export interface TokenGrant {
  cluster: string;
  token: string;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export class AgentAuthenticator {
  private readonly grants: { cluster: string; digest: Buffer }[];

  constructor(
    grants: readonly TokenGrant[],
    /** Accept agents that present no token (loopback development only). */
    private readonly allowAnonymous: boolean,
  ) {
    this.grants = grants.map((g) => ({ cluster: g.cluster, digest: digest(g.token) }));
  }

  get tokenCount(): number {
    return this.grants.length;
  }

  /**
   * Checks the stream's credentials against the cluster the agent claims. A verified client
   * certificate whose CN names the cluster is enough; otherwise a matching bearer token is.
   */
  authorize(clusterName: string, token: string | undefined, certCommonName: string | undefined): void {
    if (certCommonName && (certCommonName === clusterName || certCommonName === '*')) return;
    if (token) {
      const d = digest(token);
      // One token may be granted to several clusters: any of its grants may match.
      const granted = this.grants.filter((g) => timingSafeEqual(g.digest, d));
      if (granted.length === 0) throw new AuthError('unknown agent token');
      if (!granted.some((g) => g.cluster === '*' || g.cluster === clusterName)) {
        throw new AuthError(`token is not valid for cluster "${clusterName}"`);
      }
      return;
    }
    if (this.allowAnonymous) return;
    throw new AuthError('no agent token or client certificate presented');
  }
}

/** `name=token,name2=token2` (STANCE_AGENT_TOKENS). */
export function parseTokenList(raw: string, setting = 'STANCE_AGENT_TOKENS'): TokenGrant[] {
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((pair) => {
      const i = pair.indexOf('=');
      if (i <= 0 || i === pair.length - 1) throw new ConfigError(setting, `"${pair}" is not CLUSTER=TOKEN`);
      return { cluster: pair.slice(0, i), token: pair.slice(i + 1) };
    });
}

/** A YAML/JSON file: `tokens: [{cluster: prod, token: ...}]`. */
export function readTokensFile(file: string): TokenGrant[] {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError('--tokens-file', `${file}: ${(err as Error).message}`);
  }
  const tokens = (doc as { tokens?: unknown })?.tokens;
  if (!Array.isArray(tokens)) throw new ConfigError('--tokens-file', `${file}: expected "tokens: [{cluster, token}]"`);
  return tokens.map((t, i) => {
    const g = t as Partial<TokenGrant>;
    if (typeof g?.cluster !== 'string' || typeof g.token !== 'string' || g.token.length < 8) {
      throw new ConfigError('--tokens-file', `${file}: tokens[${i}] needs a cluster and a token of at least 8 characters`);
    }
    return { cluster: g.cluster, token: g.token };
  });
}
