import { describe, expect, it } from 'vitest';
import { AgentAuthenticator, isWildcard } from './auth.js';
import { AuthError, PermissionError } from './errors.js';
import type { TokenGrant } from './grants.js';

const grants: TokenGrant[] = [
  { name: 'prod', cluster: 'prod', token: 'prod-token-000000001', modes: ['cluster'] },
  { name: 'prod-nodes', cluster: 'prod', token: 'prod-nodes-00000001', modes: ['node'] },
  { name: 'fleet', cluster: '*', token: 'fleet-token-00000001', modes: ['cluster', 'node'] },
];

function thrown<E extends Error>(type: new (...a: never[]) => E, fn: () => unknown): E {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(type);
    return err as E;
  }
  throw new Error(`expected a ${type.name}`);
}

describe('AgentAuthenticator.authenticate', () => {
  const auth = new AgentAuthenticator(grants, false);

  it('names the grant of a known token', () => {
    expect(auth.tokenCount).toBe(3);
    expect(auth.authenticate('prod-token-000000001', undefined)).toMatchObject({ name: 'prod', cluster: 'prod', via: 'token', modes: ['cluster'] });
    expect(isWildcard(auth.authenticate('fleet-token-00000001', undefined))).toBe(true);
  });

  it('rejects unknown tokens, including near misses, even with a valid certificate', () => {
    for (const t of ['prod-token-000000002', 'prod-token-00000000', 'PROD-TOKEN-000000001']) {
      expect(thrown(AuthError, () => auth.authenticate(t, undefined)).message).toMatch(/unknown agent token/);
    }
    expect(() => auth.authenticate('made-up-token-0000001', 'prod')).toThrow(AuthError);
  });

  it('rejects a stream with no credential unless anonymous agents are allowed', () => {
    expect(thrown(AuthError, () => auth.authenticate(undefined, undefined)).message).toMatch(/no agent token or client certificate/);
    expect(() => auth.authenticate('', undefined)).toThrow(AuthError);
    const open = new AgentAuthenticator([], true);
    expect(open.authenticate(undefined, undefined)).toMatchObject({ name: 'anonymous', cluster: '*', via: 'anonymous' });
    expect(() => open.authenticate('made-up-token-0000001', undefined)).toThrow(/unknown agent token/);
  });

  it('turns a verified client certificate into a grant for the cluster its CN names, in one mode, never "*"', () => {
    expect(auth.authenticate(undefined, 'staging')).toMatchObject({ name: 'cert:staging', cluster: 'staging', via: 'certificate', modes: ['cluster'] });
    expect(auth.authenticate(undefined, 'node:staging')).toMatchObject({ name: 'cert:node:staging', cluster: 'staging', modes: ['node'] });
    for (const cn of ['*', 'node:*', 'node:']) expect(() => auth.authenticate(undefined, cn)).toThrow(AuthError);
  });
});

describe('AgentAuthenticator.authorize', () => {
  const auth = new AgentAuthenticator(grants, false);
  const prod = auth.authenticate('prod-token-000000001', undefined);
  const prodNodes = auth.authenticate('prod-nodes-00000001', undefined);
  const fleet = auth.authenticate('fleet-token-00000001', undefined);

  it('allows a grant for its own cluster name and mode', () => {
    expect(() => auth.authorize(prod, 'prod', 'cluster')).not.toThrow();
    expect(() => auth.authorize(prodNodes, 'prod', 'node')).not.toThrow();
    expect(() => auth.authorize(fleet, 'anything', 'node')).not.toThrow();
  });

  it('refuses another cluster name, naming both', () => {
    const e = thrown(PermissionError, () => auth.authorize(prod, 'staging', 'cluster'));
    expect(e.message).toContain('"prod"');
    expect(e.message).toContain('"staging"');
  });

  it('refuses a mode the grant does not allow: a node token cannot act as the cluster agent', () => {
    expect(thrown(PermissionError, () => auth.authorize(prodNodes, 'prod', 'cluster')).message).toMatch(/does not allow cluster-mode/);
    expect(() => auth.authorize(prod, 'prod', 'node')).toThrow(PermissionError);
  });
});
