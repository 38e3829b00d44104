// The demo cluster watched for real: the in-memory Kubernetes API loaded with the demo
// manifests, `stance collector` and a cluster agent as child processes; and REST calls to
// that API (what kubectl would do) for tests that change the cluster under the collector.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_CLUSTER_DIR, TestApiServer } from '@stance/dev-cluster';
import { runStance, startCollector, type CollectorProcess, type StanceProcess } from './processes.js';

export interface DemoStack {
  api: TestApiServer;
  collector: CollectorProcess;
  agent: StanceProcess;
  /** A REST call to the Kubernetes API; throws on a status of 300 or more. */
  kube(method: string, path: string, body?: unknown): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

export async function startDemoStack(clusterName: string): Promise<DemoStack> {
  const dir = mkdtempSync(join(tmpdir(), `stance-${clusterName}-`));
  const api = new TestApiServer();
  await api.loadDir(DEMO_CLUSTER_DIR);
  await api.start();
  api.writeKubeconfig(join(dir, 'kubeconfig.yaml'));
  const collector = await startCollector(['--data', join(dir, 'data')]);
  const agent = runStance('agent', ['agent', '--collector', collector.grpcAddress, '--kubeconfig', join(dir, 'kubeconfig.yaml'), '--cluster-name', clusterName]);
  return {
    api,
    collector,
    agent,
    async kube(method, path, body) {
      const res = await fetch(api.url + path, { method, headers: { 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
      const json = (await res.json()) as Record<string, unknown>;
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    },
    async stop() {
      await agent.kill();
      await collector.kill();
      await api.stop();
    },
  };
}
