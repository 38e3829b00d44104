// A real OTLP receiver for tests: OTLP/HTTP (POST /v1/logs and /v1/metrics, protobuf or
// JSON) and, on request, OTLP/gRPC (the LogsService and MetricsService Export methods).
// Protobuf is decoded with the upstream opentelemetry-proto definitions (the .proto files
// the npm package @elastic/mockotlpserver ships, loaded with protobufjs). What arrives is
// kept in a plain form (attributes as values) for assertions.
import { Server as GrpcServer, ServerCredentials, type Metadata, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import protobuf from 'protobufjs';

export interface ReceivedLog {
  eventName: string;
  timeUnixNano: string;
  severityNumber: number;
  severityText: string;
  body: unknown;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
  scope: string;
  contentType: string;
}

export interface ReceivedMetric {
  name: string;
  unit: string;
  kind: 'gauge' | 'sum' | 'histogram' | 'other';
  points: { attributes: Record<string, unknown>; value: number; count?: number }[];
  resource: Record<string, unknown>;
  contentType: string;
}

type Decoded = Record<string, unknown>;

const PROTO_ROOT = dirname(createRequire(import.meta.url).resolve('@elastic/mockotlpserver/package.json'));

function loadProtos(): { logs: protobuf.Type; metrics: protobuf.Type } {
  const root = new protobuf.Root();
  // Imports are written from the repository root ("opentelemetry/proto/common/v1/common.proto").
  root.resolvePath = (_origin, target) => join(PROTO_ROOT, target);
  root.loadSync(['opentelemetry/proto/collector/logs/v1/logs_service.proto', 'opentelemetry/proto/collector/metrics/v1/metrics_service.proto'], { keepCase: false });
  // The package carries opentelemetry-proto v1.4.0; v1.5.0 added LogRecord.event_name (field
  // 12), exactly as upstream declares it, which the exporters send since then.
  const record = root.lookupType('opentelemetry.proto.logs.v1.LogRecord');
  if (!record.fields.eventName) record.add(new protobuf.Field('eventName', 12, 'string'));
  return {
    logs: root.lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest'),
    metrics: root.lookupType('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest'),
  };
}

/** An OTLP AnyValue (protobuf decoded to an object, or JSON) as a plain value. */
function anyValue(v: Decoded | undefined): unknown {
  if (!v) return undefined;
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return v.boolValue;
  if ('intValue' in v) return Number(v.intValue);
  if ('doubleValue' in v) return Number(v.doubleValue);
  if ('arrayValue' in v) return ((v.arrayValue as { values?: Decoded[] }).values ?? []).map(anyValue);
  if ('kvlistValue' in v) return attributes((v.kvlistValue as { values?: Decoded[] }).values);
  if ('bytesValue' in v) return v.bytesValue;
  return undefined;
}

function attributes(kvs: Decoded[] | undefined): Record<string, unknown> {
  return Object.fromEntries((kvs ?? []).map((kv) => [kv.key as string, anyValue(kv.value as Decoded)]));
}

const metadataOf = (m: Metadata) => Object.fromEntries(Object.entries(m.getMap()).map(([k, v]) => [k, String(v)]));

const list = (v: unknown) => (Array.isArray(v) ? (v as Decoded[]) : []);

export class OtlpReceiver {
  readonly logs: ReceivedLog[] = [];
  readonly metrics: ReceivedMetric[] = [];
  readonly requests: { path: string; contentType: string; status: number; headers: Record<string, string> }[] = [];
  private server: Server | undefined;
  private grpc: GrpcServer | undefined;
  private readonly types = loadProtos();
  url = '';
  /** host:port of the gRPC listener, once started. */
  grpcUrl = '';

  /** Listens on 127.0.0.1 (`port` 0: any free port). */
  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
        let status = 200;
        try {
          let body = Buffer.concat(chunks);
          if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
          this.accept(req.url ?? '', contentType, body);
        } catch (err) {
          status = 400;
          res.setHeader('content-type', 'text/plain');
          res.end(`cannot decode: ${(err as Error).message}`);
        }
        this.requests.push({ path: req.url ?? '', contentType, status, headers: req.headers as Record<string, string> });
        if (status !== 200) return;
        // An empty Export*ServiceResponse: full success.
        res.writeHead(200, { 'content-type': contentType === 'application/json' ? 'application/json' : 'application/x-protobuf' });
        res.end(contentType === 'application/json' ? '{}' : undefined);
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    const addr = this.server.address() as { port: number };
    this.url = `http://127.0.0.1:${addr.port}`;
    return this;
  }

  /** Also listens for OTLP/gRPC (plain text) on 127.0.0.1. */
  async startGrpc(): Promise<this> {
    this.grpc = new GrpcServer();
    for (const [signal, type] of [['logs', this.types.logs], ['metrics', this.types.metrics]] as const) {
      const service = signal === 'logs' ? 'opentelemetry.proto.collector.logs.v1.LogsService' : 'opentelemetry.proto.collector.metrics.v1.MetricsService';
      const method = {
        path: `/${service}/Export`,
        requestStream: false,
        responseStream: false,
        requestSerialize: (v: Decoded) => Buffer.from(type.encode(type.fromObject(v)).finish()),
        requestDeserialize: (b: Buffer) => b,
        responseSerialize: () => Buffer.alloc(0), // an empty Export*ServiceResponse: full success
        responseDeserialize: () => ({}),
      };
      this.grpc.addService({ Export: method }, {
        Export: (call: ServerUnaryCall<Buffer, unknown>, done: sendUnaryData<unknown>) => {
          const headers = metadataOf(call.metadata);
          try {
            this.accept(`/v1/${signal}`, 'application/x-protobuf', call.request, 'application/grpc');
            this.requests.push({ path: method.path, contentType: 'application/grpc', status: 200, headers });
            done(null, {});
          } catch (err) {
            this.requests.push({ path: method.path, contentType: 'application/grpc', status: 400, headers });
            done(err as Error, null);
          }
        },
      });
    }
    const port = await new Promise<number>((resolve, reject) => this.grpc!.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
    this.grpcUrl = `http://127.0.0.1:${port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.grpc?.forceShutdown();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections();
  }

  private decode(type: protobuf.Type, contentType: string, body: Buffer): Decoded {
    if (contentType === 'application/json') return JSON.parse(body.toString('utf8')) as Decoded;
    if (contentType !== 'application/x-protobuf') throw new Error(`unexpected content-type ${contentType}`);
    return type.toObject(type.decode(body), { longs: String, enums: Number, bytes: String, defaults: false }) as Decoded;
  }

  /** `via`: what the records say they came as (the content type, or application/grpc). */
  private accept(path: string, contentType: string, body: Buffer, via = contentType): void {
    if (path === '/v1/logs') {
      const req = this.decode(this.types.logs, contentType, body);
      for (const rl of list(req.resourceLogs)) {
        const resource = attributes(list((rl.resource as Decoded | undefined)?.attributes));
        for (const sl of list(rl.scopeLogs)) {
          for (const r of list(sl.logRecords)) {
            this.logs.push({
              eventName: (r.eventName as string) ?? '',
              timeUnixNano: String(r.timeUnixNano ?? ''),
              severityNumber: Number(r.severityNumber ?? 0),
              severityText: (r.severityText as string) ?? '',
              body: anyValue(r.body as Decoded),
              attributes: attributes(list(r.attributes)),
              resource,
              scope: ((sl.scope as Decoded | undefined)?.name as string) ?? '',
              contentType: via,
            });
          }
        }
      }
    } else if (path === '/v1/metrics') {
      const req = this.decode(this.types.metrics, contentType, body);
      for (const rm of list(req.resourceMetrics)) {
        const resource = attributes(list((rm.resource as Decoded | undefined)?.attributes));
        for (const sm of list(rm.scopeMetrics)) {
          for (const m of list(sm.metrics)) {
            const data = (m.gauge ?? m.sum ?? m.histogram) as { dataPoints?: Decoded[] } | undefined;
            const kind = m.gauge ? 'gauge' : m.sum ? 'sum' : m.histogram ? 'histogram' : 'other';
            this.metrics.push({
              name: m.name as string,
              unit: (m.unit as string) ?? '',
              kind,
              points: list(data?.dataPoints).map((p) => ({
                attributes: attributes(list(p.attributes)),
                value: Number(p.asDouble ?? p.asInt ?? p.sum ?? 0),
                ...(p.count !== undefined ? { count: Number(p.count) } : {}),
              })),
              resource,
              contentType: via,
            });
          }
        }
      }
    } else throw new Error(`unexpected path ${path}`);
  }
}
