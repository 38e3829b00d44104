// CollectorConnection's reconnect loop against an address where no collector listens.
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@stance/shared/log/index';
import { CollectorConnection } from './connection.js';
import { Outbox } from './outbox.js';

const base = createLogger('connection-test');
base.level = 'silent';
/** Counts the failed attempts the connection reports. */
let failures = 0;
const log = Object.assign(Object.create(base) as typeof base, {
  warn: (...args: unknown[]) => {
    if (String(args[1] ?? '').includes('reconnecting')) failures += 1;
  },
});

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('CollectorConnection', () => {
  it('keeps retrying an unreachable collector, and stop() does not wait out the backoff', async () => {
    const outbox = new Outbox(1024 * 1024, () => undefined);
    outbox.push({ $case: 'snapshotBegin', value: { snapshotId: 's', kinds: [] } }, 10);
    const conn = new CollectorConnection(
      { host: '127.0.0.1', port: await closedPort(), security: {}, clusterId: 'c', clusterName: 'c', agentId: 'a', mode: 'cluster' },
      outbox,
      { resync: () => undefined, counts: () => ({}) },
      log,
    );
    conn.start();
    // Four failed attempts: the wait now under way is a second or more.
    const deadline = Date.now() + 5000;
    while (failures < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(failures).toBe(4);
    expect(conn.connected).toBe(false);
    const t0 = Date.now();
    await conn.stop(0);
    expect(Date.now() - t0).toBeLessThan(500);
    // Nothing was acknowledged, so nothing was dropped.
    expect(outbox.size).toBe(1);
  });
});
