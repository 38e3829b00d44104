// Replaces credential values in an object before it is stored or served: the values the
// secret rules match (ConfigMap data, container env values, container args and commands,
// annotation values) and the copies of them inside kubectl's last-applied annotation. Each is
// replaced by a marker with its length, a short keyed hash and the reason, so the controls
// still fail on it and a change stays visible in history — but the value itself is gone.
import { secretReason, secretValueReason } from '../controls/config/secret-patterns.js';
import type { KubeObject } from '../model/object.js';
import { containersOf, podTemplateOf } from '../workload/index.js';
import { parseRedaction, redactionMarker } from './marker.js';

/** 8 hex digits of a keyed hash of a value (the key stays with the collector). */
export type ValueHasher = (value: string) => string;

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

interface Context {
  hash: ValueHasher;
  count: number;
}

function marker(ctx: Context, value: string, reason: string): string {
  ctx.count += 1;
  return redactionMarker({ length: value.length, hash: ctx.hash(value), reason });
}

/** The replacement for one value judged by `reasonOf`, or the value itself. */
function judged(ctx: Context, value: unknown, reasonOf: (v: string) => string | undefined): unknown {
  if (typeof value !== 'string' || parseRedaction(value)) return value;
  const reason = reasonOf(value);
  return reason ? marker(ctx, value, reason) : value;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function redactInPlace(obj: KubeObject, ctx: Context, depth: number): void {
  if (obj.kind === 'ConfigMap' && isRecord(obj.data)) {
    const data = obj.data;
    for (const key of Object.keys(data)) data[key] = judged(ctx, data[key], (v) => secretReason(key, v, { fileKeys: true }));
  }
  const template = podTemplateOf(obj);
  if (template) {
    for (const { container } of containersOf(template.spec, template.specPath)) {
      if (Array.isArray(container.env)) {
        for (const env of container.env) {
          if (isRecord(env) && typeof env.name === 'string') env.value = judged(ctx, env.value, (v) => secretReason(env.name as string, v));
        }
      }
      for (const field of ['args', 'command'] as const) {
        const list = (container as Record<string, unknown>)[field];
        if (Array.isArray(list)) list.forEach((v, i) => (list[i] = judged(ctx, v, secretValueReason)));
      }
    }
  }
  const annotations = obj.metadata?.annotations;
  if (isRecord(annotations)) {
    for (const key of Object.keys(annotations)) {
      if (key === LAST_APPLIED && depth === 0) annotations[key] = redactLastApplied(ctx, annotations[key]);
      else annotations[key] = judged(ctx, annotations[key], secretValueReason) as string;
    }
  }
}

/** kubectl's copy of the applied manifest holds the same values: redact it by the same rules. */
function redactLastApplied(ctx: Context, value: unknown): string {
  if (typeof value !== 'string') return value as string;
  let applied: unknown;
  try {
    applied = JSON.parse(value);
  } catch {
    return judged(ctx, value, secretValueReason) as string;
  }
  if (!isRecord(applied) || !isRecord(applied.metadata)) return judged(ctx, value, secretValueReason) as string;
  const before = ctx.count;
  redactInPlace(applied as unknown as KubeObject, ctx, 1);
  return ctx.count === before ? value : JSON.stringify(applied);
}

/**
 * Redacts credential values in place; returns how many were replaced (0: the object, and so
 * its JSON text, is unchanged).
 */
export function redactCredentials(obj: KubeObject, hash: ValueHasher): number {
  const ctx: Context = { hash, count: 0 };
  redactInPlace(obj, ctx, 0);
  return ctx.count;
}
