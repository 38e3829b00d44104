// Re-collects node facts on an interval and reports only real changes: the content hash
// (canonical JSON without the collection time) must differ from the last one reported.
import { nodeFactsHash, type NodeFactsDoc } from '@stance/shared/node/index';
import { createLogger } from '@stance/shared/log/index';
import { NodeFactsCollector } from './collector.js';

export interface WatchNodeFactsOptions {
  hostRoot: string;
  nodeName?: string;
  /** Default 30 s. */
  intervalMs?: number;
  onChange: (doc: NodeFactsDoc, contentHash: string) => void | Promise<void>;
  onError?: (err: unknown) => void;
}

export interface NodeFactsWatch {
  stop(): void;
  /** Resolves after the first collection (reported or failed). */
  readonly ready: Promise<void>;
}

export function watchNodeFacts(options: WatchNodeFactsOptions): NodeFactsWatch {
  const log = createLogger('node-facts');
  const collector = new NodeFactsCollector({ hostRoot: options.hostRoot, nodeName: options.nodeName });
  const intervalMs = options.intervalMs ?? 30_000;
  let lastHash: string | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const tick = async () => {
    try {
      const doc = await collector.collect();
      const hash = nodeFactsHash(doc);
      if (!stopped && hash !== lastHash) {
        lastHash = hash;
        await options.onChange(doc, hash);
      }
    } catch (err) {
      if (options.onError) options.onError(err);
      else log.warn({ err }, 'node facts collection failed');
    }
  };
  // setTimeout chained after each run: a slow collection never overlaps the next.
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void tick().then(schedule), intervalMs);
  };
  const ready = tick().then(schedule);
  return {
    ready,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
