// One agent's stream: credential checked at open, Hello first (within a few seconds), then
// sequenced messages into the pipeline, each checked against what the agent's mode may
// write; Acks and errors go back on the same stream. A bad message is answered, never fatal.
import { status, type Metadata, type ServerDuplexStream } from '@grpc/grpc-js';
import { AgentMode, type ConnectRequest, type ConnectResponse, type Hello } from '@stance/proto';
import type { Logger } from '@stance/shared/log/index';
import type { AgentStore } from '../store/agents.js';
import type { StorageHealth } from '../store/storage-health.js';
import type { Admission } from './admission.js';
import { isWildcard, type AgentAuthenticator, type AgentGrant } from './auth.js';
import { AuthError, IngestError, PermissionError } from './errors.js';
import type { AgentMode as ModeName } from './grants.js';
import { badHello, boundedCounts, checkSnapshotKinds } from './limits.js';
import { deniedMessage } from './permissions.js';
import type { RefusalLog } from './refusal-log.js';
import type { IngestPipeline, IngestSession } from './pipeline.js';
import { MAX_LIVE_PER_GRANT, TooManyPendingError, type RegisteredSession, type SessionRegistry } from './session-registry.js';
import { validateDelta, validateNodeFacts, type Redactor } from './validate.js';

export interface SessionOptions {
  maxObjectBytes: number;
  heartbeatIntervalMs: number;
  /** Pause reading a stream while the pipeline holds more than this many messages. */
  highWatermark: number;
  /** How long a stream may stay open before its Hello (default 5 s). */
  helloTimeoutMs?: number;
}

export interface SessionDeps {
  pipeline: IngestPipeline;
  agents: AgentStore;
  auth: AgentAuthenticator;
  admission: Admission;
  registry: SessionRegistry<AgentSession>;
  storage: StorageHealth;
  refusals: RefusalLog;
  /** Replaces credential values in each object before it is stored. */
  redact: Redactor;
  log: Logger;
}

type Call = ServerDuplexStream<ConnectRequest, ConnectResponse>;

const DEFAULT_HELLO_TIMEOUT_MS = 5000;

export class AgentSession implements IngestSession, RegisteredSession {
  clusterId = '';
  agentId = '';
  private sessionId = '';
  private mode: ModeName = 'cluster';
  private nodeName = '';
  private readonly grant: AgentGrant | undefined;
  private lastSeq = 0;
  private committedSeq = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private paused = false;
  private closed = false;
  private superseded = false;
  /** Set when an admin retires its cluster id: the pipeline drops what it still holds of it. */
  retired = false;
  private stopWatchingRetire: () => void = () => undefined;
  private log: Logger;

  /**
   * Authenticates the stream's credential before reading anything: a stream without a valid
   * one is refused at once, so an unauthenticated peer never has a message buffered for it.
   */
  constructor(
    private readonly call: Call,
    private readonly deps: SessionDeps,
    private readonly opts: SessionOptions,
    private readonly onClose: (s: AgentSession) => void,
  ) {
    this.log = deps.log.child({ peer: call.getPeer() });
    try {
      this.grant = deps.auth.authenticate(bearerToken(call.metadata), peerCommonName(call));
      deps.registry.opened(this, this.grant.name);
    } catch (err) {
      this.grant = undefined;
      const code = err instanceof TooManyPendingError ? status.RESOURCE_EXHAUSTED : status.UNAUTHENTICATED;
      if (!(err instanceof AuthError) && !(err instanceof TooManyPendingError)) throw err;
      deps.refusals.refused(code === status.RESOURCE_EXHAUSTED ? 'too-many-pending' : 'unauthenticated', err.message, call.getPeer());
      this.closed = true;
      call.emit('error', { code, details: err.message, name: 'StreamError', message: err.message });
      onClose(this);
      return;
    }
    this.log = this.log.child({ grant: this.grant.name });
    try {
      disableNagle(call);
    } catch {
      // An optimisation only: Node may refuse socket access through the HTTP/2 proxy.
    }
    call.on('data', (m: ConnectRequest) => this.receive(m));
    call.on('end', () => this.close('stream ended by agent'));
    call.on('error', (err) => this.close(`stream error: ${err.message}`));
    call.on('cancelled', () => this.close('stream cancelled'));
    this.idleTimer = setTimeout(() => this.fail(status.DEADLINE_EXCEEDED, 'no Hello in time'), opts.helloTimeoutMs ?? DEFAULT_HELLO_TIMEOUT_MS);
    this.idleTimer.unref();
  }

  /** False when the stream was refused at open (no valid credential, too many pending). */
  get open(): boolean {
    return !this.closed;
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

  supersede(): void {
    this.superseded = true;
    this.fail(status.ABORTED, 'replaced by a newer stream of the same agent');
  }

  /** Never throws: an unexpected fault in one message is logged and that message rejected. */
  private receive(m: ConnectRequest): void {
    if (this.closed) return;
    try {
      this.handle(m);
    } catch (err) {
      this.log.error({ err, seq: m.seq, clusterId: this.clusterId, agentId: this.agentId }, 'agent message failed unexpectedly');
      if (!this.sessionId) return this.fail(status.INTERNAL, 'internal error handling the Hello');
      this.reject(new IngestError('INVALID_MESSAGE', 'the collector could not process this message', m.seq));
    }
  }

  private handle(m: ConnectRequest): void {
    const body = m.body;
    if (!this.sessionId) {
      if (body?.$case !== 'hello') return this.fail(status.FAILED_PRECONDITION, 'the first message must be Hello');
      return this.hello(body.value);
    }
    this.armIdleTimer();
    if (!body) return this.reject(new IngestError('INVALID_MESSAGE', 'empty message', m.seq));
    const denied = deniedMessage(this.mode, this.nodeName, body, m.seq);
    switch (body.$case) {
      case 'hello':
        return this.reject(new IngestError('INVALID_MESSAGE', 'Hello sent twice', m.seq));
      case 'heartbeat': {
        const h = body.value;
        const objectCounts = boundedCounts(h.objectCounts);
        if (!objectCounts) return this.reject(new IngestError('INVALID_MESSAGE', 'heartbeat object counts are too many or too long', m.seq));
        this.deps.storage.guard('heartbeat', () =>
          this.deps.agents.heartbeat(
            this.clusterId,
            this.agentId,
            { objectCounts, lagMs: h.lagMs, buffered: h.buffered, lastAckedSeq: h.lastAckedSeq, sentAt: h.sentAtUnixMs },
            Date.now(),
          ),
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
      if (denied) throw denied;
      switch (body.$case) {
        case 'snapshotBegin':
          checkSnapshotKinds(body.value.kinds, m.seq);
          pipeline.enqueue(this, m.seq, { type: 'snapshot-begin', snapshotId: body.value.snapshotId, kinds: body.value.kinds });
          break;
        case 'snapshotEnd':
          pipeline.enqueue(this, m.seq, { type: 'snapshot-end', snapshotId: body.value.snapshotId });
          break;
        case 'delta': {
          const v = validateDelta(body.value, m.seq, this.opts.maxObjectBytes, this.deps.redact);
          pipeline.enqueue(this, m.seq, v.op === 'upsert' ? { type: 'upsert', resource: v.resource } : { type: 'delete', uid: v.uid, kind: v.kind });
          break;
        }
        case 'nodeFacts':
          pipeline.enqueue(this, m.seq, { type: 'upsert', resource: validateNodeFacts(body.value, m.seq, this.opts.maxObjectBytes) });
          break;
      }
    } catch (err) {
      if (!(err instanceof IngestError)) this.log.error({ err, seq: m.seq }, 'agent message failed validation unexpectedly');
      const rejected = err instanceof IngestError ? err : new IngestError('INVALID_MESSAGE', 'the collector could not process this message', m.seq);
      // Sequenced through the pipeline so that the Ack order stays monotonic.
      pipeline.enqueue(this, m.seq, { type: 'rejected', error: rejected });
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
    const bad = badHello(h);
    if (bad) return this.fail(status.INVALID_ARGUMENT, `Hello: ${bad}`);
    const mode = h.mode === AgentMode.AGENT_MODE_CLUSTER ? 'cluster' : h.mode === AgentMode.AGENT_MODE_NODE ? 'node' : undefined;
    if (!mode) return this.fail(status.INVALID_ARGUMENT, `Hello has an unknown mode ${h.mode}`);
    if (mode === 'node' && !h.nodeName) return this.fail(status.INVALID_ARGUMENT, 'a node agent\'s Hello needs node_name');
    if (!this.deps.storage.healthy) return this.fail(status.UNAVAILABLE, `storage unavailable (${this.deps.storage.problem?.code}): keep buffering and retry`);
    const grant = this.grant!;
    const claims = { clusterId: h.clusterId, clusterName: h.clusterName || h.clusterId, agentId: h.agentId, mode, nodeName: h.nodeName, version: h.version, sessionId: h.sessionId } as const;
    if (!this.deps.registry.roomFor(this)) return this.fail(status.RESOURCE_EXHAUSTED, `grant "${grant.name}" holds ${MAX_LIVE_PER_GRANT} live streams already`);
    let admitted: { committedSeq: number; newBinding: boolean };
    try {
      admitted = this.deps.admission.admit(grant, claims);
    } catch (err) {
      if (err instanceof PermissionError) {
        // `grant` is on this.log already (a second one would repeat the key in the JSON line).
        this.log.warn({ clusterName: claims.clusterName, clusterId: h.clusterId, agentId: h.agentId, mode, reason: err.message }, 'agent refused');
        return this.fail(status.PERMISSION_DENIED, err.message);
      }
      if (this.deps.storage.report(err, 'agent hello')) return this.fail(status.UNAVAILABLE, 'storage unavailable: keep buffering and retry');
      this.log.error({ err, clusterId: h.clusterId, agentId: h.agentId }, 'agent hello failed unexpectedly');
      return this.fail(status.INTERNAL, 'internal error admitting the agent');
    }
    this.clusterId = h.clusterId;
    this.agentId = h.agentId;
    this.sessionId = h.sessionId;
    this.mode = mode;
    this.nodeName = h.nodeName;
    this.deps.registry.admitted(h.clusterId, h.agentId, this);
    // Retiring the id ends this stream too: "nobody may write it" holds for streams already open.
    this.stopWatchingRetire = this.deps.admission.onRetire(h.clusterId, () => {
      this.retired = true;
      this.fail(status.PERMISSION_DENIED, `cluster id ${h.clusterId} was retired by an admin; no credential may write it`);
    });
    this.log = this.log.child({ clusterId: h.clusterId, agentId: h.agentId });
    const committed = admitted.committedSeq;
    this.committedSeq = committed;
    this.lastSeq = committed;
    this.armIdleTimer();
    // The agent cannot replay what it no longer holds: ask for a snapshot instead.
    const resync = h.firstBufferedSeq > committed + 1;
    this.log.info(
      { clusterName: claims.clusterName, mode, version: h.version, committedSeq: committed, resync, wildcardGrant: isWildcard(grant), via: grant.via, newBinding: admitted.newBinding },
      'agent connected',
    );
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
    this.stopWatchingRetire();
    if (this.paused) this.call.resume();
    if (this.sessionId) {
      this.deps.registry.closed(this, { clusterId: this.clusterId, agentId: this.agentId });
      // A superseded stream's agent is connected on its newer stream.
      if (!this.superseded) this.deps.storage.guard('agent disconnect', () => this.deps.agents.disconnect(this.clusterId, this.agentId, this.sessionId));
      this.log.info({ reason }, 'agent disconnected');
    } else if (this.grant) {
      this.deps.registry.closed(this);
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
