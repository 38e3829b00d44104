// One agent's stream: Hello first, then sequenced messages into the pipeline; Acks and
// errors go back on the same stream. A bad message is answered, never fatal.
import { status, type Metadata, type ServerDuplexStream } from '@grpc/grpc-js';
import { AgentMode, type ConnectRequest, type ConnectResponse, type Hello } from '@stance/proto';
import type { Logger } from '@stance/shared/log/index';
import type { AgentStore } from '../store/agents.js';
import type { AgentAuthenticator } from './auth.js';
import { AuthError, IngestError } from './errors.js';
import type { IngestPipeline, IngestSession } from './pipeline.js';
import { validateDelta, validateNodeFacts } from './validate.js';

export interface SessionOptions {
  maxObjectBytes: number;
  heartbeatIntervalMs: number;
  /** Pause reading a stream while the pipeline holds more than this many messages. */
  highWatermark: number;
}

type Call = ServerDuplexStream<ConnectRequest, ConnectResponse>;

export class AgentSession implements IngestSession {
  clusterId = '';
  agentId = '';
  private sessionId = '';
  private lastSeq = 0;
  private committedSeq = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private paused = false;
  private closed = false;
  private log: Logger;

  constructor(
    private readonly call: Call,
    private readonly deps: { pipeline: IngestPipeline; agents: AgentStore; auth: AgentAuthenticator; log: Logger },
    private readonly opts: SessionOptions,
    private readonly onClose: (s: AgentSession) => void,
  ) {
    this.log = deps.log.child({ peer: call.getPeer() });
    try {
      disableNagle(call);
    } catch {
      // An optimisation only: Node may refuse socket access through the HTTP/2 proxy.
    }
    call.on('data', (m: ConnectRequest) => this.receive(m));
    call.on('end', () => this.close('stream ended by agent'));
    call.on('error', (err) => this.close(`stream error: ${err.message}`));
    call.on('cancelled', () => this.close('stream cancelled'));
    this.armIdleTimer();
  }

  ack(seq: number): void {
    this.committedSeq = Math.max(this.committedSeq, seq);
    this.send({ body: { $case: 'ack', value: { seq } } });
    if (this.paused && this.deps.pipeline.depth < this.opts.highWatermark / 2) {
      this.paused = false;
      this.call.resume();
    }
  }

  reject(e: IngestError): void {
    this.log.warn({ code: e.code, seq: e.seq, clusterId: this.clusterId, agentId: this.agentId }, `rejected message: ${e.message}`);
    this.send({ body: { $case: 'error', value: { seq: e.seq, code: e.code, message: e.message } } });
  }

  abort(reason: string): void {
    this.fail(status.UNAVAILABLE, reason);
  }

  /** Ends the stream (shutdown, or a dead agent). */
  end(reason: string): void {
    if (this.closed) return;
    this.log.info({ clusterId: this.clusterId, agentId: this.agentId, reason }, 'closing agent stream');
    this.call.end();
    this.close(reason);
  }

  private receive(m: ConnectRequest): void {
    this.armIdleTimer();
    const body = m.body;
    if (!body) return this.reject(new IngestError('INVALID_MESSAGE', 'empty message', m.seq));
    if (!this.sessionId) {
      if (body.$case !== 'hello') return this.fail(status.FAILED_PRECONDITION, 'the first message must be Hello');
      return this.hello(body.value);
    }
    switch (body.$case) {
      case 'hello':
        return this.reject(new IngestError('INVALID_MESSAGE', 'Hello sent twice', m.seq));
      case 'heartbeat': {
        const h = body.value;
        this.deps.agents.heartbeat(
          this.clusterId,
          this.agentId,
          { objectCounts: h.objectCounts, lagMs: h.lagMs, buffered: h.buffered, lastAckedSeq: h.lastAckedSeq, sentAt: h.sentAtUnixMs },
          Date.now(),
        );
        return;
      }
    }
    if (m.seq <= this.lastSeq) {
      // A replay of something already received: answer with what is committed.
      if (m.seq <= this.committedSeq) this.ack(this.committedSeq);
      return;
    }
    this.lastSeq = m.seq;
    const { pipeline } = this.deps;
    try {
      switch (body.$case) {
        case 'snapshotBegin':
          pipeline.enqueue(this, m.seq, { type: 'snapshot-begin', snapshotId: body.value.snapshotId, kinds: body.value.kinds });
          break;
        case 'snapshotEnd':
          pipeline.enqueue(this, m.seq, { type: 'snapshot-end', snapshotId: body.value.snapshotId });
          break;
        case 'delta': {
          const v = validateDelta(body.value, m.seq, this.opts.maxObjectBytes);
          pipeline.enqueue(this, m.seq, v.op === 'upsert' ? { type: 'upsert', resource: v.resource } : { type: 'delete', uid: v.uid });
          break;
        }
        case 'nodeFacts':
          pipeline.enqueue(this, m.seq, { type: 'upsert', resource: validateNodeFacts(body.value, m.seq, this.opts.maxObjectBytes) });
          break;
      }
    } catch (err) {
      if (!(err instanceof IngestError)) throw err;
      // Sequenced through the pipeline so that the Ack order stays monotonic.
      pipeline.enqueue(this, m.seq, { type: 'rejected', error: err });
    }
    if (!this.paused && pipeline.depth > this.opts.highWatermark) {
      this.paused = true;
      this.call.pause();
      // Our acks may all come while other agents keep the queue deep: resume once it drains.
      void pipeline.idle().then(() => {
        if (this.paused && !this.closed) {
          this.paused = false;
          this.call.resume();
        }
      });
    }
  }

  private hello(h: Hello): void {
    if (!h.clusterId || !h.agentId || !h.sessionId) {
      return this.fail(status.INVALID_ARGUMENT, 'Hello needs cluster_id, agent_id and session_id');
    }
    const mode = h.mode === AgentMode.AGENT_MODE_CLUSTER ? 'cluster' : h.mode === AgentMode.AGENT_MODE_NODE ? 'node' : undefined;
    if (!mode) return this.fail(status.INVALID_ARGUMENT, `Hello has an unknown mode ${h.mode}`);
    const clusterName = h.clusterName || h.clusterId;
    try {
      this.deps.auth.authorize(clusterName, bearerToken(this.call.metadata), peerCommonName(this.call));
    } catch (err) {
      if (!(err instanceof AuthError)) throw err;
      this.log.warn({ clusterName, clusterId: h.clusterId, agentId: h.agentId }, `agent rejected: ${err.message}`);
      return this.fail(status.UNAUTHENTICATED, err.message);
    }
    this.clusterId = h.clusterId;
    this.agentId = h.agentId;
    this.sessionId = h.sessionId;
    this.log = this.log.child({ clusterId: h.clusterId, agentId: h.agentId });
    const committed = this.deps.agents.connect(
      { clusterId: h.clusterId, clusterName, agentId: h.agentId, mode, nodeName: h.nodeName, version: h.version, sessionId: h.sessionId },
      Date.now(),
    );
    this.committedSeq = committed;
    this.lastSeq = committed;
    // The agent cannot replay what it no longer holds: ask for a snapshot instead.
    const resync = h.firstBufferedSeq > committed + 1;
    this.log.info({ clusterName, mode, version: h.version, committedSeq: committed, resync }, 'agent connected');
    this.send({ body: { $case: 'welcome', value: { committedSeq: committed, resync, heartbeatIntervalMs: this.opts.heartbeatIntervalMs } } });
  }

  private fail(code: status, details: string): void {
    if (this.closed) return;
    this.call.emit('error', { code, details, name: 'StreamError', message: details });
    this.close(details);
  }

  private send(m: ConnectResponse): void {
    if (!this.closed) this.call.write(m);
  }

  /** An agent that sends nothing for three heartbeat intervals is gone. */
  private armIdleTimer(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.end('no heartbeat'), this.opts.heartbeatIntervalMs * 3);
    this.idleTimer.unref();
  }

  private close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.idleTimer);
    if (this.paused) this.call.resume();
    if (this.sessionId) {
      this.deps.agents.disconnect(this.clusterId, this.agentId, this.sessionId);
      this.log.info({ reason }, 'agent disconnected');
    }
    this.onClose(this);
  }
}

/**
 * grpc-js's HTTP/2 server leaves Nagle's algorithm on (http2.createServer does not set
 * noDelay, and grpc-js offers no option). Our small frames — Acks and the WINDOW_UPDATEs
 * that let the agent send its next 64 KiB — then wait for the agent's delayed TCP ACK
 * (40 ms on Linux): the initial sync crawled at one window per 40 ms. The socket is
 * reached through grpc-js internals; if their shape changes this does nothing.
 */
function disableNagle(call: Call): void {
  let layer: unknown = (call as unknown as { call?: unknown }).call;
  for (let depth = 0; layer && depth < 8; depth++) {
    const stream = (layer as { stream?: { session?: { socket?: { setNoDelay?: (on: boolean) => unknown } } } }).stream;
    const socket = stream?.session?.socket;
    if (socket?.setNoDelay) {
      socket.setNoDelay(true);
      return;
    }
    layer = (layer as { nextCall?: unknown }).nextCall;
  }
}

function bearerToken(md: Metadata): string | undefined {
  const v = md.get('authorization')[0];
  const m = typeof v === 'string' ? /^Bearer\s+(.+)$/i.exec(v) : null;
  return m?.[1];
}

function peerCommonName(call: Call): string | undefined {
  const cert = call.getAuthContext()?.sslPeerCertificate;
  const cn = cert?.subject?.CN;
  return Array.isArray(cn) ? cn[0] : cn || undefined;
}
