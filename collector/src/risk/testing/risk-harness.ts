// A collector's risk path for tests: a real SQLite file, the ingest pipeline, the findings
// service and the RiskService wired as the collector wires them, one cluster "c1". Objects
// get a uid (from kind and name) and a new resourceVersion on each upsert; an object
// replacing another of another uid under the same name deletes it first, as a cluster's
// watch would. `mismatches()` compares what is stored with a full risk evaluation.
import { pino } from 'pino';
import { BUILTIN_CONTROLS } from '@stance/shared/controls/index';
import { memoryView } from '@stance/shared/engine/index';
import type { KubeObject } from '@stance/shared/model/index';
import { riskIndexOf, type Risk } from '@stance/shared/risk/index';
import { ExceptionStore } from '../../findings/exceptions.js';
import { FindingsService } from '../../findings/findings-service.js';
import { FindingsStore } from '../../findings/findings-store.js';
import { IngestPipeline, type IngestOp, type IngestSession } from '../../ingest/pipeline.js';
import { AgentStore } from '../../store/agents.js';
import { openDatabase, type Db } from '../../store/database.js';
import { ResourceStore, resourceInputOf } from '../../store/resources.js';
import { RiskService } from '../risk-service.js';

const log = pino({ level: 'silent' });
const locOf = (o: KubeObject) => `${o.kind}\u0001${o.metadata.namespace ?? ''}\u0001${o.metadata.name ?? ''}`;

interface UnresolvedRow {
  control_id: string;
  subject_key: string;
  kind: string;
  namespace: string;
  name: string;
  severity: 'high';
  risk_score: number;
  risk_factors: string | null;
}

export class RiskTestCollector {
  readonly db: Db;
  readonly resources: ResourceStore;
  readonly findings: FindingsService;
  readonly risk: RiskService;
  readonly pipeline: IngestPipeline;
  readonly agents: AgentStore;
  riskEvents = 0;
  private seq = 0;
  private rv = 0;
  private readonly session: IngestSession = { clusterId: 'c1', agentId: 'a1', ack: () => undefined, reject: () => undefined, abort: () => undefined };
  /** What the cluster holds now, by kind/namespace/name (with the uid and version stored). */
  private readonly present = new Map<string, KubeObject>();

  constructor(readonly file: string) {
    this.db = openDatabase(file);
    this.resources = new ResourceStore(this.db);
    const agents = (this.agents = new AgentStore(this.db));
    agents.connect({ clusterId: 'c1', clusterName: 'c1', agentId: 'a1', mode: 'cluster', nodeName: '', version: 't', sessionId: 's' }, 0);
    for (const r of this.db.prepare<[], { object: string }>("SELECT object FROM resources WHERE cluster_id = 'c1'").all()) {
      const o = JSON.parse(r.object) as KubeObject;
      this.present.set(locOf(o), o);
      this.rv = Math.max(this.rv, Number(o.metadata.resourceVersion));
    }
    this.risk = new RiskService(this.db, log, { onRiskChanged: () => void (this.riskEvents += 1) });
    this.findings = new FindingsService(this.db, this.resources, new FindingsStore(this.db), BUILTIN_CONTROLS, {}, new ExceptionStore(this.db), log, { risk: this.risk });
    void this.findings.reconcile();
    this.pipeline = new IngestPipeline(this.db, this.resources, agents, { maxBatch: 100, log });
    this.pipeline.onChange((cluster, change) => this.findings.onChange(cluster, change));
  }

  /** The ops for an upsert: a replacement under the same name deletes the old object first. */
  upsert(o: KubeObject): IngestOp[] {
    const uid = o.metadata.uid ?? `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    const object = { ...o, metadata: { ...o.metadata, uid, resourceVersion: String(++this.rv) } };
    const prev = this.present.get(locOf(o));
    this.present.set(locOf(o), object);
    const replaced: IngestOp[] = prev && prev.metadata.uid !== uid ? [{ type: 'delete', uid: prev.metadata.uid!, kind: prev.kind }] : [];
    return [...replaced, { type: 'upsert', resource: resourceInputOf(object) }];
  }

  remove(o: KubeObject): IngestOp[] {
    const prev = this.present.get(locOf(o));
    if (!prev) return [];
    this.present.delete(locOf(o));
    return [{ type: 'delete', uid: prev.metadata.uid!, kind: prev.kind }];
  }

  /** The `pick`-th object present (for random deletes). */
  pick(n: number): KubeObject | undefined {
    const all = [...this.present.values()];
    return all.length ? all[n % all.length] : undefined;
  }

  /** Hands ops to the pipeline without waiting for anything but their commit. */
  async enqueue(ops: readonly IngestOp[]): Promise<void> {
    for (const op of ops) this.pipeline.enqueue(this.session, ++this.seq, op);
    await this.pipeline.idle();
  }

  async send(...ops: (IngestOp | IngestOp[])[]): Promise<void> {
    await this.enqueue(ops.flat());
    await this.settle();
  }

  async settle(): Promise<void> {
    await this.pipeline.idle();
    await this.findings.idle();
    await this.findings.feed.idle();
    await this.risk.idle();
  }

  unresolved(): UnresolvedRow[] {
    return this.db
      .prepare<[], UnresolvedRow>("SELECT control_id, subject_key, kind, namespace, name, severity, risk_score, risk_factors FROM findings WHERE status != 'resolved'")
      .all();
  }

  /** Unresolved findings whose stored risk differs from a full evaluation, and whether the attack paths differ. */
  mismatches(): { findings: string[]; paths: { stored: string[]; full: string[] } | undefined } {
    // In the store's order (namespace, name), which its lists and the kept lookups answer in:
    // descriptions list ways in and grants in that order.
    const objects = this.db
      .prepare<[], { object: string }>("SELECT object FROM resources WHERE cluster_id = 'c1' ORDER BY kind, namespace, name")
      .all()
      .map((r) => JSON.parse(r.object) as KubeObject);
    const full = riskIndexOf(memoryView(objects));
    const findings: string[] = [];
    for (const r of this.unresolved()) {
      const want: Risk = full.scoreOf({ subjectKey: r.subject_key, subject: { kind: r.kind, name: r.name, ...(r.namespace ? { namespace: r.namespace } : {}) } }, r.severity);
      const got = r.risk_score < 0 ? null : { score: r.risk_score, factors: JSON.parse(r.risk_factors ?? '[]') as unknown };
      if (JSON.stringify(got) !== JSON.stringify(want)) findings.push(`${r.control_id} ${r.kind}/${r.namespace}/${r.name}: stored ${JSON.stringify(got)}, full ${JSON.stringify(want)}`);
    }
    const stored = this.risk.attackPaths('c1').map((p) => p.id);
    const wanted = full.attackPaths().map((p) => p.id);
    return { findings, paths: JSON.stringify(stored) === JSON.stringify(wanted) ? undefined : { stored, full: wanted } };
  }

  close(): void {
    this.risk.stop();
    this.findings.stop();
    this.db.close();
  }
}
