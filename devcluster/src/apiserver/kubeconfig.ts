// A kubeconfig pointing at the test server: plain HTTP, no credentials. client-node
// 1.4 wants `insecure-skip-tls-verify` even for http:// servers (TOOLCHAIN.md).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { stringify } from 'yaml';

export function kubeconfigFor(server: string, name = 'stance-test'): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server, 'insecure-skip-tls-verify': true } }],
    users: [{ name, user: { token: 'stance-test-token' } }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: 'default' } }],
    'current-context': name,
    preferences: {},
  });
}

export function writeKubeconfigFile(path: string, server: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, kubeconfigFor(server), { mode: 0o600 });
}
