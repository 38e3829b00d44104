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
  {
    version: 2,
    description: 'findings, their history, per-subject outcomes, posture history',
    sql: `
      CREATE TABLE findings (
        cluster_id        TEXT NOT NULL,
        control_id        TEXT NOT NULL,
        subject_key       TEXT NOT NULL,           -- the subject's uid
        api_version       TEXT NOT NULL,
        kind              TEXT NOT NULL,
        namespace         TEXT NOT NULL DEFAULT '',
        name              TEXT NOT NULL,
        status            TEXT NOT NULL,           -- open | resolved | excepted
        severity          TEXT NOT NULL,
        message           TEXT NOT NULL,
        evidence          TEXT NOT NULL,           -- JSON array of JSON paths
        patch             TEXT,                    -- JSON suggested patch
        reason            TEXT,                    -- why it is excepted
        first_seen        INTEGER NOT NULL,
        last_seen         INTEGER NOT NULL,
        opened_at         INTEGER NOT NULL,
        resolved_at       INTEGER,
        resource_version  TEXT,
        PRIMARY KEY (cluster_id, control_id, subject_key)
      );
      CREATE INDEX findings_by_status ON findings (status, cluster_id, severity);
      CREATE INDEX findings_by_subject ON findings (cluster_id, subject_key);
      CREATE TABLE finding_events (
        id                INTEGER PRIMARY KEY,
        cluster_id        TEXT NOT NULL,
        control_id        TEXT NOT NULL,
        subject_key       TEXT NOT NULL,
        event             TEXT NOT NULL,           -- opened | resolved | excepted | reopened
        at                INTEGER NOT NULL,
        resource_version  TEXT,
        cause             TEXT                     -- JSON: the change that caused it (object, field changes)
      );
      CREATE INDEX finding_events_by_finding ON finding_events (cluster_id, control_id, subject_key, id);
      CREATE TABLE subject_outcomes (
        cluster_id   TEXT NOT NULL,
        subject_key  TEXT NOT NULL,
        kind         TEXT NOT NULL,
        namespace    TEXT NOT NULL DEFAULT '',
        outcomes     TEXT NOT NULL,                -- JSON {controlId: "pass" | "fail:<severity>" | "exempt" | "no-data"}
        PRIMARY KEY (cluster_id, subject_key)
      ) WITHOUT ROWID;
      CREATE TABLE posture_history (
        cluster_id  TEXT NOT NULL,
        at          INTEGER NOT NULL,
        scope       TEXT NOT NULL,                 -- "cluster", "namespace:<ns>", "framework:<id>"
        score       REAL NOT NULL,
        passed      INTEGER NOT NULL,
        failed      INTEGER NOT NULL,
        PRIMARY KEY (cluster_id, scope, at)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 3,
    description: 'user exceptions',
    sql: `
      CREATE TABLE exceptions (
        id          TEXT PRIMARY KEY,
        cluster_id  TEXT,                          -- NULL: every cluster
        control_id  TEXT NOT NULL,                 -- an id, a prefix glob such as "pod.*", or "*"
        namespace   TEXT,
        kind        TEXT,
        name        TEXT,                          -- exact, or a prefix glob such as "web-*"
        reason      TEXT NOT NULL,
        created_at  INTEGER NOT NULL,
        expires_at  INTEGER
      );
    `,
  },
  {
    version: 4,
    description: 'resources as a rowid table; a covering index for the per-kind counts',
    // WITHOUT ROWID keeps each row in the primary-key b-tree, which suits rows far smaller
    // than a page; ours carry the object's JSON (1-3 KB). Random uids then scattered every
    // batch of inserts over the whole tree, and each commit rewrote hundreds of pages. As a
    // rowid table the rows append and only the (cluster_id, uid) key index is random.
    // The counts of GET /api/v1/clusters read every row without resources_counts.
    sql: `
      CREATE TABLE resources_v4 (
        cluster_id        TEXT NOT NULL REFERENCES clusters(id),
        uid               TEXT NOT NULL,
        api_version       TEXT NOT NULL,
        kind              TEXT NOT NULL,
        namespace         TEXT NOT NULL DEFAULT '',
        name              TEXT NOT NULL,
        resource_version  TEXT NOT NULL,
        content_hash      TEXT NOT NULL,
        object            TEXT NOT NULL,
        first_seen        INTEGER NOT NULL,
        last_seen         INTEGER NOT NULL,
        snapshot_id       TEXT,
        PRIMARY KEY (cluster_id, uid)
      );
      INSERT INTO resources_v4 SELECT cluster_id, uid, api_version, kind, namespace, name, resource_version, content_hash, object, first_seen, last_seen, snapshot_id FROM resources;
      DROP TABLE resources;
      ALTER TABLE resources_v4 RENAME TO resources;
      CREATE INDEX resources_by_kind ON resources (cluster_id, kind, namespace, name);
      CREATE INDEX resources_counts ON resources (cluster_id, api_version, kind);
    `,
  },
  {
    version: 5,
    description: 'trust: cluster ids bound to the credential that first registered them, audited exceptions, installation secrets',
    sql: `
      CREATE TABLE cluster_bindings (
        cluster_id  TEXT PRIMARY KEY,              -- the cluster id an agent registered (kube-system uid)
        grant_name  TEXT NOT NULL,                 -- the token or certificate grant it is bound to
        wildcard    INTEGER NOT NULL,              -- 1: the grant is a "*" grant serving many clusters
        bound_at    INTEGER NOT NULL
      );
      CREATE INDEX cluster_bindings_by_grant ON cluster_bindings (grant_name);
      CREATE TABLE meta (
        key    TEXT PRIMARY KEY,
        value  TEXT NOT NULL
      );
      ALTER TABLE exceptions ADD COLUMN created_by TEXT;
      ALTER TABLE exceptions ADD COLUMN deleted_at INTEGER;
      ALTER TABLE exceptions ADD COLUMN deleted_by TEXT;
      ALTER TABLE exceptions ADD COLUMN delete_reason TEXT;
    `,
  },
  {
    version: 6,
    description: 'findings by control: a control-filtered findings page reads only its own rows',
    // Without it SQLite answered `?control=…` (status open by default) through
    // findings_by_status: every open finding of the cluster read and filtered, ~80 ms per
    // page at 100k objects, which is what a dashboard or a poll waiting for a finding pays.
    // No namespace column: new findings then append to one run per control, where a
    // namespace column cost ~6 µs per finding written (~1 s of a 100k-object sync).
    sql: `
      CREATE INDEX findings_by_control ON findings (control_id, status, cluster_id);
    `,
  },
  {
    version: 7,
    description: 'risk of each finding (score and factors) and the index that pages findings riskiest first',
    // Scored by collector/src/risk when a finding opens and whenever its subject's context
    // changes; kept as it was once resolved. A new row waits at -1 for its first score.
    // The index serves `?sort=risk` pages as one range scan: (score, cluster, control,
    // subject) is unique, so the keyset cursor is a row value.
    sql: `
      ALTER TABLE findings ADD COLUMN risk_score INTEGER NOT NULL DEFAULT -1;  -- 0–100; -1: not scored yet
      ALTER TABLE findings ADD COLUMN risk_factors TEXT;                       -- JSON [{id, description, weight}]
      CREATE INDEX findings_by_risk ON findings (status, risk_score, cluster_id, control_id, subject_key);
    `,
  },
  {
    version: 8,
    description: 'per-subject outcome codes stored once per distinct set',
    // A workload's codes name every control (~1.2 KB of JSON), and most workloads share
    // the same few sets: the table took ~90 MB at 100k objects, three rows a page, so every
    // write of a sync split pages and missed the cache. Now each set is stored once and a
    // subject's row is a reference (~100 B).
    sql: `
      CREATE TABLE outcome_sets (
        id     INTEGER PRIMARY KEY,
        codes  TEXT NOT NULL UNIQUE                -- JSON {controlId: "pass" | "fail:<severity>" | "exempt" | "no-data"}
      );
      INSERT INTO outcome_sets (codes) SELECT DISTINCT outcomes FROM subject_outcomes;
      CREATE TABLE subject_outcomes_v8 (
        cluster_id   TEXT NOT NULL,
        subject_key  TEXT NOT NULL,
        kind         TEXT NOT NULL,
        namespace    TEXT NOT NULL DEFAULT '',
        outcome_set  INTEGER NOT NULL REFERENCES outcome_sets (id),
        PRIMARY KEY (cluster_id, subject_key)
      ) WITHOUT ROWID;
      INSERT INTO subject_outcomes_v8 (cluster_id, subject_key, kind, namespace, outcome_set)
        SELECT s.cluster_id, s.subject_key, s.kind, s.namespace, o.id FROM subject_outcomes s JOIN outcome_sets o ON o.codes = s.outcomes;
      DROP TABLE subject_outcomes;
      ALTER TABLE subject_outcomes_v8 RENAME TO subject_outcomes;
    `,
  },
  {
    version: 9,
    description: 'findings and their history keyed so that a new finding appends',
    // A subject's uid is random, so every key that holds it takes a new finding on a random
    // page, and a commit writes each page it changed: a sync's findings rewrote four such
    // b-trees per commit. Now one unique key serves both lookups (a finding; a subject's
    // findings) instead of the key and findings_by_subject; the risk order breaks ties by
    // the row's id; events name their finding's id (findings are never deleted, so an id
    // is never reused). Only findings_key still takes random inserts.
    sql: `
      CREATE TABLE findings_v9 (
        id                INTEGER PRIMARY KEY,
        cluster_id        TEXT NOT NULL,
        control_id        TEXT NOT NULL,
        subject_key       TEXT NOT NULL,           -- the subject's uid
        api_version       TEXT NOT NULL,
        kind              TEXT NOT NULL,
        namespace         TEXT NOT NULL DEFAULT '',
        name              TEXT NOT NULL,
        status            TEXT NOT NULL,           -- open | resolved | excepted
        severity          TEXT NOT NULL,
        message           TEXT NOT NULL,
        evidence          TEXT NOT NULL,           -- JSON array of JSON paths
        patch             TEXT,                    -- JSON suggested patch
        reason            TEXT,                    -- why it is excepted
        first_seen        INTEGER NOT NULL,
        last_seen         INTEGER NOT NULL,
        opened_at         INTEGER NOT NULL,
        resolved_at       INTEGER,
        resource_version  TEXT,
        risk_score        INTEGER NOT NULL DEFAULT -1,  -- 0–100; -1: not scored yet
        risk_factors      TEXT                          -- JSON [{id, description, weight}]
      );
      INSERT INTO findings_v9 (cluster_id, control_id, subject_key, api_version, kind, namespace, name, status, severity, message, evidence, patch,
                               reason, first_seen, last_seen, opened_at, resolved_at, resource_version, risk_score, risk_factors)
        SELECT cluster_id, control_id, subject_key, api_version, kind, namespace, name, status, severity, message, evidence, patch,
               reason, first_seen, last_seen, opened_at, resolved_at, resource_version, risk_score, risk_factors FROM findings ORDER BY rowid;
      DROP TABLE findings;
      ALTER TABLE findings_v9 RENAME TO findings;
      CREATE UNIQUE INDEX findings_key ON findings (cluster_id, subject_key, control_id);
      CREATE INDEX findings_by_status ON findings (status, cluster_id, severity);
      CREATE INDEX findings_by_control ON findings (control_id, status, cluster_id);
      CREATE INDEX findings_by_risk ON findings (status, risk_score, cluster_id);  -- then by id
      ALTER TABLE finding_events ADD COLUMN finding_id INTEGER NOT NULL DEFAULT 0;
      UPDATE finding_events SET finding_id = coalesce((SELECT f.id FROM findings f WHERE f.cluster_id = finding_events.cluster_id
        AND f.subject_key = finding_events.subject_key AND f.control_id = finding_events.control_id), 0);
      DROP INDEX finding_events_by_finding;
      CREATE INDEX finding_events_by_finding ON finding_events (finding_id);  -- then by id: the history in order
    `,
  },
];
