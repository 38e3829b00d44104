import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@stance/shared/config/index';
import { parseTokenList, readTokensFile } from './grants.js';

const dir = mkdtempSync(join(tmpdir(), 'stance-grants-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('parseTokenList', () => {
  it('reads CLUSTER=TOKEN pairs into grants named after their cluster, serving both modes', () => {
    expect(parseTokenList(' prod=abcdefghijklmnop=, , dev=0123456789abcdef=x ')).toEqual([
      { name: 'prod', cluster: 'prod', token: 'abcdefghijklmnop=', modes: ['cluster', 'node'] },
      { name: 'dev', cluster: 'dev', token: '0123456789abcdef=x', modes: ['cluster', 'node'] },
    ]);
    expect(parseTokenList('')).toEqual([]);
  });

  it.each(['prod', '=token', 'prod=', 'a=short'])('rejects "%s" naming the setting, never echoing the token', (raw) => {
    const run = () => parseTokenList(raw, '--agent-tokens');
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(/--agent-tokens/);
    try {
      run();
    } catch (err) {
      expect((err as Error).message).not.toContain('short');
    }
  });

  it('refuses one token for two clusters: a grant authorises exactly one cluster', () => {
    expect(() => parseTokenList('eu=shared-token-000001,us=shared-token-000001')).toThrow(/exactly one cluster/);
  });
});

describe('readTokensFile', () => {
  it('reads names, clusters, tokens and modes', () => {
    const p = file('ok.yaml', 'tokens:\n  - {name: prod-agent, cluster: prod, token: prod-token-000000001, modes: [cluster]}\n  - {cluster: "*", token: fleet-token-00000001}\n');
    expect(readTokensFile(p)).toEqual([
      { name: 'prod-agent', cluster: 'prod', token: 'prod-token-000000001', modes: ['cluster'] },
      { name: '*', cluster: '*', token: 'fleet-token-00000001', modes: ['cluster', 'node'] },
    ]);
  });

  it.each([
    ['no-list.yaml', 'tokens: nope\n', /expected "tokens/],
    ['no-cluster.yaml', 'tokens: [{token: prod-token-000000001}]\n', /tokens\[0\] needs a cluster/],
    ['bad-mode.yaml', 'tokens: [{cluster: a, token: prod-token-000000001, modes: [root]}]\n', /modes must be/],
    ['short.yaml', 'tokens: [{cluster: a, token: short}]\n', /at least 16 characters/],
    ['dup-name.yaml', 'tokens: [{name: x, cluster: a, token: aaaaaaaaaaaaaaaa1}, {name: x, cluster: b, token: bbbbbbbbbbbbbbbb1}]\n', /two grants are named "x"/],
    ['broken.yaml', 'tokens: [\n', /broken\.yaml/],
  ])('%s is refused with the file and what is wrong', (name, text, message) => {
    const p = file(name, text);
    expect(() => readTokensFile(p)).toThrow(ConfigError);
    expect(() => readTokensFile(p)).toThrow(message);
  });

  it('never prints a token from a file the parser cannot read', () => {
    const p = file('unclosed.yaml', 'tokens:\n  - cluster: a\n    token: "SuperSecretToken123456\n');
    try {
      readTokensFile(p);
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toContain('unclosed.yaml');
      expect((err as Error).message).not.toContain('SuperSecretToken');
    }
  });
});
