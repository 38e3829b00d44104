// The dashboard stream: a sink of the findings feed that fans transitions out to every
// connected dashboard, plus an "agents" event when an agent connects, goes stale or
// disconnects, and a "risk" event when findings' risk or attack paths moved. Each subscriber has a bounded buffer: a dashboard that cannot keep up gets
// one "resync" event (reload everything) instead of an ever-growing backlog.
import type { FindingTransition, TransitionSink } from '../findings/feed/transition.js';
import { findingId } from '../findings/finding-refs.js';

export interface LiveEvent {
  event: 'findings' | 'agents' | 'risk' | 'resync';
  data: unknown;
}

/** What a dashboard needs to know that something changed, and whether to highlight it. */
export interface TransitionSummary {
  type: FindingTransition['type'];
  id: string;
  cluster: string;
  controlId: string;
  severity: string;
  status: string;
  kind: string;
  namespace: string;
  name: string;
  at: number;
}

/** Transitions a subscriber may have waiting; past this it is told to resync. */
const MAX_PENDING = 2000;
/** Transitions in one event. */
const MAX_PER_EVENT = 500;

export class Subscriber {
  private pending: TransitionSummary[] = [];
  private resync = false;
  private agents = false;
  private risk = false;
  private wake: (() => void) | undefined;
  closed = false;

  push(items: readonly TransitionSummary[]): void {
    if (this.resync) return;
    if (this.pending.length + items.length > MAX_PENDING) {
      this.pending = [];
      this.resync = true;
    } else this.pending.push(...items);
    this.wake?.();
  }

  agentsChanged(): void {
    this.agents = true;
    this.wake?.();
  }

  riskChanged(): void {
    this.risk = true;
    this.wake?.();
  }

  close(): void {
    this.closed = true;
    this.wake?.();
  }

  /** The events waiting, or [] after `timeoutMs` with none (time for a keep-alive). */
  async next(timeoutMs: number): Promise<LiveEvent[]> {
    if (!this.ready() && !this.closed) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, timeoutMs);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.wake = done;
      });
      this.wake = undefined;
    }
    const out: LiveEvent[] = [];
    if (this.resync) {
      out.push({ event: 'resync', data: {} });
      this.resync = false;
    } else if (this.pending.length > 0) {
      const items = this.pending.splice(0, MAX_PER_EVENT);
      out.push({ event: 'findings', data: { items } });
    }
    if (this.agents) {
      out.push({ event: 'agents', data: {} });
      this.agents = false;
    }
    if (this.risk) {
      out.push({ event: 'risk', data: {} });
      this.risk = false;
    }
    return out;
  }

  private ready(): boolean {
    return this.resync || this.agents || this.risk || this.pending.length > 0;
  }
}

export class LiveEvents implements TransitionSink {
  readonly name = 'dashboard';
  private readonly subscribers = new Set<Subscriber>();
  private watch: NodeJS.Timeout | undefined;
  private agentsDigest = '';

  /** `agentsDigest` changes whenever an agent's status does; it is read every `watchMs` while someone listens. */
  constructor(
    private readonly readAgentsDigest: () => string,
    private readonly watchMs = 2000,
  ) {}

  get size(): number {
    return this.subscribers.size;
  }

  deliver(batch: readonly FindingTransition[]): void {
    if (this.subscribers.size === 0) return;
    const items = batch.map(summarize);
    for (const s of this.subscribers) s.push(items);
  }

  /** Findings' risk or attack paths moved (coalesced per subscriber until it reads). */
  riskChanged(): void {
    for (const s of this.subscribers) s.riskChanged();
  }

  subscribe(): Subscriber {
    const s = new Subscriber();
    this.subscribers.add(s);
    if (!this.watch) {
      this.agentsDigest = this.readAgentsDigest();
      this.watch = setInterval(() => this.checkAgents(), this.watchMs);
      this.watch.unref();
    }
    return s;
  }

  unsubscribe(s: Subscriber): void {
    s.close();
    this.subscribers.delete(s);
    if (this.subscribers.size === 0) {
      clearInterval(this.watch);
      this.watch = undefined;
    }
  }

  /** Ends every stream (the collector is stopping: open streams would hold the server). */
  close(): void {
    for (const s of [...this.subscribers]) this.unsubscribe(s);
  }

  private checkAgents(): void {
    const digest = this.readAgentsDigest();
    if (digest === this.agentsDigest) return;
    this.agentsDigest = digest;
    for (const s of this.subscribers) s.agentsChanged();
  }
}

function summarize(t: FindingTransition): TransitionSummary {
  const f = t.finding;
  return {
    type: t.type,
    id: findingId(f),
    cluster: f.clusterId,
    controlId: f.controlId,
    severity: f.severity,
    status: f.status,
    kind: f.kind,
    namespace: f.namespace,
    name: f.name,
    at: t.at,
  };
}
