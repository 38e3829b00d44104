// Which occurrence of each object identity a scan keeps: the last one (what `kubectl apply`
// of all files would leave). Every object read gets the next sequence number; a repeated
// identity supersedes its earlier occurrence. Held in typed arrays, ~30 bytes per object
// (a Map of identity strings takes ~150): identities are kept as 128-bit SHA-256 prefixes,
// which no manifest set can make collide (that would take ~2^64 attempts).
import { createHash } from 'node:crypto';

/** The place an earlier occurrence was read from. */
export interface Occurrence {
  seq: number;
  fileIndex: number;
  line: number;
}

const WORDS = 4; // 128 bits

function grown<T extends Uint32Array | Int32Array>(array: T, needed: number): T {
  if (needed <= array.length) return array;
  const next = new (array.constructor as new (n: number) => T)(Math.max(needed, array.length * 2));
  next.set(array);
  return next;
}

export class Occurrences {
  private count = 0;
  private digests = new Uint32Array(WORDS * 1024);
  private fileIndexes = new Uint32Array(1024);
  private lines = new Uint32Array(1024);
  /** Open addressing, linear probing: the latest seq + 1 of an identity, 0 for an empty slot. */
  private slots = new Int32Array(2048);
  private distinct = 0;
  private superseded = new Uint32Array(32);

  /** Objects recorded so far (the next sequence number). */
  get size(): number {
    return this.count;
  }

  /**
   * Records the next object (sequence number `size`) and returns the occurrence of the same
   * identity it supersedes, if any.
   */
  add(identity: string, fileIndex: number, line: number): Occurrence | undefined {
    const seq = this.count++;
    this.digests = grown(this.digests, WORDS * this.count);
    this.fileIndexes = grown(this.fileIndexes, this.count);
    this.lines = grown(this.lines, this.count);
    this.superseded = grown(this.superseded, (this.count >>> 5) + 1);
    const digest = createHash('sha256').update(identity).digest();
    for (let w = 0; w < WORDS; w++) this.digests[seq * WORDS + w] = digest.readUInt32LE(w * 4);
    this.fileIndexes[seq] = fileIndex;
    this.lines[seq] = line;

    const slot = this.find(seq);
    const earlier = this.slots[slot]! - 1;
    this.slots[slot] = seq + 1;
    if (earlier >= 0) {
      this.superseded[earlier >>> 5]! |= 1 << (earlier & 31);
      return { seq: earlier, fileIndex: this.fileIndexes[earlier]!, line: this.lines[earlier]! };
    }
    if (++this.distinct * 2 > this.slots.length) this.rehash();
    return undefined;
  }

  /** Whether object `seq` is the last of its identity (the one scanned). */
  isLatest(seq: number): boolean {
    return seq < this.count && (this.superseded[seq >>> 5]! & (1 << (seq & 31))) === 0;
  }

  /** After the last add: only `isLatest` is asked from here on; the rest is let go. */
  seal(): void {
    this.digests = new Uint32Array(0);
    this.fileIndexes = new Uint32Array(0);
    this.lines = new Uint32Array(0);
    this.slots = new Int32Array(0);
  }

  /** The slot holding the identity of `seq`, or the empty slot where it goes. */
  private find(seq: number): number {
    const mask = this.slots.length - 1;
    const base = seq * WORDS;
    for (let slot = this.digests[base]! & mask; ; slot = (slot + 1) & mask) {
      const held = this.slots[slot]! - 1;
      if (held < 0 || this.sameDigest(held * WORDS, base)) return slot;
    }
  }

  private sameDigest(a: number, b: number): boolean {
    const d = this.digests;
    return d[a] === d[b] && d[a + 1] === d[b + 1] && d[a + 2] === d[b + 2] && d[a + 3] === d[b + 3];
  }

  private rehash(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    for (const held of old) if (held > 0) this.slots[this.find(held - 1)] = held;
  }
}
