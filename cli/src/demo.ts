// `stance demo` (what `pnpm start` runs): with no cluster at hand, an in-memory Kubernetes
// API loaded with a sample cluster; with --kubeconfig/KUBECONFIG, the real cluster. Then a
// collector and a cluster agent, all in one process, with the URLs printed.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadAgentConfig, createAgent, type RunnableAgent } from '@stance/agent';
import { Collector, loadCollectorConfig } from '@stance/collector';
import { parsePort, pick } from '@stance/shared/config/index';
import { createLogger } from '@stance/shared/log/index';

export interface DemoFlags {
  kubeconfig?: string;
  data?: string;
  httpPort?: string;
  grpcPort?: string;
  apiPort?: string;
}

/** A fixed kube-system uid, so that restarting the demo keeps the same cluster and history. */
const DEMO_CLUSTER_UID = '5f1c6d3e-0b7a-4f4e-9a51-7d2c8e9b0a11';

export async function runDemo(flags: DemoFlags) {
  const log = createLogger('demo');
  const dataDir = resolve(pick(flags.data, process.env.STANCE_DATA_DIR) ?? './data');
  const realKubeconfig = pick(flags.kubeconfig, process.env.KUBECONFIG);
  const apiPort = parsePort('--api-port / STANCE_DEMO_API_PORT', pick(flags.apiPort, process.env.STANCE_DEMO_API_PORT) ?? '7080');
  const token = randomBytes(24).toString('base64url');
  const collector = new Collector(
    loadCollectorConfig(
      { data: dataDir, ...(flags.httpPort ? { httpPort: flags.httpPort } : {}), ...(flags.grpcPort ? { grpcPort: flags.grpcPort } : {}) },
      { ...process.env, STANCE_AGENT_TOKENS: `*=${token}` },
    ),
  );

  let apiServer: { stop(): Promise<void> } | undefined;
  let hostRoot: string | undefined;
  let kubeconfig = realKubeconfig;
  if (!kubeconfig) {
    const { TestApiServer, DEMO_CLUSTER_DIR } = await import('@stance/dev-cluster');
    const server = new TestApiServer({ port: apiPort, clusterUid: DEMO_CLUSTER_UID });
    const loaded = await server.loadDir(DEMO_CLUSTER_DIR);
    await server.start();
    mkdirSync(dataDir, { recursive: true });
    kubeconfig = join(dataDir, 'demo-kubeconfig.yaml');
    server.writeKubeconfig(kubeconfig);
    apiServer = server;
    // A fake control-plane host with real file modes and a misconfigured kubelet, so the
    // node checks have something to say.
    const { HOST_SCENARIOS } = await import('@stance/dev-cluster/hostroot/index');
    hostRoot = (await HOST_SCENARIOS['cp-bad']()).root;
    log.info({ url: server.url, objects: loaded, kubeconfig }, 'demo Kubernetes API serving a sample cluster');
  }

  await collector.start();
  const agents: RunnableAgent[] = [
    await createAgent(
      loadAgentConfig({
        mode: 'cluster',
        collector: `127.0.0.1:${collector.grpcPort}`,
        token,
        kubeconfig,
        clusterName: realKubeconfig ? 'default' : 'demo',
        agentId: 'demo-cluster-agent',
      }),
    ),
  ];
  if (hostRoot) {
    agents.push(
      await createAgent(
        loadAgentConfig({
          mode: 'node',
          collector: `127.0.0.1:${collector.grpcPort}`,
          token,
          kubeconfig,
          clusterName: 'demo',
          agentId: 'demo-node-agent',
          nodeName: 'demo-control-plane',
          hostRoot,
        }),
      ),
    );
  }
  for (const a of agents) await a.start();

  const http = `http://127.0.0.1:${collector.httpPort}`;
  log.info({ dashboard: `${http}/`, api: `${http}/api/v1/clusters`, kubeconfig }, 'Stance demo running');
  process.stderr.write(
    [
      '',
      `  Stance demo is running.`,
      `  Dashboard / API:  ${http}/   ${http}/api/v1/clusters`,
      `  Findings:         ${http}/api/v1/findings`,
      `  Posture:          ${http}/api/v1/clusters/${agents[0]!.clusterId}/posture`,
      `  Kubernetes API:   kubectl --kubeconfig ${kubeconfig} get pods -A`,
      `  Stop with Ctrl-C.`,
      '',
    ].join('\n'),
  );

  return {
    async stop() {
      for (const a of agents) await a.stop();
      await collector.stop();
      await apiServer?.stop();
      if (hostRoot) await rm(hostRoot, { recursive: true, force: true });
    },
  };
}
