// Turns protocol messages into store inputs, rejecting what would corrupt the state.
import { DeltaType, type Delta, type NodeFacts } from '@stance/proto';
import { isKubeObject, type KubeObject } from '@stance/shared/model/index';
import { NODE_FACTS_API_VERSION, NODE_FACTS_KIND, nodeFactsSubject, type NodeFactsDoc } from '@stance/shared/node/index';
import type { ResourceInput } from '../store/resources.js';
import { IngestError } from './errors.js';
import { checkMetadata, clip, jsonDepthWithin, MAX_JSON_DEPTH } from './limits.js';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export type ValidDelta =
  | { op: 'upsert'; resource: ResourceInput }
  | { op: 'delete'; uid: string; kind: string };

/** Replaces credential values in a parsed object; returns how many (see @stance/shared/redact). */
export type Redactor = (object: KubeObject) => number;

export function validateDelta(d: Delta, seq: number, maxObjectBytes: number, redact?: Redactor): ValidDelta {
  if (!d.uid) throw new IngestError('INVALID_MESSAGE', 'delta without uid', seq);
  if (!d.kind || !d.apiVersion) throw new IngestError('INVALID_MESSAGE', `delta ${d.uid} without kind or apiVersion`, seq);
  if (d.type === DeltaType.DELTA_TYPE_DELETED) return { op: 'delete', uid: d.uid, kind: d.kind };
  if (d.type !== DeltaType.DELTA_TYPE_ADDED && d.type !== DeltaType.DELTA_TYPE_MODIFIED && d.type !== DeltaType.DELTA_TYPE_SYNC) {
    throw new IngestError('INVALID_MESSAGE', `delta ${d.uid} has unknown type ${d.type}`, seq);
  }
  const what = clip(`${d.kind} ${d.namespace ? `${d.namespace}/` : ''}${d.name}`, 300);
  if (d.object.length > maxObjectBytes) {
    throw new IngestError('OBJECT_TOO_LARGE', `${what} is ${d.object.length} bytes, over the limit of ${maxObjectBytes}`, seq);
  }
  const json = Buffer.from(d.object.buffer, d.object.byteOffset, d.object.byteLength).toString('utf8');
  if (!jsonDepthWithin(json, MAX_JSON_DEPTH)) throw new IngestError('INVALID_OBJECT', `${what}: nested deeper than ${MAX_JSON_DEPTH} levels`, seq);
  let obj: unknown;
  try {
    obj = JSON.parse(json);
  } catch (err) {
    throw new IngestError('INVALID_OBJECT', `${what}: object is not JSON (${(err as Error).message})`, seq);
  }
  if (!isKubeObject(obj)) throw new IngestError('INVALID_OBJECT', `${what}: not a Kubernetes object`, seq);
  const o = obj as KubeObject;
  // The stored row is indexed by the delta's identity and evaluated by the object's: they must agree.
  if (o.kind !== d.kind || o.metadata.uid !== d.uid || (o.metadata.name ?? '') !== d.name || (o.metadata.namespace ?? '') !== d.namespace) {
    throw new IngestError('INVALID_OBJECT', `${what}: object does not match the delta's kind/namespace/name/uid`, seq);
  }
  checkMetadata(o.metadata, what, seq);
  if (o.kind === 'Secret') {
    // Defence in depth: the agent strips these; never store them even if one slips through.
    // The last-applied annotation carries a copy of the values.
    delete o.data;
    delete o.stringData;
    if (o.metadata.annotations && LAST_APPLIED in o.metadata.annotations) {
      const { [LAST_APPLIED]: _dropped, ...rest } = o.metadata.annotations;
      o.metadata.annotations = rest;
    }
  }
  // Credentials in plain sight (ConfigMap values, env values, args, annotations) are never stored.
  const redacted = redact ? redact(o) : 0;
  return {
    op: 'upsert',
    resource: {
      apiVersion: d.apiVersion,
      kind: d.kind,
      namespace: d.namespace,
      name: d.name,
      uid: d.uid,
      resourceVersion: d.resourceVersion,
      json: o.kind === 'Secret' || redacted > 0 ? JSON.stringify(o) : json,
      parsed: o,
    },
  };
}

/** Node facts are stored as one synthetic object per node and evaluated like any other. */
export function validateNodeFacts(f: NodeFacts, seq: number, maxObjectBytes: number): ResourceInput {
  if (!f.nodeName) throw new IngestError('INVALID_MESSAGE', 'node facts without node name', seq);
  if (f.facts.length > maxObjectBytes) throw new IngestError('OBJECT_TOO_LARGE', `node facts of ${clip(f.nodeName)} are too large`, seq);
  const text = Buffer.from(f.facts).toString('utf8');
  if (!jsonDepthWithin(text, MAX_JSON_DEPTH)) throw new IngestError('INVALID_OBJECT', `node facts of ${clip(f.nodeName)} are nested deeper than ${MAX_JSON_DEPTH} levels`, seq);
  let facts: unknown;
  try {
    facts = JSON.parse(text);
  } catch (err) {
    throw new IngestError('INVALID_OBJECT', `node facts of ${f.nodeName} are not JSON (${(err as Error).message})`, seq);
  }
  if (typeof facts !== 'object' || facts === null || Array.isArray(facts)) {
    throw new IngestError('INVALID_OBJECT', `node facts of ${f.nodeName} are not a JSON object`, seq);
  }
  // The node name of the stream wins over whatever the document says.
  const subject = nodeFactsSubject({ ...(facts as NodeFactsDoc), nodeName: f.nodeName });
  const uid = subject.metadata.uid!;
  const object: KubeObject = { ...subject, metadata: { ...subject.metadata, resourceVersion: f.contentHash } };
  return {
    apiVersion: NODE_FACTS_API_VERSION,
    kind: NODE_FACTS_KIND,
    namespace: '',
    name: f.nodeName,
    uid,
    resourceVersion: f.contentHash,
    json: JSON.stringify(object),
  };
}
