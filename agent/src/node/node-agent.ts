// The agent in node mode: reads the host's hardening facts at an interval and streams a
// NodeFacts message at start and whenever their content hash changes.
import type { NodeFactsDoc } from '@stance/shared/node/index';
import { ConfigError } from '@stance/shared/config/index';
import { createLogger, type Logger } from '@stance/shared/log/index';
import type { AgentConfig } from '../config.js';
import { CollectorConnection, connectionOptions } from '../transport/connection.js';
import { runtimeSummary } from '../runtime-flags.js';
import { Outbox } from '../transport/outbox.js';
import { watchNodeFacts, type NodeFactsWatch } from './watch.js';

export class NodeAgent {
  private readonly log: Logger;
  private readonly outbox: Outbox;
  private connection: CollectorConnection | undefined;
  private watch: NodeFactsWatch | undefined;
  private latest: { doc: NodeFactsDoc; hash: string } | undefined;
  private readonly abort = new AbortController();
  clusterId = '';

  constructor(private readonly config: AgentConfig) {
    this.log = createLogger('agent', { mode: 'node', agentId: config.agentId, node: config.nodeName });
    this.outbox = new Outbox(config.bufferBytes, () => this.resend('buffer overflow'));
  }

  async start(): Promise<void> {
    this.clusterId = this.config.clusterId ?? (await this.readClusterId());
    this.connection = new CollectorConnection(
      connectionOptions(this.config, this.clusterId, 'node', this.config.nodeName),
      this.outbox,
      { resync: (reason) => this.resend(reason), counts: () => ({ 'stance.dev/v1alpha1/NodeFacts': this.latest ? 1 : 0 }) },
      this.log,
    );
    this.connection.start();
    this.watch = watchNodeFacts({
      hostRoot: this.config.hostRoot,
      nodeName: this.config.nodeName,
      intervalMs: this.config.factsIntervalMs,
      onChange: (doc, hash) => {
        this.latest = { doc, hash };
        this.log.info({ contentHash: hash }, 'node facts changed; sending');
        this.send();
      },
      onError: (err) => this.log.warn({ err: (err as Error).message, hostRoot: this.config.hostRoot }, 'node facts collection failed'),
    });
    await this.watch.ready;
    this.log.info({ clusterId: this.clusterId, hostRoot: this.config.hostRoot, intervalMs: this.config.factsIntervalMs, runtime: runtimeSummary('node') }, 'node agent running');
  }

  /** The kube-system uid, through the Kubernetes API (loaded only when no --cluster-id is given). */
  private async readClusterId(): Promise<string> {
    const [{ clusterUid }, { KubeClient }, { loadKubeConfig }] = await Promise.all([
      import('../cluster/cluster-identity.js'),
      import('../cluster/kube-client.js'),
      import('../cluster/kube-config.js'),
    ]);
    const kc = loadKubeConfig(this.config.kubeconfig);
    // client-node's OIDC login uses fetch, which needs WebAssembly; the node agent's
    // --lite-mode turns that off (runtime-flags.ts). Say so instead of crashing in undici.
    if (!('WebAssembly' in globalThis) && kc.getCurrentUser()?.authProvider?.name === 'oidc') {
      throw new ConfigError(
        '--kubeconfig / KUBECONFIG',
        'its user logs in through OIDC, which needs WebAssembly, and node mode runs without it (--lite-mode): give --cluster-id, or set STANCE_AGENT_NODE_FLAGS without --lite-mode',
      );
    }
    return clusterUid(new KubeClient(kc), this.log, this.abort.signal);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.watch?.stop();
    await this.connection?.stop();
    this.log.info('node agent stopped');
  }

  /** Level-based like the cluster agent: the latest facts are the whole state. */
  private resend(reason: string): void {
    this.log.info({ reason }, 'resending node facts');
    this.send();
  }

  private send(): void {
    if (!this.latest) return;
    const facts = Buffer.from(JSON.stringify(this.latest.doc));
    this.outbox.push(
      { $case: 'nodeFacts', value: { nodeName: this.config.nodeName, contentHash: this.latest.hash, facts, collectedAtUnixMs: Date.now() } },
      facts.length + 128,
    );
  }
}
