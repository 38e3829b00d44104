// The incremental engine's only state: which subjects read which objects. A read key is
// an exact get (kind, ns, name), a namespace list (kind, ns) or a cluster-wide list
// (kind). Kinds, namespaces and apiVersions are interned; subjects and read keys get
// small integer ids (recycled), so 100k subjects cost a few arrays and sets of numbers.
const SEP = '\u0001';

export function getReadKey(kind: string, namespace: string | undefined, name: string): string {
  return `g${SEP}${kind}${SEP}${namespace ?? ''}${SEP}${name}`;
}

export function listReadKey(kind: string, namespace: string | undefined): string {
  return namespace === undefined ? `a${SEP}${kind}` : `l${SEP}${kind}${SEP}${namespace}`;
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
  private readonly subjectReads: number[][] = [];
  private readonly freeSubjectIds: number[] = [];

  get subjects(): number {
    return this.subjectIds.size;
  }

  get readKeys(): number {
    return this.keyIds.size;
  }

  /** Replaces the subject's recorded reads; an empty set forgets the subject. */
  set(location: SubjectLocation, readKeys: Iterable<string>): void {
    this.remove(location.subjectKey);
    const reads: number[] = [];
    for (const key of readKeys) reads.push(this.keyId(key));
    if (reads.length === 0) return;
    const sid = this.freeSubjectIds.pop() ?? this.subjectKeys.length;
    this.subjectIds.set(location.subjectKey, sid);
    this.subjectKeys[sid] = location.subjectKey;
    this.subjectApiVersion[sid] = this.atom(location.apiVersion);
    this.subjectKind[sid] = this.atom(location.kind);
    this.subjectNs[sid] = location.namespace === undefined ? -1 : this.atom(location.namespace);
    this.subjectName[sid] = location.name;
    this.subjectReads[sid] = reads;
    for (const kid of reads) this.readers[kid]!.add(sid);
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
    this.subjectName[sid] = '';
    this.freeSubjectIds.push(sid);
  }

  /** Subjects whose reads a change to (kind, ns, name) can affect. */
  readersOf(kind: string, namespace: string | undefined, name: string): SubjectLocation[] {
    const sids = new Set<number>();
    for (const key of readKeysOf(kind, namespace, name)) {
      const kid = this.keyIds.get(key);
      if (kid === undefined) continue;
      for (const sid of this.readers[kid]!) sids.add(sid);
    }
    return [...sids].map((sid) => this.location(sid));
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
