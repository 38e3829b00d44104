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

/** Accumulates fixes for one Pod template and wraps them for the owning object's kind. */
export class PodPatch {
  private spec: Json = {};
  private meta: Json = {};
  private touched = false;

  constructor(private readonly template: PodTemplate) {}

  /** A fragment of the PodSpec, e.g. `{ hostPID: false }`. */
  pod(fragment: Json): this {
    this.spec = mergePatch(this.spec, fragment) as Json;
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
    this.meta = mergePatch(this.meta, fragment) as Json;
    this.touched = true;
    return this;
  }

  build(): SuggestedPatch | undefined {
    if (!this.touched) return undefined;
    let patch: Json = {};
    if (Object.keys(this.spec).length > 0) patch = mergePatch(patch, wrapAt(this.template.specKeys, this.spec)) as Json;
    if (Object.keys(this.meta).length > 0) patch = mergePatch(patch, wrapAt(this.template.metadataKeys, this.meta)) as Json;
    return { type: 'strategic', patch };
  }
}

/** Quotes a word for a POSIX shell when it needs it. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * `kubectl patch <kind> <name> [-n <ns>] --type <type> -p '<json>'` for a suggested patch.
 * Without a namespace (a manifest that does not set one) kubectl uses the current one.
 */
export function kubectlPatchCommand(obj: KubeObject, patch: SuggestedPatch): string {
  const parts = ['kubectl', 'patch', obj.kind.toLowerCase(), shellQuote(obj.metadata.name ?? '<name>')];
  if (obj.metadata.namespace) parts.push('-n', shellQuote(obj.metadata.namespace));
  parts.push('--type', patch.type, '-p', shellQuote(JSON.stringify(patch.patch)));
  return parts.join(' ');
}
