// Content negotiation on Accept: plain JSON, metadata only (PartialObjectMetadata and
// its List) or server-side printing (Table). Clauses are tried in order; one we cannot
// serve (protobuf, CBOR) is skipped, as the real server does for unsupported types.
import type { KubeObject } from '@stance/shared/model/index';
import { ApiError } from './errors.js';

export type Shape = 'object' | 'partial' | 'partialList' | 'table';

interface Clause {
  type: string;
  params: Record<string, string>;
}

function parseAccept(header: string | undefined): Clause[] {
  if (!header || header.trim() === '') return [{ type: '*/*', params: {} }];
  return header.split(',').map((part) => {
    const [type, ...rest] = part.split(';').map((s) => s.trim());
    const params: Record<string, string> = {};
    for (const p of rest) {
      const eq = p.indexOf('=');
      if (eq > 0) params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim();
    }
    return { type: (type ?? '').toLowerCase(), params };
  });
}

const AS: Record<string, Shape> = {
  PartialObjectMetadata: 'partial',
  PartialObjectMetadataList: 'partialList',
  Table: 'table',
};

/** The shape to answer in; throws 406 when no clause can be served. */
export function negotiate(accept: string | undefined): Shape {
  for (const c of parseAccept(accept)) {
    const jsonish = c.type === 'application/json' || c.type === '*/*' || c.type === 'application/*';
    if (!jsonish) continue;
    const as = c.params.as;
    if (!as) return 'object';
    const shape = AS[as];
    const groupOk = c.params.g === 'meta.k8s.io' && (c.params.v === 'v1' || c.params.v === 'v1beta1');
    if (shape && groupOk) return shape;
  }
  throw new ApiError(406, 'NotAcceptable', `only the following media types are accepted: application/json, application/json;as=Table;v=v1;g=meta.k8s.io, application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io, application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io`);
}

/** Rejects a list shape for a single object and vice versa, as upstream does (406). */
export function checkShape(shape: Shape, forList: boolean): void {
  if (forList && shape === 'partial') {
    throw new ApiError(406, 'NotAcceptable', 'you requested PartialObjectMetadata, but the requested object is a list (use PartialObjectMetadataList)');
  }
  if (!forList && shape === 'partialList') {
    throw new ApiError(406, 'NotAcceptable', 'you requested PartialObjectMetadataList, but the requested object is not a list (use PartialObjectMetadata)');
  }
}

export function partialOf(obj: KubeObject): Record<string, unknown> {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}
