// The collector's gRPC endpoint: TLS unless both ends are loopback, keepalive, and one
// AgentSession per stream.
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { AgentServiceService } from '@stance/proto';
import type { Logger } from '@stance/shared/log/index';
import type { TlsFiles } from '../credentials/tls-files.js';
import { reloadingServerCredentials } from './grpc-credentials.js';
import { AgentSession, type SessionDeps, type SessionOptions } from './agent-session.js';
import { RefusalLog } from './refusal-log.js';
import { SessionRegistry } from './session-registry.js';

export interface GrpcServerOptions extends SessionOptions {
  host: string;
  port: number;
  /** Certificate and key, and a client CA when client certificates are required (mTLS). */
  tls?: TlsFiles;
  maxReceiveBytes: number;
  /** Streams that may be open without having said Hello yet (default 64). */
  maxPendingStreams?: number;
}

export class AgentGrpcServer {
  private readonly server: Server;
  private readonly sessions = new Set<AgentSession>();
  readonly registry: SessionRegistry<AgentSession>;
  readonly refusals: RefusalLog;
  port = 0;

  constructor(
    private readonly opts: GrpcServerOptions,
    deps: Omit<SessionDeps, 'registry' | 'refusals'> & { log: Logger },
  ) {
    this.registry = new SessionRegistry(opts.maxPendingStreams ?? 64);
    this.refusals = new RefusalLog(deps.log);
    const sessionDeps: SessionDeps = { ...deps, registry: this.registry, refusals: this.refusals };
    this.server = new Server({
      // One stream per agent connection: more only costs memory.
      'grpc.max_concurrent_streams': 4,
      'grpc.max_receive_message_length': opts.maxReceiveBytes,
      'grpc.keepalive_time_ms': 20_000,
      'grpc.keepalive_timeout_ms': 10_000,
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.http2.min_ping_interval_without_data_ms': 5_000,
    });
    this.server.addService(AgentServiceService, {
      connect: (call: ConstructorParameters<typeof AgentSession>[0]) => {
        try {
          const s = new AgentSession(call, sessionDeps, opts, (closed) => this.sessions.delete(closed));
          if (s.open) this.sessions.add(s);
        } catch (err) {
          deps.log.error({ err, peer: call.getPeer() }, 'cannot open agent session');
          call.emit('error', { code: 13, details: 'internal error opening the session' });
        }
      },
    });
  }

  get connectedSessions(): number {
    return this.sessions.size;
  }

  async start(): Promise<void> {
    const creds = this.opts.tls ? reloadingServerCredentials(this.opts.tls) : ServerCredentials.createInsecure();
    const host = this.opts.host.includes(':') ? `[${this.opts.host}]` : this.opts.host;
    this.port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync(`${host}:${this.opts.port}`, creds, (err, port) => (err ? reject(err) : resolve(port))),
    );
  }

  /** Stops accepting streams; open ones end so agents reconnect elsewhere or later. */
  async stop(): Promise<void> {
    for (const s of [...this.sessions]) s.end('collector shutting down');
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, 3000);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
