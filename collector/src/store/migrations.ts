// Versioned schema migrations: append only, never edit a released one.
// PRAGMA user_version holds the version applied.

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'clusters, agents, resources',
    sql: `
      CREATE TABLE clusters (
        id          TEXT PRIMARY KEY,            -- kube-system namespace uid
        name        TEXT NOT NULL,
        first_seen  INTEGER NOT NULL,
        last_seen   INTEGER NOT NULL
      );
      CREATE TABLE agents (
        cluster_id      TEXT NOT NULL REFERENCES clusters(id),
        agent_id        TEXT NOT NULL,
        mode            TEXT NOT NULL,
        node_name       TEXT,
        version         TEXT,
        session_id      TEXT NOT NULL,
        committed_seq   INTEGER NOT NULL DEFAULT 0,
        connected       INTEGER NOT NULL DEFAULT 0,
        connected_at    INTEGER,
        last_heartbeat  INTEGER,
        heartbeat       TEXT,                      -- last heartbeat payload (counts, lag) as JSON
        PRIMARY KEY (cluster_id, agent_id)
      );
      CREATE TABLE resources (
        cluster_id        TEXT NOT NULL REFERENCES clusters(id),
        uid               TEXT NOT NULL,
        api_version       TEXT NOT NULL,
        kind              TEXT NOT NULL,
        namespace         TEXT NOT NULL DEFAULT '',
        name              TEXT NOT NULL,
        resource_version  TEXT NOT NULL,
        content_hash      TEXT NOT NULL,
        object            TEXT NOT NULL,           -- JSON, managedFields and Secret values removed by the agent
        first_seen        INTEGER NOT NULL,
        last_seen         INTEGER NOT NULL,
        snapshot_id       TEXT,                    -- the last snapshot that listed it
        PRIMARY KEY (cluster_id, uid)
      ) WITHOUT ROWID;
      CREATE INDEX resources_by_kind ON resources (cluster_id, kind, namespace, name);
      CREATE TABLE snapshots (
        cluster_id   TEXT NOT NULL,
        kind_key     TEXT NOT NULL,                -- "apps/v1/Deployment"
        snapshot_id  TEXT NOT NULL,
        started_at   INTEGER NOT NULL,
        PRIMARY KEY (cluster_id, kind_key)
      );
    `,
  },
];
