// Replaces credential values in an object before it is stored or served: the values the
// secret rules match wherever a workload or a ConfigMap writes them in plain text — ConfigMap
// data and binaryData, env values, args and commands (also `--password X` as two items and
// inside a shell line), probe and lifecycle commands and HTTP header values, annotations of
// the object and of its pod template — and the copies of all of them inside kubectl's
// last-applied annotation. Each is replaced by a marker with its length, a short keyed hash
// and the reason, so the controls still fail on it and a change stays visible in history;
// the value itself is gone.
import { looksLikeSecretName, secretReason, secretValueReason } from '../secrets/index.js';
import type { KubeObject } from '../model/object.js';
import { containersOf, podTemplateOf } from '../workload/index.js';
import { parseRedaction, redactionMarker } from './marker.js';

/** 8 hex digits of a keyed hash of a value (the key stays with the collector). */
export type ValueHasher = (value: string) => string;

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/** Headers whose value is a credential whatever it looks like. */
const CREDENTIAL_HEADER = /^(?:proxy-)?authorization$|^cookie$|^x-(?:api|auth)[-_]?(?:key|token)$/i;
/** `--password`, `-p`-less long or short flags; `--name=value`. */
const FLAG = /^--?([A-Za-z][\w.-]{0,63})(?:=([\s\S]*))?$/;

interface Context {
  hash: ValueHasher;
  count: number;
}

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

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

/** Why a flag's value is a credential: `--db-password=x`, or the item after `--token`. */
function flagValueReason(flagName: string, value: string): string | undefined {
  return looksLikeSecretName(flagName) ? secretReason(flagName, value) : undefined;
}

/** Why one word list (argv, or a shell line split on blanks) carries a credential at `i`. */
function wordReason(words: readonly string[], i: number): string | undefined {
  const word = words[i]!;
  const flag = FLAG.exec(word);
  if (flag?.[2] !== undefined) return flagValueReason(flag[1]!, flag[2]);
  const previous = i > 0 ? FLAG.exec(words[i - 1]!) : null;
  if (previous && previous[2] === undefined) return flagValueReason(previous[1]!, word);
  return undefined;
}

/** A command or args list: items judged by content, as flag values, and as shell lines. */
function redactArgv(ctx: Context, list: unknown): void {
  if (!Array.isArray(list)) return;
  const items = list.map((v) => (typeof v === 'string' ? v : ''));
  list.forEach((v, i) => {
    list[i] = judged(ctx, v, (value) => {
      const byContent = secretValueReason(value) ?? wordReason(items, i);
      if (byContent || !/\s/.test(value)) return byContent;
      // `sh -c "mysql --password hunter2 …"`: the whole line carries the credential.
      const words = value.split(/\s+/).filter(Boolean);
      for (let w = 0; w < words.length; w++) {
        const reason = wordReason(words, w);
        if (reason) return reason;
      }
      return undefined;
    });
  });
}

function redactHandler(ctx: Context, handler: unknown): void {
  if (!isRecord(handler)) return;
  if (isRecord(handler.exec)) redactArgv(ctx, handler.exec.command);
  const headers = isRecord(handler.httpGet) ? handler.httpGet.httpHeaders : undefined;
  if (!Array.isArray(headers)) return;
  for (const header of headers) {
    if (!isRecord(header) || typeof header.name !== 'string') continue;
    const name = header.name;
    header.value = judged(ctx, header.value, (v) => (CREDENTIAL_HEADER.test(name) && v.trim().length > 0 ? `the ${name} header value` : secretReason(name, v)));
  }
}

function redactContainer(ctx: Context, container: Json): void {
  if (Array.isArray(container.env)) {
    for (const env of container.env) {
      if (isRecord(env) && typeof env.name === 'string') env.value = judged(ctx, env.value, (v) => secretReason(env.name as string, v));
    }
  }
  redactArgv(ctx, container.args);
  redactArgv(ctx, container.command);
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) redactHandler(ctx, container[probe]);
  if (isRecord(container.lifecycle)) for (const hook of ['postStart', 'preStop']) redactHandler(ctx, container.lifecycle[hook]);
}

function redactAnnotations(ctx: Context, annotations: unknown, depth: number): void {
  if (!isRecord(annotations)) return;
  for (const key of Object.keys(annotations)) {
    if (key === LAST_APPLIED && depth === 0) annotations[key] = redactLastApplied(ctx, annotations[key]);
    else annotations[key] = judged(ctx, annotations[key], (v) => secretReason(key, v));
  }
}

function decodedText(base64: string): string | undefined {
  const bytes = Buffer.from(base64, 'base64');
  const text = bytes.toString('utf8');
  // Binary content (an image, a keystore) is judged by its key alone.
  return text.includes('\uFFFD') || text.includes('\u0000') ? undefined : text;
}

function redactConfigMap(ctx: Context, obj: Json): void {
  if (isRecord(obj.data)) {
    const data = obj.data;
    for (const key of Object.keys(data)) data[key] = judged(ctx, data[key], (v) => secretReason(key, v, { fileKeys: true }));
  }
  if (isRecord(obj.binaryData)) {
    const data = obj.binaryData;
    for (const key of Object.keys(data)) {
      data[key] = judged(ctx, data[key], (v) => {
        const text = decodedText(v);
        return text === undefined ? (looksLikeSecretName(key) ? 'its name suggests a credential' : undefined) : secretReason(key, text, { fileKeys: true });
      });
    }
  }
}

function redactInPlace(obj: KubeObject, ctx: Context, depth: number): void {
  if (obj.kind === 'ConfigMap') redactConfigMap(ctx, obj as unknown as Json);
  const template = podTemplateOf(obj);
  if (template) {
    for (const { container } of containersOf(template.spec, template.specPath)) redactContainer(ctx, container as unknown as Json);
    if (template.metadata !== obj.metadata) redactAnnotations(ctx, template.metadata.annotations, 1);
  }
  redactAnnotations(ctx, obj.metadata?.annotations, depth);
}

/** kubectl's copy of the applied manifest holds the same values: redact it by the same rules. */
function redactLastApplied(ctx: Context, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  let applied: unknown;
  try {
    applied = JSON.parse(value);
  } catch {
    return judged(ctx, value, secretValueReason);
  }
  if (!isRecord(applied) || !isRecord(applied.metadata)) return judged(ctx, value, secretValueReason);
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
