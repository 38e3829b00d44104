// Sequenced messages on their way to the collector. Kept until acknowledged so a new
// stream can replay them; bounded in bytes — past the bound the buffer is dropped and the
// agent relists (level-based: a snapshot replaces whatever was lost).
import type { ConnectRequest } from '@stance/proto';

type Body = NonNullable<ConnectRequest['body']>;

const ROOM_CAP_BYTES = 8 * 1024 * 1024;

interface Entry {
  seq: number;
  body: Body;
  bytes: number;
  at: number;
}

export class Outbox {
  private entries: Entry[] = [];
  /** Index of the first entry not yet written to the current stream. */
  private cursor = 0;
  private bytes = 0;
  private nextSeq = 1;
  private roomWaiters: (() => void)[] = [];
  private dataWaiters: (() => void)[] = [];
  lastAcked = 0;
  overflows = 0;

  constructor(
    private readonly maxBytes: number,
    /** Called after an overflow dropped the buffer: the owner must resend a snapshot. */
    private readonly onOverflow: () => void,
  ) {}

  /**
   * Producers (list pages) wait while this much is unacknowledged: half the bound, but at
   * most 8 MiB — a few seconds of what a collector commits, enough to keep the stream full,
   * while every buffered byte is agent memory (the full bound is for outages, not syncs).
   */
  private get roomBytes(): number {
    return Math.min(this.maxBytes / 2, ROOM_CAP_BYTES);
  }

  push(body: Body, bytes: number): number {
    const seq = this.nextSeq++;
    this.entries.push({ seq, body, bytes, at: Date.now() });
    this.bytes += bytes;
    if (this.bytes > this.maxBytes) {
      this.overflows += 1;
      this.clear();
      this.onOverflow();
    }
    for (const w of this.dataWaiters.splice(0)) w();
    return seq;
  }

  /** Cumulative acknowledgement from the collector. */
  ack(seq: number): void {
    if (seq <= this.lastAcked) return;
    this.lastAcked = seq;
    let n = 0;
    while (n < this.entries.length && this.entries[n]!.seq <= seq) {
      this.bytes -= this.entries[n]!.bytes;
      n += 1;
    }
    this.entries.splice(0, n);
    this.cursor = Math.max(0, this.cursor - n);
    if (this.bytes < this.roomBytes) for (const w of this.roomWaiters.splice(0)) w();
  }

  /** A new stream: the collector has committed up to `committed`; replay the rest. */
  rewind(committed: number): void {
    this.ack(committed);
    this.cursor = 0;
  }

  clear(): void {
    this.entries = [];
    this.cursor = 0;
    this.bytes = 0;
    for (const w of this.roomWaiters.splice(0)) w();
  }

  /** The next message to write, or undefined when all were written. */
  take(): ConnectRequest | undefined {
    const e = this.entries[this.cursor];
    if (!e) return undefined;
    this.cursor += 1;
    return { seq: e.seq, body: e.body };
  }

  whenData(): Promise<void> {
    if (this.cursor < this.entries.length) return Promise.resolve();
    return new Promise((resolve) => this.dataWaiters.push(resolve));
  }

  waitForRoom(): Promise<void> {
    if (this.bytes < this.roomBytes) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  get firstBufferedSeq(): number {
    return this.entries[0]?.seq ?? 0;
  }

  get size(): number {
    return this.entries.length;
  }

  get bufferedBytes(): number {
    return this.bytes;
  }

  /** Age of the oldest unacknowledged message. */
  lagMs(now = Date.now()): number {
    return this.entries[0] ? now - this.entries[0].at : 0;
  }
}
