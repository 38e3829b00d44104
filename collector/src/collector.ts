// Composes the collector: store → ingest pipeline → gRPC endpoint, and the HTTP API.
// It holds no logic of its own beyond start-up order and graceful shutdown.
import type { ServerType } from '@hono/node-server';
import { createLogger, type Logger } from '@stance/shared/log/index';
import type { CollectorConfig } from './config.js';
import { createHttpApp } from './http/app.js';
import { ApiTokenStore } from './http/auth/api-tokens.js';
import { listenHttp } from './http/server.js';
import { AgentAuthenticator } from './ingest/auth.js';
import { AgentGrpcServer } from './ingest/grpc-server.js';
import { TlsFiles } from './credentials/tls-files.js';
import { isLoopbackHost } from '@stance/shared/net/loopback';
import { IngestPipeline } from './ingest/pipeline.js';
import { AgentStore } from './store/agents.js';
import { FindingsService } from './findings/findings-service.js';
import { FindingsStore } from './findings/findings-store.js';
import { ExceptionStore } from './findings/exceptions.js';
import { PostureRecorder } from './findings/posture-recorder.js';
import { CollectorTelemetry } from './telemetry/telemetry.js';
import { agentStatus } from './telemetry/agent-status.js';
import { LiveEvents } from './http/live-events.js';
import { cachedClusterNames } from './findings/cluster-names.js';
import { BUILTIN_CONTROLS } from '@stance/shared/controls/index';
import type { Control, EngineConfig } from '@stance/shared/engine/index';
import { openDatabase, type Db } from './store/database.js';
import { ResourceStore } from './store/resources.js';
import { StorageHealth } from './store/storage-health.js';
import { WalCheckpointer } from './store/checkpointer.js';
import { ClusterBindings } from './store/cluster-bindings.js';
import { redactionHasher } from './store/installation-key.js';
import { upgradeRedaction } from './store/redaction-upgrade.js';
import { Admission } from './ingest/admission.js';
import { redactCredentials } from '@stance/shared/redact/index';
import { RiskService } from './risk/risk-service.js';

export class Collector {
  readonly log: Logger;
  readonly db: Db;
  readonly resources: ResourceStore;
  readonly agents: AgentStore;
  readonly pipeline: IngestPipeline;
  readonly storage: StorageHealth;
  readonly bindings: ClusterBindings;
  private readonly redactStored: () => void;
  private readonly grpc: AgentGrpcServer;
  /** The certificates served (gRPC, HTTPS), read again every tlsReloadIntervalMs. */
  private readonly tlsFiles: TlsFiles[];
  private readonly httpTls: TlsFiles | undefined;
  findings!: FindingsService;
  risk!: RiskService;
  private telemetry: CollectorTelemetry | undefined;
  private events: LiveEvents | undefined;
  private posture: PostureRecorder | undefined;
  private expiry: NodeJS.Timeout | undefined;
  private http: ServerType | undefined;
  private ready = false;
  private checkpointer: WalCheckpointer | undefined;
  httpPort = 0;

  constructor(readonly config: CollectorConfig) {
    this.log = createLogger('collector');
    this.db = openDatabase(config.dbFile, {
      onWarning: (message) => this.log.warn({ file: config.dbFile }, message),
      // A new file runs every migration on empty tables: only upgrades are worth a line.
      onMigration: (m, from) => {
        if (from > 0) this.log.info({ file: config.dbFile, from, to: m.version, description: m.description }, 'migrating the database schema');
      },
    });
    this.storage = new StorageHealth(this.db, createLogger('storage'));
    this.checkpointer = WalCheckpointer.start(this.db, config.dbFile, createLogger('storage'));
    this.resources = new ResourceStore(this.db);
    this.agents = new AgentStore(this.db);
    this.storage.guard('start-up', () => this.agents.markAllDisconnected());
    this.bindings = new ClusterBindings(this.db);
    const hash = redactionHasher(this.db);
    this.redactStored = () => {
      const done = this.storage.guard('redaction upgrade', () => upgradeRedaction(this.db, hash));
      if (done) this.log.info(done, 'stored objects and history brought up to the current redaction rules');
    };
    this.pipeline = new IngestPipeline(this.db, this.resources, this.agents, { maxBatch: 2000, log: createLogger('ingest'), storage: this.storage });
    const auth = new AgentAuthenticator(config.tokens, config.allowAnonymous);
    const tlsLog = createLogger('tls');
    const grpcTls = config.grpc.tls && new TlsFiles(config.grpc.tls, 'gRPC TLS (--tls-cert / --tls-key / --tls-client-ca)', tlsLog);
    this.httpTls = config.http.tls && new TlsFiles(config.http.tls, 'HTTPS (--http-tls-cert / --http-tls-key)', tlsLog);
    this.tlsFiles = [grpcTls, this.httpTls].filter((f): f is TlsFiles => f !== undefined);
    this.grpc = new AgentGrpcServer(
      {
        host: config.grpc.host,
        port: config.grpc.port,
        ...(grpcTls ? { tls: grpcTls } : {}),
        maxObjectBytes: config.maxObjectBytes,
        // An object plus the message around it: a peer cannot make a stream hold more.
        maxReceiveBytes: config.maxObjectBytes + 256 * 1024,
        heartbeatIntervalMs: config.heartbeatIntervalMs,
        highWatermark: 20_000,
      },
      {
        pipeline: this.pipeline,
        agents: this.agents,
        auth,
        admission: new Admission(this.db, this.agents, this.bindings, auth),
        storage: this.storage,
        redact: (object) => redactCredentials(object, hash),
        log: createLogger('grpc'),
      },
    );
    if (config.allowAnonymous) this.log.warn('no agent tokens configured: accepting anonymous agents on loopback only');
  }

  get grpcPort(): number {
    return this.grpc.port;
  }

  async start(): Promise<void> {
    const http = this.config.http;
    this.redactStored();
    await this.startFindings();
    await this.startTelemetry();
    // After the feed's sinks are registered: what reconciliation changes is published too.
    void this.findings.reconcile();
    await this.grpc.start();
    const app = createHttpApp({
      agents: this.agents,
      resources: this.resources,
      bindings: this.bindings,
      findings: this.findings,
      risk: this.risk,
      metrics: this.telemetry!.registry,
      events: this.events!,
      heartbeatIntervalMs: this.config.heartbeatIntervalMs,
      notReady: () => this.notReady(),
      storage: this.storage,
      auth: {
        tokens: new ApiTokenStore(http.apiTokens),
        // The open API (no tokens) defends against DNS rebinding and cross-site writes.
        loopbackOnly: http.apiTokens.length === 0 && !http.insecure,
        metricsPublic: http.metricsPublic,
      },
      log: createLogger('http'),
    });
    const listener = await listenHttp(app.fetch, http, this.httpTls);
    for (const files of this.tlsFiles) files.watch(this.config.tlsReloadIntervalMs);
    this.http = listener.server;
    this.httpPort = listener.port;
    this.ready = true;
    if (http.apiTokens.length === 0 && http.insecure) {
      this.log.warn({ host: http.host }, '--insecure-http: the HTTP API is open to anyone who reaches this address (no API tokens)');
    }
    if (!this.config.grpc.tls && !isLoopbackHost(this.config.grpc.host)) {
      this.log.warn({ host: this.config.grpc.host }, '--insecure: agents send cluster state in plain text to this address (no --tls-cert); anyone on the path can read their tokens');
    }
    this.log.info(
      {
        http: listener.url,
        https: Boolean(http.tls),
        apiAuth: http.apiTokens.length > 0 ? `${http.apiTokens.length} API tokens` : 'open (no API tokens)',
        grpc: `${hostForUrl(this.config.grpc.host)}:${this.grpcPort}`,
        tls: Boolean(this.config.grpc.tls),
        mtls: Boolean(this.config.grpc.tls?.ca),
        ...(this.tlsFiles.length > 0 ? { certificatesValidUntil: this.tlsFiles.map((f) => f.certificate.notAfter), tlsReloadIntervalMs: this.config.tlsReloadIntervalMs } : {}),
        db: this.config.dbFile,
      },
      'collector listening',
    );
  }

  /** Controls (built-in and custom), the engine, and findings reconciled with the stored state. */
  private async startFindings(): Promise<void> {
    let custom: Control[] = [];
    if (this.config.customControls.length > 0) {
      const { loadCustomControls } = await import('@stance/shared/custom/index');
      custom = await loadCustomControls(this.config.customControls);
      this.log.info({ controls: custom.map((c) => c.id), paths: this.config.customControls }, 'custom controls loaded');
    }
    const config: EngineConfig = {
      ...(this.config.allowedRegistries.length > 0 ? { allowedRegistries: this.config.allowedRegistries } : {}),
      ...(this.config.systemExemptions ? {} : { systemExemptions: false }),
    };
    // Risk runs inside the findings engine (its context check) and scores findings as they are written.
    this.risk = new RiskService(this.db, createLogger('risk'), { onRiskChanged: () => this.events?.riskChanged() });
    this.findings = new FindingsService(
      this.db,
      this.resources,
      new FindingsStore(this.db),
      [...BUILTIN_CONTROLS, ...custom],
      config,
      new ExceptionStore(this.db),
      createLogger('findings'),
      // A full disk seen by an evaluation makes the collector not-ready; recovery reconciles.
      { clusterName: cachedClusterNames(this.agents), onFailure: (err, during) => void this.storage.report(err, during), risk: this.risk },
    );
    this.pipeline.onChange((clusterId, change) => this.findings.onChange(clusterId, change));
    this.storage.onRecovered(() => void this.risk.rescoreAll());
    // Evaluations that failed while storage was failing are redone from the stored state.
    this.storage.onRecovered(() => void this.findings.reconcile());
    this.posture = new PostureRecorder(this.findings, this.config.postureIntervalMs, (during, write) => this.storage.guard(during, write));
    this.posture.start();
    let lastExpiryCheck = Date.now();
    this.expiry = setInterval(() => {
      const now = Date.now();
      for (const e of this.findings.exceptions.expiredBetween(lastExpiryCheck, now)) {
        this.log.info({ exception: e.id, controlId: e.controlId }, 'exception expired; re-evaluating');
        // On a failing disk the re-evaluation is redone by the recovery's reconciliation.
        this.storage.guard('exception expiry', () => this.findings.reevaluateFor(e, now));
      }
      lastExpiryCheck = now;
      // Agents not seen for a week (removed nodes, replaced pods) are forgotten.
      this.storage.guard('agent pruning', () => this.agents.pruneDisconnected(now - 7 * 24 * 3_600_000));
    }, 15_000);
    this.expiry.unref();
  }

  /** Sinks of the findings feed: metrics, OTLP (when configured) and the dashboard stream. */
  private async startTelemetry(): Promise<void> {
    const heartbeatIntervalMs = this.config.heartbeatIntervalMs;
    this.telemetry = await CollectorTelemetry.start({
      otel: this.config.otel,
      findings: this.findings,
      pipeline: this.pipeline,
      agents: this.agents,
      heartbeatIntervalMs,
      refusals: this.grpc.refusals.totals,
      storageHealthy: () => this.storage.healthy,
      riskBacklog: () => this.risk.backlog,
      log: createLogger('telemetry'),
    });
    this.events = new LiveEvents(() => {
      const now = Date.now();
      return this.agents
        .agents()
        .map((a) => `${a.clusterId}/${a.agentId}:${agentStatus(a, now, heartbeatIntervalMs)}`)
        .join(',');
    });
    this.findings.feed.register(this.events);
  }

  private notReady(): string | undefined {
    if (!this.ready) return 'starting or stopping';
    const problem = this.storage.problem;
    return problem ? `storage failing since ${new Date(problem.since).toISOString()}: ${problem.code}` : undefined;
  }

  /** Graceful: stop taking streams, commit what is queued, close the database. */
  async stop(): Promise<void> {
    this.ready = false;
    for (const files of this.tlsFiles) files.stop();
    await this.grpc.stop();
    await this.pipeline.idle();
    this.storage.stop();
    this.findings.stop();
    this.risk.stop();
    this.posture?.stop();
    clearInterval(this.expiry);
    // Open event streams would hold the server; what the feed has published is exported.
    this.events?.close();
    await this.telemetry?.stop(this.findings.feed);
    await new Promise<void>((resolve) => (this.http ? this.http.close(() => resolve()) : resolve()));
    await this.checkpointer?.stop();
    this.db.close();
    this.log.info('collector stopped');
  }
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
