// Line numbers for offsets into a text that arrives in chunks: the yaml package's
// LineCounter keeps every line start of the input, this keeps only those not yet
// forgotten, so a stream of a million documents does not grow it.

export class LineIndex {
  /** Start offsets of the lines still known, ascending. */
  private starts: number[] = [];
  /** Lines forgotten before starts[0]. */
  private dropped = 0;

  /** The yaml Parser's `onNewLine`: the offset where a line starts. */
  readonly add = (offset: number): void => {
    const last = this.starts[this.starts.length - 1];
    if (last === undefined || offset > last) this.starts.push(offset);
  };

  /** 1-based line of `offset` (an offset at or after the last forgotten one). */
  line(offset: number): number {
    return this.dropped + this.countUpTo(offset);
  }

  /** Lines that start before the line holding `offset` are no longer asked for. */
  forget(offset: number): void {
    const k = this.countUpTo(offset) - 1;
    if (k <= 0) return;
    this.starts.splice(0, k);
    this.dropped += k;
  }

  /** How many known line starts are at or before `offset`. */
  private countUpTo(offset: number): number {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.starts[mid]! <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
