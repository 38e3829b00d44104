// Agent grants as configured: which credential may report which cluster, in which modes.
// `--tokens-file` (YAML/JSON `tokens: [{name, cluster, token, modes}]`) or
// STANCE_AGENT_TOKENS (`cluster=token,…`).
import { ConfigError } from '@stance/shared/config/index';
import { readTokenEntries } from '../credentials/token-file.js';

export const AGENT_MODES = ['cluster', 'node'] as const;
export type AgentMode = (typeof AGENT_MODES)[number];

/** A token grants one cluster name (or every cluster with "*") to agents of the given modes. */
export interface TokenGrant {
  /** Names the grant in logs, the API and cluster bindings; defaults to the cluster. */
  name: string;
  cluster: string;
  token: string;
  modes: readonly AgentMode[];
}

const MIN_TOKEN = 16;

/** `name=token,name2=token2` (STANCE_AGENT_TOKENS): each grant serves both modes. */
export function parseTokenList(raw: string, setting = 'STANCE_AGENT_TOKENS'): TokenGrant[] {
  const grants = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((pair, n) => {
      const i = pair.indexOf('=');
      // Never the entry itself: without "=" it may be a bare token.
      if (i <= 0 || i === pair.length - 1) throw new ConfigError(setting, `entry ${n + 1} is not CLUSTER=TOKEN`);
      const cluster = pair.slice(0, i);
      return checked(setting, { name: cluster, cluster, token: pair.slice(i + 1), modes: AGENT_MODES }, cluster);
    });
  return validateGrants(setting, grants);
}

/** A YAML/JSON file: `tokens: [{name?, cluster, token, modes?: [cluster, node]}]`. */
export function readTokensFile(file: string): TokenGrant[] {
  const setting = '--tokens-file';
  const grants = readTokenEntries(file, setting, '{name, cluster, token, modes}').map((g, i) => {
    const where = `${file}: tokens[${i}]`;
    if (typeof g.cluster !== 'string' || !g.cluster) throw new ConfigError(setting, `${where} needs a cluster (a cluster name, or "*")`);
    if (typeof g.token !== 'string') throw new ConfigError(setting, `${where} needs a token`);
    if (g.name !== undefined && (typeof g.name !== 'string' || !g.name)) throw new ConfigError(setting, `${where}: name must be a non-empty string`);
    const modes = g.modes === undefined ? AGENT_MODES : g.modes;
    if (!Array.isArray(modes) || modes.length === 0 || !modes.every((m) => (AGENT_MODES as readonly unknown[]).includes(m))) {
      throw new ConfigError(setting, `${where}: modes must be a non-empty list of ${AGENT_MODES.join(', ')}`);
    }
    return checked(setting, { name: (g.name as string | undefined) ?? g.cluster, cluster: g.cluster, token: g.token, modes: modes as AgentMode[] }, where);
  });
  return validateGrants(setting, grants);
}

function checked(setting: string, g: TokenGrant, where: string): TokenGrant {
  if (g.token.length < MIN_TOKEN) throw new ConfigError(setting, `${where}: the token must have at least ${MIN_TOKEN} characters`);
  return g;
}

/**
 * Each grant authorises exactly one cluster: a token listed twice (for two clusters) would
 * make the grant ambiguous, and two grants under one name would share one binding.
 */
export function validateGrants(setting: string, grants: TokenGrant[]): TokenGrant[] {
  const names = new Set<string>();
  const tokens = new Set<string>();
  for (const g of grants) {
    if (names.has(g.name)) throw new ConfigError(setting, `two grants are named "${g.name}": give each a distinct name`);
    if (tokens.has(g.token)) throw new ConfigError(setting, `grant "${g.name}" reuses another grant's token: a token authorises exactly one cluster`);
    names.add(g.name);
    tokens.add(g.token);
  }
  return grants;
}
