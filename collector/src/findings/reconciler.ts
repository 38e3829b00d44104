// Start-up reconciliation: everything stored is evaluated again, which rebuilds each
// engine's reverse index and brings findings in line with the current controls (and
// redoes whatever was queued when the last run stopped). Chunked and yielding, so ingest
// and queued changes proceed meanwhile; each chunk reads its objects fresh.
import type { Control } from '@stance/shared/engine/index';
import type { Logger } from '@stance/shared/log/index';
import type { Db } from '../store/database.js';
import type { Evaluator } from './evaluator.js';
import type { FailureListener } from './failure.js';

const CHUNK = 500;

export class Reconciler {
  constructor(
    private readonly db: Db,
    private readonly evaluator: Evaluator,
    private readonly controls: readonly Control[],
    private readonly log: Logger,
    private readonly onFailure?: FailureListener,
  ) {}

  async run(stopped: () => boolean): Promise<void> {
    const start = performance.now();
    const kinds = [...new Set(this.controls.flatMap((c) => c.kinds))];
    const clusters = this.db.prepare<[], { id: string }>('SELECT id FROM clusters').all();
    const uidsOf = this.db.prepare<[string, string], { uid: string }>('SELECT uid FROM resources WHERE cluster_id = ? AND kind = ?');
    let subjects = 0;
    try {
      for (const { id } of clusters) {
        const seen = new Set<string>();
        for (const kind of kinds) {
          const uids = uidsOf.all(id, kind).map((r) => r.uid);
          for (let i = 0; i < uids.length && !stopped(); i += CHUNK) {
            for (const key of this.evaluator.stored(id, uids.slice(i, i + CHUNK))) seen.add(key);
            subjects += Math.min(CHUNK, uids.length - i);
            await new Promise((r) => setImmediate(r));
          }
        }
        if (stopped()) return;
        this.evaluator.vanished(id, seen);
      }
      this.log.info({ clusters: clusters.length, subjects, ms: Math.round(performance.now() - start) }, 'findings reconciled with stored state');
    } catch (err) {
      if (!stopped()) {
        this.log.error({ err }, 'reconciliation failed; findings may lag until the next start');
        this.onFailure?.(err, 'findings reconciliation');
      }
    }
  }
}
