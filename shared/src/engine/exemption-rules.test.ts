import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../model/object.js';
import { defaultExemptionFor } from './default-exemptions.js';
import { composeExemptions, exemptionMatcher } from './exemption-rules.js';

const obj = (kind: string, name: string, namespace?: string): KubeObject => ({
  apiVersion: 'v1',
  kind,
  metadata: namespace ? { name, namespace } : { name },
});

describe('exemption rules', () => {
  const match = exemptionMatcher([
    { controls: ['rbac.*'], kinds: ['ClusterRole'], namePrefixes: ['system:'], reason: 'system role' },
    { controls: ['net.exposed-service'], namespaces: ['default'], names: ['kubernetes'], reason: 'api service' },
  ]);

  it('matches control prefixes, kinds, names, prefixes and namespaces', () => {
    expect(match('rbac.wildcard', obj('ClusterRole', 'system:node'))).toBe('system role');
    expect(match('net.pod-not-isolated', obj('ClusterRole', 'system:node'))).toBeUndefined();
    expect(match('rbac.wildcard', obj('ClusterRole', 'mine'))).toBeUndefined();
    expect(match('net.exposed-service', obj('Service', 'kubernetes', 'default'))).toBe('api service');
    expect(match('net.exposed-service', obj('Service', 'kubernetes', 'prod'))).toBeUndefined();
  });

  it('composes: the first reason wins', () => {
    const f = composeExemptions(undefined, () => undefined, match, () => 'fallback');
    expect(f('rbac.wildcard', obj('ClusterRole', 'system:x'))).toBe('system role');
    expect(f('rbac.wildcard', obj('ClusterRole', 'x'))).toBe('fallback');
  });

  it('the default composes pod and relation exemptions, and systemExemptions: false disables them', () => {
    const f = defaultExemptionFor();
    expect(f('rbac.secrets-read', obj('ClusterRole', 'system:controller:x'))).toMatch(/system:/);
    expect(f('net.namespace-no-networkpolicy', obj('Namespace', 'kube-system'))).toBeDefined();
    expect(f('pod.privileged', { ...obj('DaemonSet', 'kube-proxy', 'kube-system') })).toMatch(/kube-proxy/);
    // Only an object's own stance.dev/exempt annotation is left (annotation-exemptions.test.ts).
    expect(defaultExemptionFor({ systemExemptions: false })('pod.privileged', obj('DaemonSet', 'kube-proxy', 'kube-system'))).toBeUndefined();
  });
});
