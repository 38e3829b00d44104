import type { Command } from 'commander';
import { stopOnSignal } from '../lifecycle.js';

export function register(program: Command): void {
  program
    .command('agent')
    .description('Run an agent: --mode cluster watches the Kubernetes API, --mode node reads host hardening facts')
    .option('--mode <mode>', 'cluster or node (STANCE_AGENT_MODE, default cluster)')
    .option('--collector <host:port>', 'collector gRPC address (STANCE_COLLECTOR, default 127.0.0.1:7071)')
    .option('--token <token>', 'agent token for this cluster (STANCE_AGENT_TOKEN)')
    .option('--tls-ca <file>', 'CA that signed the collector certificate (STANCE_TLS_CA)')
    .option('--tls-cert <file>', 'client certificate for mTLS (STANCE_TLS_CERT)')
    .option('--tls-key <file>', 'client key for mTLS (STANCE_TLS_KEY)')
    .option('--insecure', 'plain-text gRPC to a non-loopback collector (STANCE_INSECURE=true)')
    .option('--kubeconfig <file>', 'kubeconfig (KUBECONFIG; in-cluster config when absent)')
    .option('--cluster-name <name>', 'cluster name shown in Stance (STANCE_CLUSTER_NAME, default "default")')
    .option('--cluster-id <uid>', 'cluster id when the agent cannot read kube-system (STANCE_CLUSTER_ID; node mode)')
    .option('--agent-id <id>', 'stable agent id (STANCE_AGENT_ID; default from pod or host name)')
    .option('--node-name <name>', 'node name in node mode (STANCE_NODE_NAME / NODE_NAME; default host name)')
    .option('--host-root <dir>', 'host root in node mode (STANCE_HOST_ROOT, default /)')
    .option('--facts-interval <duration>', 'how often node facts are re-read (STANCE_FACTS_INTERVAL, default 30s)')
    .option('--buffer-bytes <n>', 'bound of unacknowledged messages kept for replay (STANCE_BUFFER_BYTES, default 32 MiB)')
    .option('--max-object-bytes <n>', 'larger objects are sent as metadata only (STANCE_MAX_OBJECT_BYTES, default 2 MiB)')
    .option('--page-size <n>', 'list page size (STANCE_PAGE_SIZE, default 500)')
    .addHelpText(
      'after',
      `
Memory: run the bundle (pnpm build, then cli/dist/stance agent ...). Its launcher starts node
with V8 flags for the mode (agent/src/runtime-flags.ts); STANCE_AGENT_NODE_FLAGS replaces them.`,
    )
    .action(async (flags) => {
      const { loadAgentConfig, createAgent } = await import('@stance/agent');
      const agent = await createAgent(loadAgentConfig(flags));
      stopOnSignal(agent, 'agent');
      await agent.start();
    });
}
