// The view a check sees. It enforces `reads` (a read of an undeclared kind throws) and,
// in the incremental engine, reports every read to a sink that feeds the reverse index.
// One instance is reused for every check: no per-subject allocation.
import type { KubeObject } from '../model/object.js';
import { UndeclaredReadError } from './errors.js';
import { lookupIn } from './lookup.js';
import type { ClusterView, Control, LookupIndex } from './types.js';

export interface ReadSink {
  /** Told which control runs next, before its reads. */
  onControl?(control: Control): void;
  onGet(kind: string, namespace: string | undefined, name: string): void;
  onList(kind: string, namespace: string | undefined): void;
  /** A keyed lookup and what it found (the engine remembers which keys found an object). */
  onLookup?(kind: string, index: LookupIndex, key: string, found: readonly KubeObject[]): void;
}

const NONE: readonly string[] = [];

export class GuardedView implements ClusterView {
  private controlId = '';
  private declared: readonly string[] = NONE;
  private sink: ReadSink | undefined;

  constructor(private readonly inner: ClusterView) {}

  /** Points the view at the control about to run (and where its reads go). */
  begin(control: Control, sink?: ReadSink): void {
    this.controlId = control.id;
    this.declared = control.reads ?? NONE;
    this.sink = sink;
    sink?.onControl?.(control);
  }

  get(kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    this.guard(kind);
    this.sink?.onGet(kind, namespace || undefined, name);
    return this.inner.get(kind, namespace || undefined, name);
  }

  list(kind: string, namespace?: string): KubeObject[] {
    this.guard(kind);
    this.sink?.onList(kind, namespace);
    return this.inner.list(kind, namespace);
  }

  lookup(kind: string, index: LookupIndex, key: string): readonly KubeObject[] {
    this.guard(kind);
    const found = lookupIn(this.inner, kind, index, key);
    if (this.sink) {
      if (this.sink.onLookup) this.sink.onLookup(kind, index, key, found);
      else this.sink.onList(kind, undefined); // a sink that knows no lookups sees the list it came from
    }
    return found;
  }

  private guard(kind: string): void {
    if (!this.declared.includes(kind)) throw new UndeclaredReadError(this.controlId, kind, this.declared);
  }
}
