// Keyed lookups (ClusterView.lookup): objects of a kind by a derived key, e.g. bindings by
// the subjects they name. Views without their own `lookup` get an index built over
// `list(kind)`, memoised on the list's identity (lists are stable for a batch).
import type { KubeObject } from '../model/object.js';
import type { ClusterView, LookupIndex } from './types.js';

const NONE: readonly KubeObject[] = [];
const built = new WeakMap<readonly KubeObject[], Map<string, Map<string, KubeObject[]>>>();

/** `index` over `list`: key → objects in list order (each object once per key). */
export function indexOver(list: readonly KubeObject[], index: LookupIndex): ReadonlyMap<string, readonly KubeObject[]> {
  let byIndex = built.get(list);
  if (!byIndex) built.set(list, (byIndex = new Map()));
  let map = byIndex.get(index.id);
  if (map) return map;
  map = new Map();
  for (const o of list) {
    const keys = index.keysOf(o);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      if (keys.indexOf(key) !== i) continue;
      const bucket = map.get(key);
      if (bucket) bucket.push(o);
      else map.set(key, [o]);
    }
  }
  byIndex.set(index.id, map);
  return map;
}

/** What `view.lookup` answers, or the same from an index over `view.list(kind)`. */
export function lookupIn(view: ClusterView, kind: string, index: LookupIndex, key: string): readonly KubeObject[] {
  if (view.lookup) return view.lookup(kind, index, key);
  return indexOver(view.list(kind), index).get(key) ?? NONE;
}
