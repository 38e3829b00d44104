// The change feed on a real SQLite file: transitions reach sinks only after their
// transaction commits, a rolled-back one publishes nothing, and a slow, stuck or failing
// sink never holds back the unit of work; what a full queue cannot take is counted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../store/database.js';
import { ChangeFeed, type TransitionJournal } from './change-feed.js';
import type { FindingTransition, TransitionSink } from './transition.js';

const dir = mkdtempSync(join(tmpdir(), 'stance-feed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const transition = (i: number): FindingTransition => ({
  type: 'opened',
  at: i,
  finding: {
    clusterId: 'c1', controlId: 'pod.privileged', subjectKey: `uid-${i}`, apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'app', name: `w${i}`,
    status: 'open', severity: 'critical', message: 'm', evidence: [], patch: null, reason: null, firstSeen: i, lastSeen: i, openedAt: i, resolvedAt: null, resourceVersion: '1',
  },
  previousStatus: null,
  control: undefined,
  cluster: { id: 'c1', name: 'c1' },
  cause: { reason: 'test' },
  resourceVersion: '1',
});

class Recorder implements TransitionSink {
  readonly got: FindingTransition[] = [];
  constructor(readonly name: string) {}
  deliver(batch: readonly FindingTransition[]): void {
    this.got.push(...batch);
  }
}

describe('ChangeFeed', () => {
  let db: Db;
  let journal: FindingTransition[];
  let feed: ChangeFeed;
  const log = pino({ level: 'silent' });

  beforeEach(() => {
    db = openDatabase(join(dir, `feed-${++n}.sqlite`));
    db.exec('CREATE TABLE journal (at INTEGER)');
    journal = [];
    const writer: TransitionJournal = {
      write: (t) => {
        db.prepare('INSERT INTO journal (at) VALUES (?)').run(t.at);
        journal.push(t);
      },
    };
    feed = new ChangeFeed(log, writer);
  });
  afterEach(() => {
    feed.close();
    db.close();
  });

  it('writes the journal in the transaction and publishes to every sink after the commit', async () => {
    const a = feed.register(new Recorder('a'));
    const b = new Recorder('b');
    feed.register(b);
    let seenInside = -1;
    feed.unitOfWork(db, () => {
      feed.record(transition(1));
      feed.record(transition(2));
      seenInside = (a.sink as Recorder).got.length + b.got.length;
    });
    expect(seenInside).toBe(0);
    expect(journal.map((t) => t.at)).toEqual([1, 2]);
    // Delivery is off the commit path: nothing yet, everything once the queues ran.
    expect(b.got).toHaveLength(0);
    await feed.idle();
    expect((a.sink as Recorder).got.map((t) => t.at)).toEqual([1, 2]);
    expect(b.got.map((t) => t.at)).toEqual([1, 2]);
    expect(feed.stats()).toEqual({ a: { delivered: 2, dropped: 0, failed: 0, queued: 0 }, b: { delivered: 2, dropped: 0, failed: 0, queued: 0 } });
  });

  it('publishes nothing from a unit of work that rolled back, and its journal rows are gone', async () => {
    const sink = new Recorder('s');
    feed.register(sink);
    expect(() =>
      feed.unitOfWork(db, () => {
        feed.record(transition(1));
        throw new Error('evaluation failed');
      }),
    ).toThrow('evaluation failed');
    feed.unitOfWork(db, () => feed.record(transition(2)));
    await feed.idle();
    expect(sink.got.map((t) => t.at)).toEqual([2]);
    expect(db.prepare('SELECT at FROM journal').all()).toEqual([{ at: 2 }]);
  });

  it('never waits for a stuck sink: its queue fills, the excess is dropped and counted, others are served', async () => {
    const stuck: TransitionSink = { name: 'stuck', deliver: () => new Promise(() => undefined) };
    feed.register(stuck, { capacity: 10, maxBatch: 4 });
    const ok = new Recorder('ok');
    feed.register(ok);
    const t0 = performance.now();
    for (let i = 0; i < 30; i++) feed.unitOfWork(db, () => feed.record(transition(i)));
    expect(performance.now() - t0).toBeLessThan(1000);
    await new Promise((r) => setTimeout(r, 20));
    expect(ok.got).toHaveLength(30);
    // The queue held 10 (the stuck delivery took 4 of them); the other 20 were dropped.
    expect(feed.stats().stuck).toEqual({ delivered: 0, dropped: 20, failed: 0, queued: 6 });
  });

  it('counts a failing delivery and goes on with the next batch', async () => {
    let calls = 0;
    const flaky: TransitionSink = {
      name: 'flaky',
      deliver: () => {
        if (++calls === 1) throw new Error('endpoint down');
      },
    };
    feed.register(flaky, { maxBatch: 2 });
    feed.unitOfWork(db, () => [1, 2, 3].forEach((i) => feed.record(transition(i))));
    await feed.idle();
    expect(feed.stats().flaky).toEqual({ delivered: 1, dropped: 0, failed: 2, queued: 0 });
  });
});
