// Request bodies in Kubernetes' protobuf encoding, for the few types typed clients send
// that way to this server: helm's release storage (Secrets, or ConfigMaps with
// HELM_DRIVER=configmap), `kubectl create namespace`, and DeleteOptions. The body is the
// 4-byte magic `k8s\0` and a runtime.Unknown {typeMeta, raw}; `raw` is the object's own
// message (field numbers from k8s.io/api/core/v1/generated.proto and
// k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto). Decoded to the JSON shape, which
// the rest of the server handles; answers stay JSON (clients accept it).
import { badRequest, ApiError } from './errors.js';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';

type Field = { no: number; wire: number; value: bigint | Buffer };

/** The fields of one message, in order (repeated fields appear once per value). */
function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= buf.length) throw badRequest('protobuf body: truncated varint');
      const b = buf[pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 63n) throw badRequest('protobuf body: varint too long');
    }
  };
  while (pos < buf.length) {
    const key = Number(varint());
    const no = key >>> 3;
    const wire = key & 7;
    if (wire === 0) out.push({ no, wire, value: varint() });
    else if (wire === 2) {
      const len = Number(varint());
      if (pos + len > buf.length) throw badRequest('protobuf body: truncated field');
      out.push({ no, wire, value: buf.subarray(pos, pos + len) });
      pos += len;
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else throw badRequest(`protobuf body: unsupported wire type ${wire}`);
  }
  return out;
}

const str = (f: Field): string => (f.value as Buffer).toString('utf8');
const num = (f: Field): number => Number(BigInt.asIntN(64, f.value as bigint));

/** A map<string, string|bytes> entry: key = 1, value = 2. */
function entry(f: Field): [string, Buffer] {
  let key = '';
  let value: Buffer = Buffer.alloc(0);
  for (const e of fields(f.value as Buffer)) {
    if (e.no === 1) key = str(e);
    else if (e.no === 2) value = e.value as Buffer;
  }
  return [key, value];
}

function stringMap(list: Field[]): Record<string, string> | undefined {
  if (list.length === 0) return undefined;
  return Object.fromEntries(list.map((f) => entry(f)).map(([k, v]) => [k, v.toString('utf8')]));
}

function ownerReference(buf: Buffer): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const f of fields(buf)) {
    if (f.no === 5) o.apiVersion = str(f);
    else if (f.no === 1) o.kind = str(f);
    else if (f.no === 3) o.name = str(f);
    else if (f.no === 4) o.uid = str(f);
    else if (f.no === 6) o.controller = f.value !== 0n;
    else if (f.no === 7) o.blockOwnerDeletion = f.value !== 0n;
  }
  return o;
}

/** ObjectMeta, without the fields the server sets (timestamps, managedFields). */
function objectMeta(buf: Buffer): Record<string, unknown> {
  const meta: Record<string, unknown> = {};
  const labels: Field[] = [];
  const annotations: Field[] = [];
  const owners: Record<string, unknown>[] = [];
  const finalizers: string[] = [];
  for (const f of fields(buf)) {
    switch (f.no) {
      case 1: meta.name = str(f); break;
      case 2: meta.generateName = str(f); break;
      case 3: meta.namespace = str(f); break;
      case 5: meta.uid = str(f); break;
      case 6: meta.resourceVersion = str(f); break;
      case 7: meta.generation = num(f); break;
      case 11: labels.push(f); break;
      case 12: annotations.push(f); break;
      case 13: owners.push(ownerReference(f.value as Buffer)); break;
      case 14: finalizers.push(str(f)); break;
      default: break;
    }
  }
  for (const [k, v] of Object.entries(meta)) if (v === '') delete meta[k];
  if (labels.length) meta.labels = stringMap(labels);
  if (annotations.length) meta.annotations = stringMap(annotations);
  if (owners.length) meta.ownerReferences = owners;
  if (finalizers.length) meta.finalizers = finalizers;
  return meta;
}

/** How one field of an object message maps to its JSON form. */
type FieldSpec = [name: string, kind: 'meta' | 'string' | 'bool' | 'stringMap' | 'bytesMap'];

/** Decodes an object message by field number; JSON carries bytes as base64. */
function objectMessage(apiVersion: string, kind: string, spec: Record<number, FieldSpec>, raw: Buffer): Record<string, unknown> {
  const obj: Record<string, unknown> = { apiVersion, kind, metadata: {} };
  const maps = new Map<string, { bytes: boolean; entries: Field[] }>();
  for (const f of fields(raw)) {
    const field = spec[f.no];
    if (!field) continue;
    const [name, type] = field;
    if (type === 'meta') obj[name] = objectMeta(f.value as Buffer);
    else if (type === 'string') obj[name] = str(f);
    else if (type === 'bool') obj[name] = f.value !== 0n;
    else {
      const m = maps.get(name) ?? { bytes: type === 'bytesMap', entries: [] };
      m.entries.push(f);
      maps.set(name, m);
    }
  }
  for (const [name, m] of maps) {
    obj[name] = m.bytes ? Object.fromEntries(m.entries.map((f) => entry(f)).map(([k, v]) => [k, v.toString('base64')])) : stringMap(m.entries);
  }
  return obj;
}

// Field numbers from k8s.io/api/core/v1/generated.proto.
const SECRET: Record<number, FieldSpec> = { 1: ['metadata', 'meta'], 2: ['data', 'bytesMap'], 3: ['type', 'string'], 4: ['stringData', 'stringMap'], 5: ['immutable', 'bool'] };
const CONFIG_MAP: Record<number, FieldSpec> = { 1: ['metadata', 'meta'], 2: ['data', 'stringMap'], 3: ['binaryData', 'bytesMap'], 4: ['immutable', 'bool'] };
const NAMESPACE: Record<number, FieldSpec> = { 1: ['metadata', 'meta'] };

function deleteOptions(raw: Buffer): Record<string, unknown> {
  const obj: Record<string, unknown> = { apiVersion: 'meta.k8s.io/v1', kind: 'DeleteOptions' };
  for (const f of fields(raw)) {
    if (f.no === 1) obj.gracePeriodSeconds = num(f);
    else if (f.no === 4) obj.propagationPolicy = str(f);
    else if (f.no === 2) {
      const pre: Record<string, string> = {};
      for (const p of fields(f.value as Buffer)) {
        if (p.no === 1) pre.uid = str(p);
        else if (p.no === 2) pre.resourceVersion = str(p);
      }
      obj.preconditions = pre;
    }
  }
  return obj;
}

const DECODERS: Record<string, (raw: Buffer) => Record<string, unknown>> = {
  'v1/Secret': (raw) => objectMessage('v1', 'Secret', SECRET, raw),
  'v1/ConfigMap': (raw) => objectMessage('v1', 'ConfigMap', CONFIG_MAP, raw),
  'v1/Namespace': (raw) => objectMessage('v1', 'Namespace', NAMESPACE, raw),
  'v1/DeleteOptions': deleteOptions,
  'meta.k8s.io/v1/DeleteOptions': deleteOptions,
};

/** Decodes a protobuf request body to its JSON form; 415 for a type this server cannot read. */
export function decodeProtobuf(body: Buffer): Record<string, unknown> {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) throw badRequest('protobuf body: missing the k8s envelope');
  let apiVersion = '';
  let kind = '';
  let raw: Buffer = Buffer.alloc(0);
  for (const f of fields(body.subarray(4))) {
    if (f.no === 1) {
      for (const t of fields(f.value as Buffer)) {
        if (t.no === 1) apiVersion = str(t);
        else if (t.no === 2) kind = str(t);
      }
    } else if (f.no === 2) raw = f.value as Buffer;
  }
  const decode = DECODERS[`${apiVersion}/${kind}`];
  if (!decode) {
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format (${PROTOBUF_CONTENT_TYPE} for ${apiVersion}/${kind}) - the test API server reads protobuf for Secrets, ConfigMaps, Namespaces and DeleteOptions only; send application/json`,
    );
  }
  return decode(raw);
}
