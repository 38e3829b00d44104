import { describe, expect, it } from 'vitest';
import { REDACTED } from './facts.js';
import { isSecretFlag, lastFlag, listFlag, parseArgs, parseFeatureGates, sanitizeFlagValue } from './args.js';
import { withinMode } from './mode.js';
import { canonicalJson } from './hash.js';

describe('parseArgs', () => {
  it('reads --flag=value, --flag value, -flag value and repeated flags in order', () => {
    const { flags, positional } = parseArgs(['--a=1', '--b', '2', '-data-dir', '/var/lib/etcd', '--a=3', 'serve']);
    expect(flags).toEqual({ a: ['1', '3'], b: ['2'], 'data-dir': ['/var/lib/etcd'] });
    expect(positional).toEqual(['serve']);
    expect(lastFlag(flags, 'a')).toBe('3');
  });

  it('does not let a boolean flag swallow the next argument', () => {
    const { flags } = parseArgs(['--profiling', '--protect-kernel-defaults', 'false', '--anonymous-auth', 'x']);
    expect(flags).toEqual({ profiling: ['true'], 'protect-kernel-defaults': ['false'], 'anonymous-auth': ['true'] });
  });

  it('splits list flags across repeats and commas', () => {
    const { flags } = parseArgs(['--enable-admission-plugins=NodeRestriction, EventRateLimit', '--enable-admission-plugins', 'AlwaysPullImages']);
    expect(listFlag(flags, 'enable-admission-plugins')).toEqual(['NodeRestriction', 'EventRateLimit', 'AlwaysPullImages']);
    expect(parseFeatureGates(['A=true,B=false', 'A=false'])).toEqual({ A: false, B: false });
  });

  it('redacts secret values but keeps paths, booleans and durations', () => {
    expect(isSecretFlag('token')).toBe(true);
    expect(isSecretFlag('token-auth-file')).toBe(false);
    const { flags } = parseArgs(['--token', 's3cr3t', '--bootstrap-token=abc.def', '--use-service-account-credentials=true', '--service-account-max-token-expiration=48h', '--etcd-servers=https://u:pw@h:2379']);
    expect(flags.token).toEqual([REDACTED]);
    expect(flags['bootstrap-token']).toEqual([REDACTED]);
    expect(flags['use-service-account-credentials']).toEqual(['true']);
    expect(flags['service-account-max-token-expiration']).toEqual(['48h']);
    expect(flags['etcd-servers']).toEqual([`https://${REDACTED}@h:2379`]);
    expect(sanitizeFlagValue('kubelet-arg', 'bootstrap-token=xyz')).toBe(`bootstrap-token=${REDACTED}`);
  });
});

describe('modes and hashing', () => {
  it('compares modes as a bitmask', () => {
    expect(withinMode(0o600, 0o600)).toBe(true);
    expect(withinMode(0o400, 0o600)).toBe(true);
    expect(withinMode(0o610, 0o600)).toBe(false);
    expect(withinMode(0o4600, 0o600)).toBe(false);
    expect(withinMode(0o700, 0o700)).toBe(true);
  });

  it('canonical JSON does not depend on key order', () => {
    expect(canonicalJson({ b: 1, a: [{ y: 2, x: 1 }] })).toBe(canonicalJson({ a: [{ x: 1, y: 2 }], b: 1 }));
  });
});
