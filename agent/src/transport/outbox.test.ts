import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConnectRequest } from '@stance/proto';
import { Outbox } from './outbox.js';

type Body = NonNullable<ConnectRequest['body']>;
const begin = (id: string): Body => ({ $case: 'snapshotBegin', value: { snapshotId: id, kinds: ['v1/Pod'] } });

/** Everything the outbox would write to the current stream, in order. */
function drain(o: Outbox): number[] {
  const seqs: number[] = [];
  for (let m = o.take(); m; m = o.take()) seqs.push(m.seq);
  return seqs;
}

/** Whether a promise has settled after the pending microtasks ran. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  return done;
}

afterEach(() => vi.useRealTimers());

describe('Outbox', () => {
  it('numbers messages from 1 and hands each out once, in order', () => {
    const o = new Outbox(1_000_000, () => undefined);
    expect([o.push(begin('a'), 10), o.push(begin('b'), 10), o.push(begin('c'), 10)]).toEqual([1, 2, 3]);
    const first = o.take();
    expect(first).toEqual({ seq: 1, body: begin('a') });
    expect(drain(o)).toEqual([2, 3]);
    expect(o.take()).toBeUndefined();
    expect(o.size).toBe(3);
    expect(o.bufferedBytes).toBe(30);
    expect(o.firstBufferedSeq).toBe(1);
  });

  it('acknowledges cumulatively and ignores stale acks', () => {
    const o = new Outbox(1_000_000, () => undefined);
    for (let i = 0; i < 5; i++) o.push(begin(String(i)), 100);
    drain(o);
    o.ack(3);
    expect(o.lastAcked).toBe(3);
    expect(o.size).toBe(2);
    expect(o.firstBufferedSeq).toBe(4);
    expect(o.bufferedBytes).toBe(200);
    o.ack(2); // older than what is already acknowledged
    expect(o.lastAcked).toBe(3);
    expect(o.size).toBe(2);
    o.ack(5);
    expect(o.size).toBe(0);
    expect(o.bufferedBytes).toBe(0);
    expect(o.firstBufferedSeq).toBe(0);
  });

  it('keeps the write position when acks arrive for messages already written', () => {
    const o = new Outbox(1_000_000, () => undefined);
    for (let i = 0; i < 4; i++) o.push(begin(String(i)), 1);
    expect(o.take()?.seq).toBe(1);
    expect(o.take()?.seq).toBe(2);
    o.ack(1);
    expect(drain(o)).toEqual([3, 4]);
  });

  it('replays from the committed seq on a new stream', () => {
    const o = new Outbox(1_000_000, () => undefined);
    for (let i = 0; i < 5; i++) o.push(begin(String(i)), 1);
    expect(drain(o)).toEqual([1, 2, 3, 4, 5]);
    o.ack(1);
    // The stream broke; the collector says it committed up to 3.
    o.rewind(3);
    expect(drain(o)).toEqual([4, 5]);
    // A collector that committed less than we know was acked cannot un-ack.
    o.rewind(2);
    expect(drain(o)).toEqual([4, 5]);
    // New messages continue the numbering.
    expect(o.push(begin('x'), 1)).toBe(6);
    expect(drain(o)).toEqual([6]);
  });

  it('on overflow drops the whole buffer, counts it and asks the owner to resync', () => {
    const onOverflow = vi.fn();
    const o = new Outbox(100, onOverflow);
    o.push(begin('a'), 60);
    expect(onOverflow).not.toHaveBeenCalled();
    const seq = o.push(begin('b'), 60);
    expect(seq).toBe(2);
    expect(onOverflow).toHaveBeenCalledTimes(1);
    expect(o.overflows).toBe(1);
    expect(o.size).toBe(0);
    expect(o.bufferedBytes).toBe(0);
    expect(o.take()).toBeUndefined();
    // Numbering never goes back, so the collector never mistakes new data for a replay.
    expect(o.push(begin('c'), 10)).toBe(3);
    expect(drain(o)).toEqual([3]);
  });

  it('lets the owner push a fresh snapshot from inside onOverflow', () => {
    let o!: Outbox;
    o = new Outbox(100, () => o.push(begin('resync'), 10));
    o.push(begin('a'), 90);
    o.push(begin('b'), 20);
    expect(drain(o)).toEqual([3]);
    expect(o.bufferedBytes).toBe(10);
  });

  it('waitForRoom resolves at once below half full, else once acks free space', async () => {
    const o = new Outbox(100, () => undefined);
    o.push(begin('a'), 30);
    expect(await settled(o.waitForRoom())).toBe(true);
    o.push(begin('b'), 30); // 60 of 100: over the low-water mark
    const room = o.waitForRoom();
    expect(await settled(room)).toBe(false);
    o.ack(0); // nothing new
    expect(await settled(room)).toBe(false);
    o.ack(1); // 30 left, under half
    expect(await settled(room)).toBe(true);
  });

  it('waitForRoom holds producers at 8 MiB unacknowledged even when the bound is larger', async () => {
    const MiB = 1024 * 1024;
    const o = new Outbox(64 * MiB, () => undefined);
    o.push(begin('a'), 5 * MiB);
    expect(await settled(o.waitForRoom())).toBe(true);
    o.push(begin('b'), 4 * MiB); // 9 MiB: far under half of 64, over the cap
    const room = o.waitForRoom();
    expect(await settled(room)).toBe(false);
    o.ack(1);
    expect(await settled(room)).toBe(true);
  });

  it('waitForRoom resolves when an overflow empties the buffer', async () => {
    const o = new Outbox(100, () => undefined);
    o.push(begin('a'), 80);
    const room = o.waitForRoom();
    expect(await settled(room)).toBe(false);
    o.push(begin('b'), 80);
    expect(await settled(room)).toBe(true);
  });

  it('whenData resolves when something is pushed', async () => {
    const o = new Outbox(1000, () => undefined);
    const data = o.whenData();
    expect(await settled(data)).toBe(false);
    o.push(begin('a'), 1);
    expect(await settled(data)).toBe(true);
    expect(await settled(o.whenData())).toBe(true);
    drain(o);
    expect(await settled(o.whenData())).toBe(false);
  });

  it('reports the age of the oldest unacknowledged message', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const o = new Outbox(1000, () => undefined);
    expect(o.lagMs()).toBe(0);
    o.push(begin('a'), 1);
    vi.setSystemTime(1_000_500);
    o.push(begin('b'), 1);
    expect(o.lagMs(1_002_000)).toBe(2000);
    o.ack(1);
    expect(o.lagMs(1_002_000)).toBe(1500);
    o.ack(2);
    expect(o.lagMs(1_002_000)).toBe(0);
  });
});
