// The agent's stream to the collector: Hello, replay of what was not committed, the
// outgoing pump with HTTP/2 flow control, heartbeats, and reconnection with backoff.
import { Metadata, type ClientDuplexStream } from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import { AgentMode, AgentServiceClient, type ConnectRequest, type ConnectResponse } from '@stance/proto';
import type { Logger } from '@stance/shared/log/index';
import { STANCE_VERSION } from '@stance/shared/version';
import { Backoff, sleep } from '../cluster/backoff.js';
import { channelCredentials, type TransportSecurity } from './credentials.js';
import type { Outbox } from './outbox.js';

export interface ConnectionOptions {
  host: string;
  port: number;
  security: TransportSecurity;
  token?: string;
  clusterId: string;
  clusterName: string;
  agentId: string;
  mode: 'cluster' | 'node';
  nodeName?: string;
}

export interface ConnectionHooks {
  /** The collector cannot replay from what we hold: send full state again. */
  resync(reason: string): void;
  /** Object counts for heartbeats. */
  counts(): Record<string, number>;
}

type Stream = ClientDuplexStream<ConnectRequest, ConnectResponse>;

/** The connection options an agent's configuration implies. */
export function connectionOptions(
  config: { collector: { host: string; port: number }; security: TransportSecurity; token?: string; clusterName: string; agentId: string },
  clusterId: string,
  mode: 'cluster' | 'node',
  nodeName?: string,
): ConnectionOptions {
  return {
    host: config.collector.host,
    port: config.collector.port,
    security: config.security,
    ...(config.token ? { token: config.token } : {}),
    clusterId,
    clusterName: config.clusterName,
    agentId: config.agentId,
    mode,
    ...(nodeName ? { nodeName } : {}),
  };
}

export class CollectorConnection {
  readonly sessionId = randomUUID();
  private readonly client: AgentServiceClient;
  private stream: Stream | undefined;
  private stopped = false;
  /** Cuts a reconnect wait short on stop (it can be 15 s). */
  private readonly stopping = new AbortController();
  // Capped at 5 s: a restarted collector (upgrade, crash) is back within seconds, and full
  // jitter still spreads a fleet of agents over the window.
  private readonly backoff = new Backoff(250, 5_000);
  private heartbeat: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  connected = false;
  rejectedMessages = 0;

  constructor(
    private readonly opts: ConnectionOptions,
    private readonly outbox: Outbox,
    private readonly hooks: ConnectionHooks,
    private readonly log: Logger,
  ) {
    this.client = new AgentServiceClient(`${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${opts.port}`, channelCredentials(opts.host, opts.security), {
      'grpc.keepalive_time_ms': 20_000,
      'grpc.keepalive_timeout_ms': 10_000,
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.max_send_message_length': 64 * 1024 * 1024,
    });
  }

  start(): void {
    this.running ??= this.loop();
  }

  /** Waits (bounded) until everything buffered is acknowledged, then closes. */
  async stop(flushTimeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + flushTimeoutMs;
    while (this.connected && this.outbox.size > 0 && Date.now() < deadline) await sleep(50);
    if (this.outbox.size > 0) this.log.warn({ unacked: this.outbox.size }, 'stopping with unacknowledged messages');
    this.stopped = true;
    this.stopping.abort();
    this.stream?.end();
    this.stream?.cancel();
    clearInterval(this.heartbeat);
    await this.running;
    this.client.close();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.session();
        this.backoff.reset();
      } catch (err) {
        if (this.stopped) break;
        const delay = this.backoff.next();
        this.log.warn({ err: (err as Error).message, retryInMs: delay }, 'collector stream failed; reconnecting');
        await sleep(delay, this.stopping.signal);
      }
    }
  }

  /** One stream's life; resolves or rejects when it ends. */
  private session(): Promise<void> {
    const md = new Metadata();
    if (this.opts.token) md.set('authorization', `Bearer ${this.opts.token}`);
    const stream = this.client.connect(md);
    this.stream = stream;
    return new Promise<void>((resolve, reject) => {
      let welcomed = false;
      const finish = (err?: Error) => {
        this.connected = false;
        clearInterval(this.heartbeat);
        if (err) reject(err);
        else resolve();
      };
      stream.on('data', (m: ConnectResponse) => {
        const b = m.body;
        if (!b) return;
        switch (b.$case) {
          case 'welcome': {
            welcomed = true;
            this.connected = true;
            this.backoff.reset();
            this.log.info({ committedSeq: b.value.committedSeq, resync: b.value.resync, collector: `${this.opts.host}:${this.opts.port}` }, 'connected to collector');
            if (b.value.resync) {
              this.outbox.clear();
              this.hooks.resync('collector cannot replay from our buffer');
            } else {
              this.outbox.rewind(b.value.committedSeq);
            }
            const every = b.value.heartbeatIntervalMs > 0 ? b.value.heartbeatIntervalMs : 5000;
            this.heartbeat = setInterval(() => this.sendHeartbeat(stream), every);
            void this.pump(stream);
            return;
          }
          case 'ack':
            this.outbox.ack(b.value.seq);
            return;
          case 'resync':
            this.outbox.clear();
            this.hooks.resync(b.value.reason || 'collector asked');
            return;
          case 'error':
            this.rejectedMessages += 1;
            this.log.warn({ seq: b.value.seq, code: b.value.code }, `collector rejected a message: ${b.value.message}`);
            return;
        }
      });
      stream.on('error', (err) => finish(welcomed ? err : new Error(`collector refused the stream: ${err.message}`)));
      stream.on('end', () => finish());
      stream.write({
        seq: 0,
        body: {
          $case: 'hello',
          value: {
            clusterId: this.opts.clusterId,
            clusterName: this.opts.clusterName,
            agentId: this.opts.agentId,
            mode: this.opts.mode === 'cluster' ? AgentMode.AGENT_MODE_CLUSTER : AgentMode.AGENT_MODE_NODE,
            nodeName: this.opts.nodeName ?? '',
            version: STANCE_VERSION,
            sessionId: this.sessionId,
            firstBufferedSeq: this.outbox.firstBufferedSeq,
          },
        },
      });
    });
  }

  /** Writes buffered messages while the stream has room; waits for 'drain' otherwise. */
  private async pump(stream: Stream): Promise<void> {
    while (this.stream === stream && this.connected) {
      const m = this.outbox.take();
      if (!m) {
        await this.outbox.whenData();
        continue;
      }
      if (!stream.write(m)) await new Promise<void>((r) => stream.once('drain', () => r()));
    }
  }

  private sendHeartbeat(stream: Stream): void {
    const counts = this.hooks.counts();
    stream.write({
      seq: 0,
      body: {
        $case: 'heartbeat',
        value: {
          sentAtUnixMs: Date.now(),
          objectCounts: counts,
          lagMs: this.outbox.lagMs(),
          buffered: this.outbox.size,
          lastAckedSeq: this.outbox.lastAcked,
        },
      },
    });
  }
}
