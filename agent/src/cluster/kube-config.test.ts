import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@stance/shared/config/index';
import { loadKubeConfig } from './kube-config.js';

describe('loadKubeConfig', () => {
  it('names the flag and the file when the kubeconfig cannot be read', () => {
    expect(() => loadKubeConfig('/nonexistent/kubeconfig.yaml')).toThrow(ConfigError);
    expect(() => loadKubeConfig('/nonexistent/kubeconfig.yaml')).toThrow('invalid --kubeconfig / KUBECONFIG: /nonexistent/kubeconfig.yaml: ENOENT');
  });

  it('names the file when it is not a kubeconfig', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kc-')), 'bad.yaml');
    writeFileSync(file, 'clusters: [\n');
    expect(() => loadKubeConfig(file)).toThrow(/^invalid --kubeconfig \/ KUBECONFIG: .*bad\.yaml: /);
  });

  it('loads a readable file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kc-')), 'ok.yaml');
    writeFileSync(file, 'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "http://127.0.0.1:1"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n');
    expect(loadKubeConfig(file).getCurrentCluster()?.server).toBe('http://127.0.0.1:1');
  });
});
