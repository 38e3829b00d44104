// The agent in cluster mode: one reflector per watched kind, their objects sanitised
// into Delta messages, buffered in the outbox and streamed to the collector.
import pLimit from 'p-limit';
import { DeltaType } from '@stance/proto';
import { createLogger, type Logger } from '@stance/shared/log/index';
import type { KindInfo, KubeObject } from '@stance/shared/model/index';
import type { AgentConfig } from '../config.js';
import { CollectorConnection, connectionOptions } from '../transport/connection.js';
import { Outbox } from '../transport/outbox.js';
import { clusterUid } from './cluster-identity.js';
import { discoverKinds } from './discovery.js';
import { loadKubeConfig } from './kube-config.js';
import { KubeClient } from './kube-client.js';
import { Reflector, type ObjectEventType, type ReflectorSink } from './reflector.js';
import { sanitize, truncated } from './sanitize.js';
import { runtimeSummary } from '../runtime-flags.js';

const DELTA_TYPE: Record<ObjectEventType, DeltaType> = {
  SYNC: DeltaType.DELTA_TYPE_SYNC,
  ADDED: DeltaType.DELTA_TYPE_ADDED,
  MODIFIED: DeltaType.DELTA_TYPE_MODIFIED,
  DELETED: DeltaType.DELTA_TYPE_DELETED,
};

/** One page is emitted while the next is fetched: the stream stays full, memory stays flat. */
const LIST_PAGES_AT_ONCE = 2;

export class ClusterAgent {
  private readonly log: Logger;
  private client!: KubeClient;
  private readonly outbox: Outbox;
  private reflectors: Reflector[] = [];
  private connection: CollectorConnection | undefined;
  private readonly abort = new AbortController();
  clusterId = '';

  constructor(private readonly config: AgentConfig) {
    this.log = createLogger('agent', { mode: 'cluster', agentId: config.agentId });
    this.outbox = new Outbox(config.bufferBytes, () => {
      this.log.warn({ bufferBytes: config.bufferBytes }, 'outgoing buffer overflowed; dropping it and relisting');
      this.resync();
    });
  }

  async start(): Promise<void> {
    this.client = new KubeClient(loadKubeConfig(this.config.kubeconfig));
    this.log.info(
      { server: this.client.server, collector: `${this.config.collector.host}:${this.config.collector.port}`, runtime: runtimeSummary('cluster') },
      'cluster agent starting',
    );
    this.clusterId = await clusterUid(this.client, this.log, this.abort.signal);
    const kinds = await discoverKinds(this.client, this.log);
    const sink = this.sink();
    const options = { pageSize: this.config.pageSize, pageGate: pLimit(LIST_PAGES_AT_ONCE), pageTimeoutMs: 60_000, inactivityMs: 120_000, watchTimeoutSeconds: 300 };
    this.reflectors = kinds.map((k) => new Reflector(this.client, k, sink, options, this.log));
    this.connection = new CollectorConnection(
      connectionOptions(this.config, this.clusterId, 'cluster'),
      this.outbox,
      { resync: (reason) => this.resync(reason), counts: () => this.counts() },
      this.log,
    );
    this.connection.start();
    for (const r of this.reflectors) r.start();
    this.log.info({ clusterId: this.clusterId, clusterName: this.config.clusterName, kinds: kinds.length }, 'watching cluster');
  }

  /** Graceful: stop watching, flush what is buffered, close the stream. */
  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.reflectors.map((r) => r.stop()));
    await this.connection?.stop();
    this.log.info('cluster agent stopped');
  }

  get stats() {
    return { buffered: this.outbox.size, bufferedBytes: this.outbox.bufferedBytes, lastAcked: this.outbox.lastAcked, overflows: this.outbox.overflows };
  }

  private resync(reason = 'buffer overflow'): void {
    this.log.info({ reason }, 'resyncing: relisting every kind');
    for (const r of this.reflectors) r.resync();
  }

  private counts(): Record<string, number> {
    return Object.fromEntries(this.reflectors.map((r) => [r.key, r.count]));
  }

  private sink(): ReflectorSink {
    const outbox = this.outbox;
    const max = this.config.maxObjectBytes;
    const log = this.log;
    return {
      snapshotBegin: (snapshotId, kindKey) => outbox.push({ $case: 'snapshotBegin', value: { snapshotId, kinds: [kindKey] } }, 64),
      snapshotEnd: (snapshotId, count) => outbox.push({ $case: 'snapshotEnd', value: { snapshotId, objectCount: count } }, 64),
      waitForRoom: () => outbox.waitForRoom(),
      object(type: ObjectEventType, raw: KubeObject, kind: KindInfo) {
        const obj = sanitize(raw, kind.kind, kind.apiVersion);
        let bytes = Buffer.from(JSON.stringify(obj));
        if (bytes.length > max) {
          log.error({ kind: kind.kind, namespace: obj.metadata.namespace, name: obj.metadata.name, bytes: bytes.length, limit: max }, 'object too large; sending its metadata only');
          bytes = Buffer.from(JSON.stringify(truncated(obj, bytes.length)));
        }
        const m = obj.metadata;
        outbox.push(
          {
            $case: 'delta',
            value: {
              type: DELTA_TYPE[type],
              apiVersion: kind.apiVersion,
              kind: kind.kind,
              namespace: m.namespace ?? '',
              name: m.name ?? '',
              uid: m.uid ?? '',
              resourceVersion: m.resourceVersion ?? '',
              object: bytes,
            },
          },
          bytes.length + 128,
        );
      },
    };
  }
}
