// Collector settings: flags win over STANCE_* variables, which win over defaults.
// Everything is validated before anything starts.
import { join } from 'node:path';
import { ConfigError, parseDurationMs, parseIntSetting, parsePort, pick } from '@stance/shared/config/index';
import { isLoopbackHost } from '@stance/shared/net/loopback';
import { validateGrants, parseTokenList, readTokensFile, type TokenGrant } from './ingest/grants.js';
import { readApiTokensFile, type ApiToken } from './http/auth/api-tokens.js';
import type { TlsFilePaths } from './credentials/tls-files.js';
import { STANCE_VERSION } from '@stance/shared/version';
import { loadOtelConfig, type OtelConfig } from './telemetry/otel-config.js';

export interface CollectorFlags {
  data?: string;
  httpHost?: string;
  httpPort?: string;
  grpcHost?: string;
  grpcPort?: string;
  tokensFile?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsClientCa?: string;
  insecure?: boolean;
  maxObjectBytes?: string;
  heartbeatInterval?: string;
  customControls?: string[];
  allowedRegistries?: string;
  postureInterval?: string;
  apiTokensFile?: string;
  httpTlsCert?: string;
  httpTlsKey?: string;
  metricsPublic?: boolean;
  insecureHttp?: boolean;
  tlsReloadInterval?: string;
  /** false: --no-system-exemptions. */
  systemExemptions?: boolean;
}

/** HTTP API listener and its access rules. */
export interface HttpConfig {
  host: string;
  port: number;
  tls?: { cert: string; key: string };
  /** Empty: the API is open, which is allowed on loopback only (or with `insecure`). */
  apiTokens: ApiToken[];
  metricsPublic: boolean;
  /** --insecure-http: serve the open API on a non-loopback address anyway (warned at every start). */
  insecure: boolean;
}

export interface CollectorConfig {
  dataDir: string;
  dbFile: string;
  http: HttpConfig;
  grpc: { host: string; port: number; tls?: TlsFilePaths };
  /** How often the TLS files (gRPC and HTTPS) are read again for a renewed certificate. */
  tlsReloadIntervalMs: number;
  tokens: TokenGrant[];
  allowAnonymous: boolean;
  maxObjectBytes: number;
  heartbeatIntervalMs: number;
  /** Files or folders of CEL custom controls. */
  customControls: string[];
  allowedRegistries: string[];
  /**
   * The built-in exemptions (system namespaces, `system:` RBAC defaults, …) apply. They are
   * reported as excepted findings; turning them off judges those objects like any other.
   */
  systemExemptions: boolean;
  /** How often posture scores are written to the history (when they changed). */
  postureIntervalMs: number;
  /** OTLP export of findings and metrics, from the standard OTEL_* variables. */
  otel: OtelConfig;
}

const flagOn = (flag: boolean | undefined, env: string | undefined) => flag ?? env === 'true';

function httpConfig(flags: CollectorFlags, env: NodeJS.ProcessEnv, host: string, port: number): HttpConfig {
  const cert = pick(flags.httpTlsCert, env.STANCE_HTTP_TLS_CERT);
  const key = pick(flags.httpTlsKey, env.STANCE_HTTP_TLS_KEY);
  if (Boolean(cert) !== Boolean(key)) throw new ConfigError('HTTPS (--http-tls-cert / --http-tls-key)', 'give both the certificate and the key');
  const tokensFile = pick(flags.apiTokensFile, env.STANCE_API_TOKENS_FILE);
  const apiTokens = tokensFile ? readApiTokensFile(tokensFile) : [];
  const insecure = flagOn(flags.insecureHttp, env.STANCE_INSECURE_HTTP);
  if (apiTokens.length === 0 && !isLoopbackHost(host) && !insecure) {
    throw new ConfigError(
      '--http-host / STANCE_HTTP_HOST',
      `${host} is not loopback and no API tokens are configured: anyone who reaches it could read every stored object and hide findings. Give --api-tokens-file (STANCE_API_TOKENS_FILE), or --insecure-http to serve it open anyway`,
    );
  }
  return { host, port, ...(cert && key ? { tls: { cert, key } } : {}), apiTokens, metricsPublic: flagOn(flags.metricsPublic, env.STANCE_METRICS_PUBLIC), insecure };
}

export function loadCollectorConfig(flags: CollectorFlags, env: NodeJS.ProcessEnv = process.env): CollectorConfig {
  const dataDir = pick(flags.data, env.STANCE_DATA_DIR) ?? './data';
  const httpHost = pick(flags.httpHost, env.STANCE_HTTP_HOST) ?? '127.0.0.1';
  const grpcHost = pick(flags.grpcHost, env.STANCE_GRPC_HOST) ?? '127.0.0.1';
  const httpPort = parsePort('HTTP port (--http-port / STANCE_HTTP_PORT)', pick(flags.httpPort, env.STANCE_HTTP_PORT) ?? '7070');
  const grpcPort = parsePort('gRPC port (--grpc-port / STANCE_GRPC_PORT)', pick(flags.grpcPort, env.STANCE_GRPC_PORT) ?? '7071');

  const tokens: TokenGrant[] = [];
  const tokensFile = pick(flags.tokensFile, env.STANCE_AGENT_TOKENS_FILE);
  if (tokensFile) tokens.push(...readTokensFile(tokensFile));
  if (env.STANCE_AGENT_TOKENS) tokens.push(...parseTokenList(env.STANCE_AGENT_TOKENS));
  validateGrants('agent tokens (--tokens-file and STANCE_AGENT_TOKENS together)', tokens);
  const http = httpConfig(flags, env, httpHost, httpPort);

  const cert = pick(flags.tlsCert, env.STANCE_TLS_CERT);
  const key = pick(flags.tlsKey, env.STANCE_TLS_KEY);
  const clientCa = pick(flags.tlsClientCa, env.STANCE_TLS_CLIENT_CA);
  if (Boolean(cert) !== Boolean(key)) throw new ConfigError('TLS (--tls-cert / --tls-key)', 'give both the certificate and the key');
  if (clientCa && !cert) throw new ConfigError('--tls-client-ca', 'mTLS needs --tls-cert and --tls-key too');
  const tls: TlsFilePaths | undefined = cert && key ? { cert, key, ...(clientCa ? { ca: clientCa } : {}) } : undefined;

  const loopback = isLoopbackHost(grpcHost);
  const insecure = flagOn(flags.insecure, env.STANCE_INSECURE);
  if (!tls && !loopback && !insecure) {
    throw new ConfigError('gRPC listener', `${grpcHost} is not loopback: give --tls-cert/--tls-key (or --insecure to accept plain text)`);
  }
  if (tokens.length === 0 && !clientCa && !loopback) {
    throw new ConfigError('agent authentication', 'no agent tokens (--tokens-file / STANCE_AGENT_TOKENS) and no --tls-client-ca');
  }

  return {
    otel: loadOtelConfig(env, STANCE_VERSION),
    dataDir,
    dbFile: join(dataDir, 'stance.sqlite'),
    http,
    grpc: { host: grpcHost, port: grpcPort, ...(tls ? { tls } : {}) },
    tokens,
    // Only a loopback collector with no credentials configured accepts anonymous agents.
    allowAnonymous: tokens.length === 0 && !clientCa && loopback,
    maxObjectBytes: parseIntSetting(
      'max object size (--max-object-bytes / STANCE_MAX_OBJECT_BYTES)',
      pick(flags.maxObjectBytes, env.STANCE_MAX_OBJECT_BYTES) ?? String(2 * 1024 * 1024),
      1024,
      64 * 1024 * 1024,
    ),
    customControls: flags.customControls?.length
      ? flags.customControls
      : (env.STANCE_CUSTOM_CONTROLS ?? '').split(',').map((x) => x.trim()).filter(Boolean),
    allowedRegistries: (pick(flags.allowedRegistries, env.STANCE_ALLOWED_REGISTRIES) ?? '').split(',').map((x) => x.trim()).filter(Boolean),
    // commander gives `true` when --no-system-exemptions is absent: only its `false` wins over the variable.
    systemExemptions: flags.systemExemptions !== false && env.STANCE_SYSTEM_EXEMPTIONS !== 'false',
    postureIntervalMs: parseDurationMs('posture interval (--posture-interval / STANCE_POSTURE_INTERVAL)', pick(flags.postureInterval, env.STANCE_POSTURE_INTERVAL) ?? '60s'),
    // At least 100 ms: each reload reads every TLS file and builds a TLS context on the collector's one thread.
    tlsReloadIntervalMs: parseDurationMs(
      'TLS reload interval (--tls-reload-interval / STANCE_TLS_RELOAD_INTERVAL)',
      pick(flags.tlsReloadInterval, env.STANCE_TLS_RELOAD_INTERVAL) ?? '30s',
      { minMs: 100 },
    ),
    heartbeatIntervalMs: parseDurationMs(
      'heartbeat interval (--heartbeat-interval / STANCE_HEARTBEAT_INTERVAL)',
      pick(flags.heartbeatInterval, env.STANCE_HEARTBEAT_INTERVAL) ?? '5s',
    ),
  };
}
