import { describe, expect, it } from 'vitest';
import { ConfigError } from '@stance/shared/config/index';
import { AgentAuthenticator, parseTokenList } from './auth.js';
import { AuthError } from './errors.js';

const grants = [
  { cluster: 'prod', token: 'prod-token-0001' },
  { cluster: '*', token: 'admin-token-0001' },
];

function denial(fn: () => void): AuthError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AuthError);
    return err as AuthError;
  }
  throw new Error('expected an AuthError');
}

describe('AgentAuthenticator', () => {
  const auth = new AgentAuthenticator(grants, false);

  it('accepts a token for its own cluster, and a "*" token for any', () => {
    expect(auth.tokenCount).toBe(2);
    expect(() => auth.authorize('prod', 'prod-token-0001', undefined)).not.toThrow();
    expect(() => auth.authorize('prod', 'admin-token-0001', undefined)).not.toThrow();
    expect(() => auth.authorize('staging', 'admin-token-0001', undefined)).not.toThrow();
  });

  it('rejects a token of another cluster, naming the cluster', () => {
    expect(denial(() => auth.authorize('staging', 'prod-token-0001', undefined)).message).toContain('"staging"');
  });

  it('rejects an unknown token, including near misses', () => {
    expect(denial(() => auth.authorize('prod', 'prod-token-0002', undefined)).message).toMatch(/unknown agent token/);
    expect(denial(() => auth.authorize('prod', 'prod-token-000', undefined)).message).toMatch(/unknown agent token/);
    expect(denial(() => auth.authorize('prod', 'PROD-TOKEN-0001', undefined)).message).toMatch(/unknown agent token/);
  });

  it('rejects an agent with no credentials', () => {
    expect(denial(() => auth.authorize('prod', undefined, undefined)).message).toMatch(/no agent token or client certificate/);
    expect(denial(() => auth.authorize('prod', '', undefined)).message).toMatch(/no agent token/);
  });

  it('accepts a verified client certificate whose CN names the cluster (or "*")', () => {
    expect(() => auth.authorize('prod', undefined, 'prod')).not.toThrow();
    expect(() => auth.authorize('anything', undefined, '*')).not.toThrow();
  });

  it('falls back to the token when the certificate names another cluster', () => {
    expect(() => auth.authorize('prod', 'prod-token-0001', 'staging')).not.toThrow();
    expect(() => auth.authorize('prod', undefined, 'staging')).toThrow(AuthError);
  });

  it('accepts one token granted to several clusters for each of them', () => {
    const shared = new AgentAuthenticator(
      [
        { cluster: 'eu', token: 'shared-token-01' },
        { cluster: 'us', token: 'shared-token-01' },
      ],
      false,
    );
    expect(() => shared.authorize('eu', 'shared-token-01', undefined)).not.toThrow();
    expect(() => shared.authorize('us', 'shared-token-01', undefined)).not.toThrow();
    expect(() => shared.authorize('ap', 'shared-token-01', undefined)).toThrow(/not valid for cluster "ap"/);
  });

  it('lets anonymous agents in only when allowed, but never with a wrong token', () => {
    const open = new AgentAuthenticator([], true);
    expect(() => open.authorize('dev', undefined, undefined)).not.toThrow();
    expect(() => open.authorize('dev', 'made-up-token', undefined)).toThrow(/unknown agent token/);
    expect(() => new AgentAuthenticator([], false).authorize('dev', undefined, undefined)).toThrow(AuthError);
  });
});

describe('parseTokenList', () => {
  it('reads CLUSTER=TOKEN pairs, trimming blanks and keeping "=" inside tokens', () => {
    expect(parseTokenList(' prod=abc=, , dev=x=y ')).toEqual([
      { cluster: 'prod', token: 'abc=' },
      { cluster: 'dev', token: 'x=y' },
    ]);
    expect(parseTokenList('')).toEqual([]);
  });

  it.each(['prod', '=token', 'prod=', 'a=b,broken'])('rejects "%s" naming the setting', (raw) => {
    const run = () => parseTokenList(raw, '--agent-tokens');
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(/--agent-tokens/);
  });
});
