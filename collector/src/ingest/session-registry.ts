// Bounds what agent streams may hold: a limited number of streams that have not said Hello
// yet (each may have only a few seconds to do so), and one live stream per agent — a newer
// stream of the same agent (a reconnect after a partition) replaces the older one.

export interface RegisteredSession {
  /** Ends the stream because a newer one of the same agent took over; it must not mark the agent disconnected. */
  supersede(): void;
}

export class TooManyPendingError extends Error {
  constructor(
    readonly limit: number,
    readonly grant?: string,
  ) {
    super(`more than ${limit} agent streams${grant ? ` of grant "${grant}"` : ''} are waiting to say Hello; try again shortly`);
    this.name = 'TooManyPendingError';
  }
}

function bump(counts: Map<string, number>, key: string, by: number): void {
  const n = (counts.get(key) ?? 0) + by;
  if (n <= 0) counts.delete(key);
  else counts.set(key, n);
}

/** Streams one grant may hold before Hello, and live: one token cannot exhaust the collector. */
const MAX_PENDING_PER_GRANT = 16;
export const MAX_LIVE_PER_GRANT = 10_000;

export class SessionRegistry<S extends RegisteredSession> {
  private pendingCount = 0;
  private readonly live = new Map<string, S>();
  private readonly pendingByGrant = new Map<string, number>();
  private readonly liveByGrant = new Map<string, number>();
  private readonly grantOf = new Map<S, string>();

  constructor(readonly maxPending: number) {}

  get pending(): number {
    return this.pendingCount;
  }

  get liveCount(): number {
    return this.live.size;
  }

  /** A stream of this grant opened: it counts against the pending limits until `admitted` or `closed`. */
  opened(session: S, grant: string): void {
    if (this.pendingCount >= this.maxPending) throw new TooManyPendingError(this.maxPending);
    if ((this.pendingByGrant.get(grant) ?? 0) >= MAX_PENDING_PER_GRANT) throw new TooManyPendingError(MAX_PENDING_PER_GRANT, grant);
    this.pendingCount += 1;
    bump(this.pendingByGrant, grant, 1);
    this.grantOf.set(session, grant);
  }

  /** Whether the session's grant may hold one more live stream. */
  roomFor(session: S): boolean {
    return (this.liveByGrant.get(this.grantOf.get(session) ?? '') ?? 0) < MAX_LIVE_PER_GRANT;
  }

  /** The stream said Hello and was admitted as this agent: an older stream of it is superseded. */
  admitted(clusterId: string, agentId: string, session: S): void {
    const grant = this.grantOf.get(session) ?? '';
    this.pendingCount -= 1;
    bump(this.pendingByGrant, grant, -1);
    bump(this.liveByGrant, grant, 1);
    const key = `${clusterId}\u0000${agentId}`;
    const older = this.live.get(key);
    this.live.set(key, session);
    if (older && older !== session) older.supersede();
  }

  /** The stream ended (`admittedAs` unset when it never got past Hello). */
  closed(session: S, admittedAs?: { clusterId: string; agentId: string }): void {
    const grant = this.grantOf.get(session);
    if (grant === undefined) return; // refused at open: never counted
    this.grantOf.delete(session);
    if (!admittedAs) {
      this.pendingCount -= 1;
      bump(this.pendingByGrant, grant, -1);
      return;
    }
    bump(this.liveByGrant, grant, -1);
    const key = `${admittedAs.clusterId}\u0000${admittedAs.agentId}`;
    if (this.live.get(key) === session) this.live.delete(key);
  }
}
