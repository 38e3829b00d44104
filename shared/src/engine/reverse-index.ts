// The incremental engine's only state: which subjects read which objects. A read key is
// an exact get (kind, ns, name), a namespace list (kind, ns) or a cluster-wide list
// (kind). Kinds, namespaces and apiVersions are interned; subjects and read keys get
// small integer ids (recycled), so 100k subjects cost a few arrays and sets of numbers.
// Each read also remembers which of the subject's relation controls made it, so a delta
// can re-run just those controls (EngineOptions.partialResults).
const SEP = '\u0001';

export function getReadKey(kind: string, namespace: string | undefined, name: string): string {
  return `g${SEP}${kind}${SEP}${namespace ?? ''}${SEP}${name}`;
}

export function listReadKey(kind: string, namespace: string | undefined): string {
  return namespace === undefined ? `a${SEP}${kind}` : `l${SEP}${kind}${SEP}${namespace}`;
}

/** A keyed lookup (ClusterView.lookup) of `key` in index `indexId` over `kind`. */
export function lookupReadKey(kind: string, indexId: string, key: string): string {
  return `x${SEP}${kind}${SEP}${indexId}${SEP}${key}`;
}

/** The read keys a change to object (kind, ns, name) can invalidate. */
export function readKeysOf(kind: string, namespace: string | undefined, name: string): string[] {
  return [getReadKey(kind, namespace, name), listReadKey(kind, namespace ?? ''), listReadKey(kind, undefined)];
}

export interface SubjectLocation {
  subjectKey: string;
  apiVersion: string;
  kind: string;
  namespace: string | undefined;
  name: string;
}

/**
 * Which relation controls made a read: one bit per control (see IncrementalEngine);
 * ALL_CONTROLS when there are too many to tell apart.
 */
export const ALL_CONTROLS = 0x7fffffff;

export interface Dependent {
  location: SubjectLocation;
  /** The controls of this subject whose reads the change matches. */
  mask: number;
}

export class ReverseIndex {
  private readonly atomIds = new Map<string, number>();
  private readonly atoms: string[] = [];

  private readonly keyIds = new Map<string, number>();
  private readonly keyStrings: (string | undefined)[] = [];
  private readonly readers: (Set<number> | undefined)[] = [];
  private readonly freeKeyIds: number[] = [];

  private readonly subjectIds = new Map<string, number>();
  private readonly subjectKeys: (string | undefined)[] = [];
  private readonly subjectApiVersion: number[] = [];
  private readonly subjectKind: number[] = [];
  /** Interned namespace; -1 for cluster-scoped. */
  private readonly subjectNs: number[] = [];
  private readonly subjectName: string[] = [];
  /** Read key ids of each subject, and in parallel the controls that made each read. */
  private readonly subjectReads: number[][] = [];
  private readonly subjectMasks: number[][] = [];
  private readonly freeSubjectIds: number[] = [];

  get subjects(): number {
    return this.subjectIds.size;
  }

  get readKeys(): number {
    return this.keyIds.size;
  }

  /** Replaces the subject's recorded reads (key → control mask); none forgets the subject. */
  set(location: SubjectLocation, reads: ReadonlyMap<string, number>): void {
    this.replace(location, 0, reads, true);
  }

  /**
   * Replaces only the reads of the controls in `rerun` (they were evaluated again); the
   * reads of the other controls stay.
   */
  update(location: SubjectLocation, rerun: number, reads: ReadonlyMap<string, number>): void {
    this.replace(location, rerun, reads, false);
  }

  private replace(location: SubjectLocation, rerun: number, reads: ReadonlyMap<string, number>, all: boolean): void {
    const old = this.subjectIds.get(location.subjectKey);
    // Most subjects (object checks only) read nothing and were never recorded.
    if (old === undefined && reads.size === 0) return;
    let merged: ReadonlyMap<string, number> = reads;
    if (!all) {
      const kept = new Map<string, number>();
      if (old !== undefined) {
        const keys = this.subjectReads[old]!;
        const masks = this.subjectMasks[old]!;
        for (let i = 0; i < keys.length; i++) {
          const mask = rerun === ALL_CONTROLS ? 0 : masks[i]! & ~rerun;
          if (mask) kept.set(this.keyStrings[keys[i]!]!, mask);
        }
      }
      for (const [key, mask] of reads) kept.set(key, (kept.get(key) ?? 0) | mask);
      merged = kept;
    }
    this.remove(location.subjectKey);
    if (merged.size === 0) return;
    const keyIds: number[] = [];
    const masks: number[] = [];
    for (const [key, mask] of merged) {
      keyIds.push(this.keyId(key));
      masks.push(mask);
    }
    const sid = this.freeSubjectIds.pop() ?? this.subjectKeys.length;
    this.subjectIds.set(location.subjectKey, sid);
    this.subjectKeys[sid] = location.subjectKey;
    this.subjectApiVersion[sid] = this.atom(location.apiVersion);
    this.subjectKind[sid] = this.atom(location.kind);
    this.subjectNs[sid] = location.namespace === undefined ? -1 : this.atom(location.namespace);
    this.subjectName[sid] = location.name;
    this.subjectReads[sid] = keyIds;
    this.subjectMasks[sid] = masks;
    for (const kid of keyIds) this.readers[kid]!.add(sid);
  }

  remove(subjectKey: string): void {
    const sid = this.subjectIds.get(subjectKey);
    if (sid === undefined) return;
    for (const kid of this.subjectReads[sid]!) {
      const set = this.readers[kid]!;
      set.delete(sid);
      if (set.size === 0) this.dropKey(kid);
    }
    this.subjectIds.delete(subjectKey);
    this.subjectKeys[sid] = undefined;
    this.subjectReads[sid] = [];
    this.subjectMasks[sid] = [];
    this.subjectName[sid] = '';
    this.freeSubjectIds.push(sid);
  }

  /**
   * Subjects whose reads a change to (kind, ns, name) can affect, with the controls
   * concerned; `lookupKeys` are the lookup read keys the object had or has.
   */
  readersOf(kind: string, namespace: string | undefined, name: string, lookupKeys: Iterable<string> = []): Dependent[] {
    const found = new Map<number, number>();
    const collect = (key: string) => {
      const kid = this.keyIds.get(key);
      if (kid === undefined) return;
      for (const sid of this.readers[kid]!) {
        const i = this.subjectReads[sid]!.indexOf(kid);
        found.set(sid, (found.get(sid) ?? 0) | this.subjectMasks[sid]![i]!);
      }
    };
    for (const key of readKeysOf(kind, namespace, name)) collect(key);
    for (const key of lookupKeys) collect(key);
    return [...found].map(([sid, mask]) => ({ location: this.location(sid), mask }));
  }

  private location(sid: number): SubjectLocation {
    const ns = this.subjectNs[sid]!;
    return {
      subjectKey: this.subjectKeys[sid]!,
      apiVersion: this.atoms[this.subjectApiVersion[sid]!]!,
      kind: this.atoms[this.subjectKind[sid]!]!,
      namespace: ns < 0 ? undefined : this.atoms[ns],
      name: this.subjectName[sid]!,
    };
  }

  private atom(s: string): number {
    let id = this.atomIds.get(s);
    if (id === undefined) {
      id = this.atoms.length;
      this.atoms.push(s);
      this.atomIds.set(s, id);
    }
    return id;
  }

  private keyId(key: string): number {
    let kid = this.keyIds.get(key);
    if (kid === undefined) {
      kid = this.freeKeyIds.pop() ?? this.keyStrings.length;
      this.keyIds.set(key, kid);
      this.keyStrings[kid] = key;
      this.readers[kid] = new Set();
    }
    return kid;
  }

  private dropKey(kid: number): void {
    this.keyIds.delete(this.keyStrings[kid]!);
    this.keyStrings[kid] = undefined;
    this.readers[kid] = undefined;
    this.freeKeyIds.push(kid);
  }
}
