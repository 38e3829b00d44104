// The token files of the collector (agent grants, API tokens) are YAML or JSON documents
// holding `tokens: [ … ]`. This reads one and hands back its entries; each caller checks
// its own fields. Errors name the setting and the file, never a token.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '@stance/shared/config/index';

export function readTokenEntries(file: string, setting: string, shape: string): Record<string, unknown>[] {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    // The parser's message ends with a code frame that would print a token: keep the first line.
    const first = (err as Error).message.split('\n')[0]!.replace(/:$/, '');
    throw new ConfigError(setting, `${file}: ${first}`);
  }
  const tokens = (doc as { tokens?: unknown })?.tokens;
  if (!Array.isArray(tokens) || tokens.length === 0) throw new ConfigError(setting, `${file}: expected "tokens: [${shape}]"`);
  return tokens.map((t) => (typeof t === 'object' && t !== null ? (t as Record<string, unknown>) : {}));
}
