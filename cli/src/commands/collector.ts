import type { Command } from 'commander';
import { stopOnSignal } from '../lifecycle.js';

export function register(program: Command): void {
  program
    .command('collector')
    .description('Run the collector: gRPC ingest from agents, SQLite state, controls, HTTP API and dashboard')
    .option('--data <dir>', 'data directory for the SQLite file (STANCE_DATA_DIR, default ./data)')
    .option('--http-host <host>', 'HTTP listen address (STANCE_HTTP_HOST, default 127.0.0.1)')
    .option('--http-port <port>', 'HTTP port (STANCE_HTTP_PORT, default 7070)')
    .option('--grpc-host <host>', 'gRPC listen address (STANCE_GRPC_HOST, default 127.0.0.1)')
    .option('--grpc-port <port>', 'gRPC port (STANCE_GRPC_PORT, default 7071)')
    .option(
      '--tokens-file <file>',
      'YAML/JSON file of agent grants: tokens: [{name, cluster, token, modes: [cluster, node]}]; a grant authorises exactly one cluster (or "*") (STANCE_AGENT_TOKENS_FILE; or STANCE_AGENT_TOKENS=cluster=token,...)',
    )
    .option('--tls-cert <file>', 'server certificate (STANCE_TLS_CERT)')
    .option('--tls-key <file>', 'server private key (STANCE_TLS_KEY)')
    .option('--tls-client-ca <file>', 'require client certificates signed by this CA (mTLS; STANCE_TLS_CLIENT_CA)')
    .option(
      '--tls-reload-interval <duration>',
      'how often the TLS files (gRPC and HTTPS) are read again: a renewed certificate (cert-manager) is served without a restart (STANCE_TLS_RELOAD_INTERVAL, default 30s)',
    )
    .option('--insecure', 'accept plain-text gRPC on a non-loopback address (STANCE_INSECURE=true)')
    .option('--api-tokens-file <file>', 'YAML/JSON file of HTTP API tokens: tokens: [{name, token, role: read|admin}] (STANCE_API_TOKENS_FILE); without it the API is open and served on loopback only')
    .option('--http-tls-cert <file>', 'serve the HTTP API over HTTPS with this certificate (STANCE_HTTP_TLS_CERT)')
    .option('--http-tls-key <file>', 'private key of --http-tls-cert (STANCE_HTTP_TLS_KEY)')
    .option('--metrics-public', 'serve /metrics without a token (STANCE_METRICS_PUBLIC=true)')
    .option('--insecure-http', 'serve the open API (no API tokens) on a non-loopback --http-host anyway (STANCE_INSECURE_HTTP=true)')
    .option('--max-object-bytes <n>', 'largest object accepted from an agent (STANCE_MAX_OBJECT_BYTES, default 2097152)')
    .option('--heartbeat-interval <duration>', 'heartbeat interval asked of agents (STANCE_HEARTBEAT_INTERVAL, default 5s)')
    .option('--custom-controls <path...>', 'files or folders of CEL custom controls (STANCE_CUSTOM_CONTROLS, comma-separated)')
    .option('--allowed-registries <list>', 'image registries pod.image-registry allows, comma-separated (STANCE_ALLOWED_REGISTRIES; off when empty)')
    .option('--no-system-exemptions', 'judge system objects (kube-system, system: RBAC defaults) like any other instead of reporting them excepted (STANCE_SYSTEM_EXEMPTIONS=false)')
    .option('--posture-interval <duration>', 'how often posture scores go to the history (STANCE_POSTURE_INTERVAL, default 60s)')
    .addHelpText(
      'after',
      `
OpenTelemetry export (the standard OTEL_* variables; nothing is exported without an endpoint):
  OTEL_EXPORTER_OTLP_ENDPOINT              base URL, e.g. http://otel-collector:4318 (/v1/logs, /v1/metrics appended)
  OTEL_EXPORTER_OTLP_{LOGS,METRICS}_ENDPOINT   one signal's full URL (the other stays off unless the base is set)
  OTEL_EXPORTER_OTLP_PROTOCOL              http/protobuf (default), http/json or grpc (also per signal)
  OTEL_EXPORTER_OTLP_HEADERS               key=value,... sent with every export (also per signal)
  OTEL_EXPORTER_OTLP_TIMEOUT, _COMPRESSION export timeout in ms (default 10000), gzip|none
  OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES   resource (default service.name stance-collector)
  OTEL_METRIC_EXPORT_INTERVAL              ms between metric exports (default 60000)
  OTEL_BLRP_MAX_QUEUE_SIZE, OTEL_BLRP_SCHEDULE_DELAY, OTEL_BLRP_MAX_EXPORT_BATCH_SIZE   the finding log queue
  OTEL_LOGS_EXPORTER / OTEL_METRICS_EXPORTER=none, OTEL_SDK_DISABLED=true   turn export off
Each finding transition is one log record (event stance.finding.<transition>); metrics as on /metrics.`,
    )
    .action(async (flags) => {
      const { applyCollectorV8Flags, Collector, loadCollectorConfig } = await import('@stance/collector');
      applyCollectorV8Flags();
      const collector = new Collector(loadCollectorConfig(flags));
      stopOnSignal(collector, 'collector');
      await collector.start();
    });
}
