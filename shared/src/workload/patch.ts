// Builds the strategic-merge patch a control suggests, and the `kubectl patch` command
// that applies exactly that patch object (one source, so the two never disagree).
import type { KubeObject } from '../model/object.js';
import type { SuggestedPatch } from '../engine/types.js';
import type { ContainerRef } from './containers.js';
import { wrapAt, type PodTemplate } from './pod-template.js';

type Json = Record<string, unknown>;

function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Deep merge in strategic-merge spirit: lists of named items (containers) merge by name,
 * other lists are replaced, `null` is kept (it deletes the field when applied).
 */
export function mergePatch(a: unknown, b: unknown): unknown {
  if (isRecord(a) && isRecord(b)) {
    const out: Json = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = k in out ? mergePatch(out[k], v) : v;
    return out;
  }
  if (Array.isArray(a) && Array.isArray(b) && [...a, ...b].every((x) => isRecord(x) && typeof x.name === 'string')) {
    const out = a.map((x) => ({ ...(x as Json) }));
    for (const item of b as Json[]) {
      const i = out.findIndex((x) => x.name === item.name);
      if (i >= 0) out[i] = mergePatch(out[i], item) as Json;
      else out.push(item);
    }
    return out;
  }
  return b;
}

/** Merged into, never mutated: mergePatch copies what it merges into. */
const NOTHING: Json = Object.freeze({});

function hasKeys(o: Json): boolean {
  for (const _ in o) return true;
  return false;
}

/** Accumulates fixes for one Pod template and wraps them for the owning object's kind. */
export class PodPatch {
  // Absent until a fix arrives: most checks pass, and one PodPatch is made per check.
  private spec: Json | undefined;
  private meta: Json | undefined;
  private touched = false;

  constructor(private readonly template: PodTemplate) {}

  /** A fragment of the PodSpec, e.g. `{ hostPID: false }`. */
  pod(fragment: Json): this {
    this.spec = mergePatch(this.spec ?? NOTHING, fragment) as Json;
    this.touched = true;
    return this;
  }

  /**
   * A fragment of one container, matched by name. Ephemeral containers and unnamed ones
   * cannot be patched through the object itself: returns false so the caller knows.
   */
  container(ref: ContainerRef, fragment: Json): boolean {
    if (ref.type === 'ephemeralContainers' || typeof ref.container.name !== 'string') return false;
    this.pod({ [ref.type]: [{ name: ref.container.name, ...fragment }] });
    return true;
  }

  /** A fragment of the template metadata (annotations). */
  metadata(fragment: Json): this {
    this.meta = mergePatch(this.meta ?? NOTHING, fragment) as Json;
    this.touched = true;
    return this;
  }

  build(): SuggestedPatch | undefined {
    if (!this.touched) return undefined;
    // wrapAt builds fresh objects, so a lone fragment needs no merge (a merge into {} is a copy).
    const spec = this.spec && hasKeys(this.spec) ? wrapAt(this.template.specKeys, this.spec) : undefined;
    const meta = this.meta && hasKeys(this.meta) ? wrapAt(this.template.metadataKeys, this.meta) : undefined;
    const patch = spec && meta ? (mergePatch(spec, meta) as Json) : (spec ?? meta ?? {});
    return { type: 'strategic', patch };
  }
}

const SHELL_SAFE = /^[A-Za-z0-9_./:@%+=,-]+$/;

/** Quotes a word for a POSIX shell when it needs it. */
export function shellQuote(word: string): string {
  if (SHELL_SAFE.test(word)) return word;
  return word.includes("'") ? `'${word.replaceAll("'", `'\\''`)}'` : `'${word}'`;
}

/**
 * `kubectl patch <kind> <name> [-n <ns>] --type <type> -p '<json>'` for a suggested patch.
 * Without a namespace (a manifest that does not set one) kubectl uses the current one.
 */
export function kubectlPatchCommand(obj: KubeObject, patch: SuggestedPatch): string {
  const ns = obj.metadata.namespace ? ` -n ${shellQuote(obj.metadata.namespace)}` : '';
  return `kubectl patch ${obj.kind.toLowerCase()} ${shellQuote(obj.metadata.name ?? '<name>')}${ns} --type ${patch.type} -p ${shellQuote(JSON.stringify(patch.patch))}`;
}
