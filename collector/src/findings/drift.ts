// What changed in an object to open or resolve a finding: the values at the finding's
// evidence paths before and after ("opened when spec...privileged changed false → true").
import type { KubeObject } from '@stance/shared/model/index';

export interface FieldChange {
  path: string;
  from: unknown;
  to: unknown;
}

/** Reads `a.b[0].c` style paths; undefined when any step is missing. */
export function valueAt(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.match(/[^.[\]]+/g) ?? []) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

export function fieldChanges(paths: readonly string[], before: KubeObject | undefined, after: KubeObject | undefined): FieldChange[] {
  const out: FieldChange[] = [];
  for (const path of paths) {
    const from = before ? valueAt(before, path) : undefined;
    const to = after ? valueAt(after, path) : undefined;
    if (JSON.stringify(from) !== JSON.stringify(to)) out.push({ path, from: from ?? null, to: to ?? null });
  }
  return out;
}
