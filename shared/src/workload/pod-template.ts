// Reaches the Pod spec inside every pod-bearing kind, with the JSON path prefix used for
// evidence and the nesting used to wrap patches, so checks never branch on kind.
import type { KubeObject, ObjectMeta } from '../model/object.js';
import { POD_BEARING_KINDS, type PodBearingKind } from '../model/kinds.js';
import type { PodSpecLike } from './types.js';

export interface PodTemplate {
  kind: PodBearingKind;
  spec: PodSpecLike;
  /** Path of the PodSpec inside the object, e.g. `spec.template.spec`. */
  specPath: string;
  /** The Pod's own metadata (Pod) or the template's (every controller kind). */
  metadata: ObjectMeta;
  metadataPath: string;
  /** Keys from the object root down to the PodSpec, e.g. ['spec', 'template', 'spec']. */
  specKeys: readonly string[];
  metadataKeys: readonly string[];
}

const SPEC_KEYS: Record<PodBearingKind, readonly string[]> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

export function isPodBearing(kind: string): kind is PodBearingKind {
  return (POD_BEARING_KINDS as readonly string[]).includes(kind);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function dig(root: unknown, keys: readonly string[]): unknown {
  let cur = root;
  for (const k of keys) {
    if (!isRecord(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

/** The Pod template of a pod-bearing object; undefined for other kinds or a missing spec. */
export function podTemplateOf(obj: KubeObject): PodTemplate | undefined {
  if (!isPodBearing(obj.kind)) return undefined;
  const specKeys = SPEC_KEYS[obj.kind];
  const spec = dig(obj, specKeys);
  if (!isRecord(spec)) return undefined;
  const metadataKeys = obj.kind === 'Pod' ? ['metadata'] : [...specKeys.slice(0, -1), 'metadata'];
  const metadata = dig(obj, metadataKeys);
  return {
    kind: obj.kind,
    spec: spec as PodSpecLike,
    specPath: specKeys.join('.'),
    metadata: isRecord(metadata) ? (metadata as ObjectMeta) : {},
    metadataPath: metadataKeys.join('.'),
    specKeys,
    metadataKeys,
  };
}

/** Nests a fragment under the given keys: wrap(['spec','template','spec'], x) = {spec:{template:{spec:x}}}. */
export function wrapAt(keys: readonly string[], fragment: unknown): Record<string, unknown> {
  let out: unknown = fragment;
  for (let i = keys.length - 1; i >= 0; i--) {
    const level: Record<string, unknown> = {};
    level[keys[i]!] = out;
    out = level;
  }
  return out as Record<string, unknown>;
}

/** Windows pods are exempt from several restricted checks (PSS 1.25+). */
export function isWindowsPod(spec: PodSpecLike): boolean {
  return spec.os?.name === 'windows';
}

/** Pods in a user namespace (`hostUsers: false`) get the PSS user-namespace relaxations. */
export function inUserNamespace(spec: PodSpecLike): boolean {
  return spec.hostUsers === false;
}
