// The API server's EncryptionConfiguration: resource lists and provider names only. Key
// material (secrets, KMS endpoints' config) is never copied out of the parsed file.
import { parse as parseYaml } from 'yaml';
import type { EncryptionFacts } from '@stance/shared/node/index';

export function parseEncryptionConfig(path: string, text: string | undefined): EncryptionFacts {
  if (text === undefined) return { path, readable: false, error: 'not readable', rules: [] };
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    return { path, readable: true, error: `not YAML or JSON: ${(err as Error).message.split('\n')[0]}`, rules: [] };
  }
  const resources = (doc as { resources?: unknown } | null)?.resources;
  if (!Array.isArray(resources)) return { path, readable: true, error: 'no resources list', rules: [] };
  const rules = resources.map((r: unknown) => {
    const rule = (r ?? {}) as { resources?: unknown; providers?: unknown };
    const names = Array.isArray(rule.resources) ? rule.resources.filter((s): s is string => typeof s === 'string') : [];
    // Each provider entry is `{ <name>: {...config...} }`: keep the name, drop the config.
    const providers = Array.isArray(rule.providers)
      ? rule.providers.flatMap((p: unknown) => (p && typeof p === 'object' ? Object.keys(p as object).slice(0, 1) : []))
      : [];
    return { resources: names, providers };
  });
  return { path, readable: true, rules };
}
