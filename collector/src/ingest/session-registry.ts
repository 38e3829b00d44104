// Bounds what agent streams may hold: a limited number of streams that have not said Hello
// yet (each may have only a few seconds to do so), and one live stream per agent — a newer
// stream of the same agent (a reconnect after a partition) replaces the older one.

export interface RegisteredSession {
  /** Ends the stream because a newer one of the same agent took over; it must not mark the agent disconnected. */
  supersede(): void;
}

export class TooManyPendingError extends Error {
  constructor(readonly limit: number) {
    super(`more than ${limit} agent streams are waiting to say Hello; try again shortly`);
    this.name = 'TooManyPendingError';
  }
}

export class SessionRegistry<S extends RegisteredSession> {
  private pendingCount = 0;
  private readonly live = new Map<string, S>();

  constructor(readonly maxPending: number) {}

  get pending(): number {
    return this.pendingCount;
  }

  get liveCount(): number {
    return this.live.size;
  }

  /** A stream opened: it counts against the pending limit until `admitted` or `closed`. */
  opened(): void {
    if (this.pendingCount >= this.maxPending) throw new TooManyPendingError(this.maxPending);
    this.pendingCount += 1;
  }

  /** The stream said Hello and was admitted as this agent: an older stream of it is superseded. */
  admitted(clusterId: string, agentId: string, session: S): void {
    this.pendingCount -= 1;
    const key = `${clusterId}\u0000${agentId}`;
    const older = this.live.get(key);
    this.live.set(key, session);
    if (older && older !== session) older.supersede();
  }

  /** The stream ended (`admittedAs` unset when it never got past Hello). */
  closed(session: S, admittedAs?: { clusterId: string; agentId: string }): void {
    if (!admittedAs) {
      this.pendingCount -= 1;
      return;
    }
    const key = `${admittedAs.clusterId}\u0000${admittedAs.agentId}`;
    if (this.live.get(key) === session) this.live.delete(key);
  }
}
