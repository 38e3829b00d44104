// A real OTLP/HTTP receiver for tests: POST /v1/logs and /v1/metrics, protobuf decoded
// with the upstream opentelemetry-proto definitions (the .proto files the npm package
// @elastic/mockotlpserver ships, loaded with protobufjs), or OTLP/JSON. What arrives is
// kept in a plain form (attributes as values) for assertions.
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

const list = (v: unknown) => (Array.isArray(v) ? (v as Decoded[]) : []);

export class OtlpReceiver {
  readonly logs: ReceivedLog[] = [];
  readonly metrics: ReceivedMetric[] = [];
  readonly requests: { path: string; contentType: string; status: number }[] = [];
  private server: Server | undefined;
  private readonly types = loadProtos();
  url = '';

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
        this.requests.push({ path: req.url ?? '', contentType, status });
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

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections();
  }

  private decode(type: protobuf.Type, contentType: string, body: Buffer): Decoded {
    if (contentType === 'application/json') return JSON.parse(body.toString('utf8')) as Decoded;
    if (contentType !== 'application/x-protobuf') throw new Error(`unexpected content-type ${contentType}`);
    return type.toObject(type.decode(body), { longs: String, enums: Number, bytes: String, defaults: false }) as Decoded;
  }

  private accept(path: string, contentType: string, body: Buffer): void {
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
              contentType,
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
              contentType,
            });
          }
        }
      }
    } else throw new Error(`unexpected path ${path}`);
  }
}
