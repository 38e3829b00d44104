// Clusters and the agents that report them: identity, sessions, committed sequence
// numbers (what a reconnecting agent may skip) and heartbeats.
import type { Db } from './database.js';

export interface AgentHello {
  clusterId: string;
  clusterName: string;
  agentId: string;
  mode: 'cluster' | 'node';
  nodeName: string;
  version: string;
  sessionId: string;
}

export interface AgentRow {
  clusterId: string;
  agentId: string;
  mode: string;
  nodeName: string | null;
  version: string | null;
  connected: boolean;
  connectedAt: number | null;
  lastHeartbeat: number | null;
  heartbeat: unknown;
}

export interface ClusterRow {
  id: string;
  name: string;
  firstSeen: number;
  lastSeen: number;
}

export class AgentStore {
  private readonly stmt;

  constructor(db: Db) {
    this.stmt = {
      upsertCluster: db.prepare(
        `INSERT INTO clusters (id, name, first_seen, last_seen) VALUES (?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, last_seen = excluded.last_seen`,
      ),
      session: db.prepare<[string, string], { session_id: string; committed_seq: number }>(
        'SELECT session_id, committed_seq FROM agents WHERE cluster_id = ? AND agent_id = ?',
      ),
      connect: db.prepare(
        `INSERT INTO agents (cluster_id, agent_id, mode, node_name, version, session_id, committed_seq, connected, connected_at)
         VALUES (@clusterId, @agentId, @mode, @nodeName, @version, @sessionId, 0, 1, @now)
         ON CONFLICT (cluster_id, agent_id) DO UPDATE SET mode = excluded.mode, node_name = excluded.node_name,
           version = excluded.version, connected = 1, connected_at = excluded.connected_at,
           committed_seq = CASE WHEN agents.session_id = excluded.session_id THEN agents.committed_seq ELSE 0 END,
           session_id = excluded.session_id`,
      ),
      commit: db.prepare('UPDATE agents SET committed_seq = ? WHERE cluster_id = ? AND agent_id = ? AND committed_seq < ?'),
      heartbeat: db.prepare('UPDATE agents SET last_heartbeat = ?, heartbeat = ? WHERE cluster_id = ? AND agent_id = ?'),
      disconnect: db.prepare('UPDATE agents SET connected = 0 WHERE cluster_id = ? AND agent_id = ? AND session_id = ?'),
      disconnectAll: db.prepare('UPDATE agents SET connected = 0'),
      identity: db.prepare<[string, string], { mode: string; node_name: string | null }>('SELECT mode, node_name FROM agents WHERE cluster_id = ? AND agent_id = ?'),
      countInCluster: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM agents WHERE cluster_id = ?'),
      prune: db.prepare('DELETE FROM agents WHERE connected = 0 AND coalesce(last_heartbeat, connected_at, 0) < ?'),
      clusters: db.prepare<[], { id: string; name: string; first_seen: number; last_seen: number }>(
        'SELECT * FROM clusters ORDER BY name, id',
      ),
      agents: db.prepare<[], Record<string, unknown>>('SELECT * FROM agents ORDER BY cluster_id, agent_id'),
    };
  }

  /** The mode and node an agent id was registered with, if it was. */
  identity(clusterId: string, agentId: string): { mode: string; nodeName: string | null } | undefined {
    const r = this.stmt.identity.get(clusterId, agentId);
    return r ? { mode: r.mode, nodeName: r.node_name } : undefined;
  }

  countInCluster(clusterId: string): number {
    return this.stmt.countInCluster.get(clusterId)!.n;
  }

  /** Forgets agents not seen since `before` (removed nodes, old pods); returns how many. */
  pruneDisconnected(before: number): number {
    return this.stmt.prune.run(before).changes;
  }

  /** No stream survives a restart: called once at start-up. */
  markAllDisconnected(): void {
    this.stmt.disconnectAll.run();
  }

  /** Registers a connecting agent; returns the seq the collector has committed for its session. */
  connect(h: AgentHello, now: number): number {
    this.stmt.upsertCluster.run(h.clusterId, h.clusterName, now, now);
    const prev = this.stmt.session.get(h.clusterId, h.agentId);
    this.stmt.connect.run({ ...h, nodeName: h.nodeName || null, version: h.version || null, now });
    return prev && prev.session_id === h.sessionId ? prev.committed_seq : 0;
  }

  /** Called inside the ingest transaction, so seq and data commit together. */
  commitSeq(clusterId: string, agentId: string, seq: number): void {
    this.stmt.commit.run(seq, clusterId, agentId, seq);
  }

  heartbeat(clusterId: string, agentId: string, payload: unknown, now: number): void {
    this.stmt.heartbeat.run(now, JSON.stringify(payload), clusterId, agentId);
  }

  disconnect(clusterId: string, agentId: string, sessionId: string): void {
    this.stmt.disconnect.run(clusterId, agentId, sessionId);
  }

  /** A cluster given by id or by name (the name users know) → its id; unknown values pass through. */
  resolveCluster(idOrName: string): string {
    const all = this.clusters();
    if (all.some((c) => c.id === idOrName)) return idOrName;
    const named = all.filter((c) => c.name === idOrName);
    return named.length === 1 ? named[0]!.id : idOrName;
  }

  clusters(): ClusterRow[] {
    return this.stmt.clusters.all().map((r) => ({ id: r.id, name: r.name, firstSeen: r.first_seen, lastSeen: r.last_seen }));
  }

  agents(): AgentRow[] {
    return this.stmt.agents.all().map((r) => ({
      clusterId: r.cluster_id as string,
      agentId: r.agent_id as string,
      mode: r.mode as string,
      nodeName: r.node_name as string | null,
      version: r.version as string | null,
      connected: r.connected === 1,
      connectedAt: r.connected_at as number | null,
      lastHeartbeat: r.last_heartbeat as number | null,
      heartbeat: r.heartbeat ? JSON.parse(r.heartbeat as string) : null,
    }));
  }
}
