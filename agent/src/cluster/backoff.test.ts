import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { Backoff, sleep } from './backoff.js';

describe('Backoff', () => {
  it('doubles a jittered delay up to the maximum, between half and all of the ceiling', () => {
    const b = new Backoff(100, 1000);
    const ceilings = [100, 200, 400, 800, 1000, 1000];
    for (const ceiling of ceilings) {
      const d = b.next();
      expect(d).toBeGreaterThanOrEqual(ceiling / 2);
      expect(d).toBeLessThanOrEqual(ceiling);
    }
  });

  it('starts over after reset', () => {
    const b = new Backoff(100, 10_000);
    for (let i = 0; i < 5; i++) b.next();
    b.reset();
    expect(b.next()).toBeLessThanOrEqual(100);
  });
});

describe('sleep', () => {
  it('waits about the given time', async () => {
    const t0 = Date.now();
    await sleep(30);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(25);
  });

  it('ends early when its signal aborts, or at once when it already has', async () => {
    const ac = new AbortController();
    const t0 = Date.now();
    setTimeout(() => ac.abort(), 10);
    await sleep(10_000, ac.signal);
    await sleep(10_000, ac.signal);
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('leaves no abort listener behind (a long retry loop must not leak)', async () => {
    const ac = new AbortController();
    for (let i = 0; i < 20; i++) await sleep(1, ac.signal);
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
  });
});
