// A hand-made agent stream for tests that play a misbehaving or hostile agent: the real
// gRPC client over TLS, with whatever credentials and messages the test chooses.
import { credentials, Metadata, type ClientDuplexStream } from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AgentMode, AgentServiceClient, DeltaType, type ConnectRequest, type ConnectResponse, type Hello } from '@stance/proto';
import { waitFor } from './wait.js';

export interface RawStreamOptions {
  address: string;
  /** CA of the collector's certificate (TLS); plain text when absent. */
  ca?: string;
  token?: string;
}

export interface RawStream {
  stream: ClientDuplexStream<ConnectRequest, ConnectResponse>;
  received: ConnectResponse[];
  /** How the stream ended: gRPC status code (0 for a clean end) and details. */
  ended: Promise<{ code: number; details: string }>;
  send(m: ConnectRequest): void;
  hello(over?: Partial<Hello>): void;
  /** Resolves with the Welcome, or rejects when the stream ends first. */
  welcomed(): Promise<ConnectResponse>;
  errors(): { seq: number; code: string; message: string }[];
  close(): void;
}

export function rawStream(opts: RawStreamOptions): RawStream {
  const client = new AgentServiceClient(opts.address, opts.ca ? credentials.createSsl(readFileSync(opts.ca)) : credentials.createInsecure());
  const md = new Metadata();
  if (opts.token) md.set('authorization', `Bearer ${opts.token}`);
  const stream = client.connect(md);
  const received: ConnectResponse[] = [];
  stream.on('data', (m: ConnectResponse) => received.push(m));
  let done = false;
  const ended = new Promise<{ code: number; details: string }>((resolve) => {
    stream.on('error', (e: { code: number; details: string }) => ((done = true), resolve({ code: e.code, details: e.details })));
    stream.on('end', () => ((done = true), resolve({ code: 0, details: '' })));
  });
  const send = (m: ConnectRequest) => stream.write(m);
  return {
    stream,
    received,
    ended,
    send,
    hello: (over = {}) =>
      send({
        seq: 0,
        body: {
          $case: 'hello',
          value: { clusterId: 'raw-cluster', clusterName: 'raw', agentId: 'raw', mode: AgentMode.AGENT_MODE_CLUSTER, nodeName: '', version: 'test', sessionId: randomUUID(), firstBufferedSeq: 0, ...over },
        },
      }),
    welcomed: () =>
      waitFor('a Welcome', () => {
        const w = received.find((m) => m.body?.$case === 'welcome');
        if (w) return w;
        if (done) throw new Error('the stream ended without a Welcome');
        return undefined;
      }),
    errors: () => received.flatMap((m) => (m.body?.$case === 'error' ? [m.body.value] : [])),
    close: () => {
      stream.cancel();
      client.close();
    },
  };
}

/** A Delta carrying `object` (its identity fields taken from the object). */
export function deltaOf(seq: number, object: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; uid: string; resourceVersion?: string } }): ConnectRequest {
  const m = object.metadata;
  return {
    seq,
    body: {
      $case: 'delta',
      value: {
        type: DeltaType.DELTA_TYPE_ADDED,
        apiVersion: object.apiVersion,
        kind: object.kind,
        namespace: m.namespace ?? '',
        name: m.name,
        uid: m.uid,
        resourceVersion: m.resourceVersion ?? '1',
        object: Buffer.from(JSON.stringify(object)),
      },
    },
  };
}

/** Resident memory of a process in MiB (Linux). */
export function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}
