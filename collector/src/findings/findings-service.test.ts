// FindingsService on a real SQLite file, fed through the real ingest pipeline exactly as
// the collector wires it: findings open, resolve, reopen and are excepted with history.
import { ExceptionStore } from './exceptions.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { BUILTIN_CONTROLS } from '@stance/shared/controls/index';
import type { KubeObject } from '@stance/shared/model/index';
import { IngestPipeline, type IngestOp, type IngestSession } from '../ingest/pipeline.js';
import { AgentStore } from '../store/agents.js';
import { openDatabase, type Db } from '../store/database.js';
import { ResourceStore, resourceInputOf } from '../store/resources.js';
import { FindingsService } from './findings-service.js';
import type { FindingTransition } from './feed/transition.js';
import { FindingsStore } from './findings-store.js';

const dir = mkdtempSync(join(tmpdir(), 'stance-findings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;

const log = pino({ level: 'silent' });
const CONTROLS = BUILTIN_CONTROLS.filter((c) => c.id === 'pod.privileged');
const PRIVILEGED = 'pod.privileged';
const ISOLATED = 'net.pod-not-isolated';
const POWERFUL_SA = 'rbac.workload-powerful-sa';
const EVIDENCE = 'spec.template.spec.containers[0].securityContext.privileged';

function deployment(name: string, namespace: string, uid: string, rv: string, privileged: boolean): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, uid, resourceVersion: rv },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: 'nginx:1.27', securityContext: { privileged } }] } },
    },
  };
}

describe('FindingsService', () => {
  let db: Db;
  let file: string;
  let service: FindingsService;
  let pipeline: IngestPipeline;
  let seq = 0;
  let now = 1_000_000;
  let transitions: FindingTransition[] = [];
  const session: IngestSession = { clusterId: 'c1', agentId: 'a1', ack: () => undefined, reject: () => undefined, abort: () => undefined };

  function open(controls = CONTROLS): void {
    db = openDatabase(file);
    const resources = new ResourceStore(db);
    const agents = new AgentStore(db);
    agents.connect({ clusterId: 'c1', clusterName: 'c1', agentId: 'a1', mode: 'cluster', nodeName: '', version: 't', sessionId: 's' }, 0);
    service = new FindingsService(db, resources, new FindingsStore(db), controls, {}, new ExceptionStore(db), log, { clusterName: (id) => `name-of-${id}` });
    transitions = [];
    service.feed.register({ name: 'test', deliver: (batch) => void transitions.push(...batch) });
    void service.reconcile();
    pipeline = new IngestPipeline(db, resources, agents, { maxBatch: 100, log });
    pipeline.onChange((cluster, change) => service.onChange(cluster, change));
  }

  /** Sends ops as one batch at a later time. */
  async function send(...ops: IngestOp[]): Promise<void> {
    now += 1000;
    vi.setSystemTime(now);
    for (const op of ops) pipeline.enqueue(session, ++seq, op);
    await pipeline.idle();
    await service.idle();
    await service.feed.idle();
  }

  const upsert = (o: KubeObject): IngestOp => ({ type: 'upsert', resource: resourceInputOf(o) });


  const finding = (uid: string) => service.store.finding('c1', PRIVILEGED, uid);

  beforeEach(() => {
    // Only the clock is faked: the pipeline's setImmediate stays real.
    vi.useFakeTimers({ toFake: ['Date'], now });
    file = join(dir, `db-${++fileNo}.sqlite`);
    open();
    return () => {
      service.stop();
      db.close();
      vi.useRealTimers();
    };
  });

  it('opens, resolves and reopens a finding, with field changes in its history', async () => {
    await send(upsert(deployment('web', 'app', 'd1', '1', true)));
    const opened = finding('d1')!;
    expect(opened).toMatchObject({ status: 'open', severity: 'critical', kind: 'Deployment', namespace: 'app', name: 'web', evidence: [EVIDENCE], resourceVersion: '1' });
    expect(opened.patch).not.toBeNull();
    const openedAt = opened.openedAt;

    await send(upsert(deployment('web', 'app', 'd1', '2', false)));
    expect(finding('d1')).toMatchObject({ status: 'resolved', resourceVersion: '2', resolvedAt: now });

    await send(upsert(deployment('web', 'app', 'd1', '3', true)));
    const reopened = finding('d1')!;
    expect(reopened).toMatchObject({ status: 'open', resolvedAt: null, resourceVersion: '3' });
    expect(reopened.openedAt).toBeGreaterThan(openedAt);
    expect(reopened.firstSeen).toBe(opened.firstSeen);

    const history = service.store.events('c1', PRIVILEGED, 'd1');
    expect(history.map((e) => [e.event, e.resourceVersion])).toEqual([
      ['opened', '1'],
      ['resolved', '2'],
      ['reopened', '3'],
    ]);
    expect(history.map((e) => e.cause)).toEqual([
      { object: 'self', deleted: false, changes: [{ path: EVIDENCE, from: null, to: true }] },
      { object: 'self', deleted: false, changes: [{ path: EVIDENCE, from: true, to: false }] },
      { object: 'self', deleted: false, changes: [{ path: EVIDENCE, from: false, to: true }] },
    ]);
    expect(service.stats).toMatchObject({ opened: 2, resolved: 1 });
  });

  it('applies an exception in the background, a page at a time, not inside the call that adds it', async () => {
    const many = Array.from({ length: 1200 }, (_, i) => upsert(deployment(`web-${i}`, 'app', `m${i}`, '1', true)));
    await send(...many);
    expect(service.store.finding('c1', PRIVILEGED, 'm0')?.status).toBe('open');
    const exception = service.exceptions.add({ controlId: PRIVILEGED, reason: 'every namespace, for the test' }, 'test');
    service.reevaluateFor(exception, now);
    expect(service.store.finding('c1', PRIVILEGED, 'm0')?.status).toBe('open'); // nothing yet: the caller goes on
    // The event loop turns between pages: a callback queued now runs before the last page
    // (objects are paged by name: web-999 comes last).
    let midway: string | undefined;
    setImmediate(() => (midway = service.store.finding('c1', PRIVILEGED, 'm999')?.status));
    await service.idle();
    expect(midway).toBe('open');
    for (const uid of ['m0', 'm600', 'm999', 'm1199']) expect(service.store.finding('c1', PRIVILEGED, uid)?.status).toBe('excepted');
  });

  it('publishes each transition after its commit: opened, updated, excepted, unexcepted, resolved', async () => {
    await send(upsert(deployment('web', 'app', 'd1', '1', true)));
    const twoPrivileged = deployment('web', 'app', 'd1', '2', true);
    const spec = (twoPrivileged.spec as { template: { spec: { containers: unknown[] } } }).template.spec;
    spec.containers.push({ name: 'side', image: 'nginx:1.27', securityContext: { privileged: true } });
    await send(upsert(twoPrivileged));
    const exception = service.exceptions.add({ controlId: PRIVILEGED, namespace: 'app', reason: 'accepted for the test' }, 'test');
    service.reevaluateFor(exception, now);
    await service.idle();
    service.exceptions.remove(exception.id, 'test', 'no longer needed');
    service.reevaluateFor(exception, now);
    await service.idle();
    await send(upsert(deployment('web', 'app', 'd1', '3', false)));
    await service.feed.idle();

    expect(transitions.map((t) => [t.type, t.previousStatus, t.finding.status])).toEqual([
      ['opened', null, 'open'],
      ['updated', 'open', 'open'],
      ['excepted', 'open', 'excepted'],
      ['unexcepted', 'excepted', 'open'],
      ['resolved', 'open', 'resolved'],
    ]);
    for (const t of transitions) {
      expect(t).toMatchObject({ cluster: { id: 'c1', name: 'name-of-c1' }, control: { id: PRIVILEGED }, finding: { kind: 'Deployment', namespace: 'app', name: 'web', subjectKey: 'd1' } });
    }
    expect(transitions[1]!.finding.evidence).toHaveLength(2);
    expect(transitions[0]!.cause).toEqual({ object: 'self', deleted: false, changes: [{ path: EVIDENCE, from: null, to: true }] });
    expect(transitions[2]!.cause).toEqual({ reason: expect.stringMatching(/^exception .*accepted for the test/) });
    // Changes are timed from their commit; exception re-evaluations are not caused by a change.
    for (const i of [0, 1, 4]) expect(transitions[i]!.latencyMs).toBeGreaterThanOrEqual(0);
    for (const i of [2, 3]) expect(transitions[i]!.latencyMs).toBeUndefined();
    // The history keeps its own vocabulary: an update is not an event, an unexception reopens.
    expect(service.store.events('c1', PRIVILEGED, 'd1').map((e) => e.event)).toEqual(['opened', 'excepted', 'reopened', 'resolved']);
  });

  it('a change that keeps the failure adds no history', async () => {
    await send(upsert(deployment('web', 'app', 'd1', '1', true)));
    const d = deployment('web', 'app', 'd1', '2', true);
    d.metadata.labels = { touched: 'yes' };
    await send(upsert(d));
    expect(service.store.events('c1', PRIVILEGED, 'd1')).toHaveLength(1);
    expect(finding('d1')?.status).toBe('open');
  });

  it('resolves the findings of a deleted subject and forgets its outcomes', async () => {
    await send(upsert(deployment('web', 'app', 'd1', '1', true)), upsert(deployment('ok', 'app', 'd2', '1', false)));
    expect(service.tallies.view('c1', 'cluster')).toMatchObject({ passed: 1, failed: 1 });
    await send({ type: 'delete', uid: 'd1', kind: 'Deployment' });
    expect(finding('d1')).toMatchObject({ status: 'resolved', resolvedAt: now });
    const last = service.store.events('c1', PRIVILEGED, 'd1').at(-1)!;
    expect(last.event).toBe('resolved');
    expect(last.cause).toEqual({ object: 'self', deleted: true, changes: [{ path: EVIDENCE, from: true, to: null }] });
    expect(service.store.subjectOutcomes('c1', 'd1')).toBeUndefined();
    expect(service.tallies.view('c1', 'cluster')).toEqual({ score: 100, passed: 1, failed: 0 });
  });

  it('a snapshot that no longer lists a subject resolves its findings', async () => {
    await send(upsert(deployment('web', 'app', 'd1', '1', true)));
    await send({ type: 'snapshot-begin', snapshotId: 's1', kinds: ['apps/v1/Deployment'] }, { type: 'snapshot-end', snapshotId: 's1' });
    expect(finding('d1')?.status).toBe('resolved');
  });

  it('excepts a failing system workload with the exemption reason, outside the score', async () => {
    await send(upsert(deployment('kube-proxy', 'kube-system', 'kp', '1', true)));
    const f = finding('kp')!;
    expect(f.status).toBe('excepted');
    expect(f.reason).toMatch(/kube-proxy/);
    expect(service.store.events('c1', PRIVILEGED, 'kp').map((e) => e.event)).toEqual(['excepted']);
    expect(service.tallies.view('c1', 'cluster')).toEqual({ score: 100, passed: 0, failed: 0 });
    expect(service.store.query({ cluster: 'c1', status: 'open', limit: 10 }).items).toHaveLength(0);
    expect(service.store.query({ cluster: 'c1', status: 'excepted', limit: 10 }).items.map((x) => x.name)).toEqual(['kube-proxy']);
  });

  it('weights the score by severity per cluster, namespace and framework', async () => {
    await send(upsert(deployment('bad', 'app', 'd1', '1', true)), upsert(deployment('good', 'app', 'd2', '1', false)), upsert(deployment('good', 'db', 'd3', '1', false)));
    expect(service.tallies.view('c1', 'cluster')).toEqual({ score: 66.7, passed: 2, failed: 1 });
    expect(service.tallies.view('c1', 'namespace:app')).toEqual({ score: 50, passed: 1, failed: 1 });
    expect(service.tallies.view('c1', 'namespace:db')).toEqual({ score: 100, passed: 1, failed: 0 });
    expect(service.tallies.view('c1', 'framework:pss-baseline')).toEqual({ score: 66.7, passed: 2, failed: 1 });
  });

  it('after a restart, tallies and findings come back from the database unchanged', async () => {
    await send(upsert(deployment('bad', 'app', 'd1', '1', true)), upsert(deployment('good', 'app', 'd2', '1', false)));
    await send(upsert(deployment('good', 'app', 'd2', '2', true)));
    const scopes = Object.fromEntries(service.tallies.scopes('c1').map((s) => [s, service.tallies.view('c1', s)]));
    const before = service.store.query({ cluster: 'c1', limit: 100 }).items;
    const events = service.store.events('c1', PRIVILEGED, 'd2');
    db.close();
    open();
    expect(Object.fromEntries(service.tallies.scopes('c1').map((s) => [s, service.tallies.view('c1', s)]))).toEqual(scopes);
    expect(service.store.query({ cluster: 'c1', limit: 100 }).items).toEqual(before);
    // Reconciling unchanged state records nothing new.
    expect(service.store.events('c1', PRIVILEGED, 'd2')).toEqual(events);
  });

  it('a NetworkPolicy change re-runs only the isolation control on the workloads it reaches', async () => {
    service.stop();
    db.close();
    file = join(dir, `db-${++fileNo}.sqlite`);
    open(BUILTIN_CONTROLS.filter((c) => c.id === PRIVILEGED || c.id === ISOLATED));
    await send(upsert(deployment('web', 'app', 'd1', '1', true)));
    expect(service.store.subjectOutcomes('c1', 'd1')).toEqual({ [PRIVILEGED]: 'fail:critical', [ISOLATED]: 'fail:medium' });
    const policy: KubeObject = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'web-in', namespace: 'app', uid: 'np1', resourceVersion: '1' },
      spec: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'] },
    };
    await send(upsert(policy));
    // The partial result is merged: the privileged finding stays open, untouched.
    expect(service.store.subjectOutcomes('c1', 'd1')).toEqual({ [PRIVILEGED]: 'fail:critical', [ISOLATED]: 'pass' });
    expect(finding('d1')).toMatchObject({ status: 'open' });
    expect(service.store.events('c1', PRIVILEGED, 'd1').map((e) => e.event)).toEqual(['opened']);
    const isolated = service.store.events('c1', ISOLATED, 'd1');
    expect(isolated.map((e) => e.event)).toEqual(['opened', 'resolved']);
    expect(isolated[1]!.cause).toMatchObject({ related: [{ kind: 'NetworkPolicy', name: 'web-in' }] });
    expect(service.tallies.view('c1', 'cluster')).toMatchObject({ passed: 1, failed: 1 });
  });

  it('a binding change reaches the ServiceAccount it names, read afresh after each change', async () => {
    service.stop();
    db.close();
    file = join(dir, `db-${++fileNo}.sqlite`);
    open(BUILTIN_CONTROLS.filter((c) => c.id === POWERFUL_SA));
    const RBAC = 'rbac.authorization.k8s.io/v1';
    const binding = (rv: string, sa: string): KubeObject => ({
      apiVersion: RBAC,
      kind: 'RoleBinding',
      metadata: { name: 'read', namespace: 'app', uid: 'rb1', resourceVersion: rv },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'secrets' },
      subjects: [{ kind: 'ServiceAccount', name: sa, namespace: 'app' }],
    });
    const web = deployment('web', 'app', 'd1', '1', false);
    (web.spec as { template: { spec: Record<string, unknown> } }).template.spec.serviceAccountName = 'web';
    await send(
      upsert({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web', namespace: 'app', uid: 'sa1', resourceVersion: '1' } }),
      upsert({ apiVersion: RBAC, kind: 'Role', metadata: { name: 'secrets', namespace: 'app', uid: 'r1', resourceVersion: '1' }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }] }),
      upsert(binding('1', 'other')),
      upsert(web),
    );
    const saFinding = () => service.store.finding('c1', POWERFUL_SA, 'sa1');
    expect(saFinding()).toBeUndefined();
    await send(upsert(binding('2', 'web')));
    expect(saFinding()).toMatchObject({ status: 'open', kind: 'ServiceAccount', name: 'web' });
    await send(upsert(binding('3', 'other')));
    expect(saFinding()).toMatchObject({ status: 'resolved' });
  });

  it('paginates findings with a keyset cursor, every finding once', async () => {
    const ops: IngestOp[] = [];
    for (let i = 0; i < 7; i++) ops.push(upsert(deployment(`w${i}`, i % 2 ? 'a' : 'b', `d${i}`, '1', true)));
    await send(...ops);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = service.store.query({ cluster: 'c1', status: 'open', limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((f) => f.subjectKey));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual(['d0', 'd1', 'd2', 'd3', 'd4', 'd5', 'd6']);
    expect(service.countByStatus('c1')).toEqual({ open: 7, resolved: 0, excepted: 0 });
  });

  it('counts open and excepted findings in memory exactly as the rows say, through opens, exceptions, resolves and deletes', async () => {
    const inRows = () => ({
      open: db
        .prepare("SELECT cluster_id AS clusterId, namespace, severity, control_id AS controlId, count(*) AS n FROM findings WHERE status = 'open' GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4")
        .all(),
      byStatus: Object.fromEntries(['open', 'resolved', 'excepted'].map((st) => [st, db.prepare('SELECT count(*) FROM findings WHERE cluster_id = ? AND status = ?').pluck().get('c1', st)])),
    });
    const inMemory = () => ({
      open: service.tallies.openFindings().sort((a, b) => `${a.namespace}\0${a.controlId}`.localeCompare(`${b.namespace}\0${b.controlId}`)),
      byStatus: service.countByStatus('c1'),
    });
    const ops: IngestOp[] = [];
    for (let i = 0; i < 12; i++) ops.push(upsert(deployment(`w${i}`, ['a', 'b', 'c'][i % 3]!, `d${i}`, '1', i % 4 !== 0)));
    await send(...ops);
    expect(inMemory()).toEqual(inRows());
    expect(inMemory().byStatus).toEqual({ open: 9, resolved: 0, excepted: 0 });

    await send(upsert(deployment('w1', 'b', 'd1', '2', false)), { type: 'delete', uid: 'd2', kind: 'Deployment' }, upsert(deployment('w4', 'b', 'd4', '2', true)));
    const exception = service.exceptions.add({ controlId: PRIVILEGED, namespace: 'a', reason: 'accepted for the test' }, 'test');
    service.reevaluateFor(exception, now);
    await service.idle();
    expect(inMemory()).toEqual(inRows());
    expect(inMemory().byStatus).toMatchObject({ open: 5, resolved: 2 });

    // A uid sent again under another namespace (Kubernetes never does; an agent may): its counts move whole.
    await send(upsert(deployment('w5', 'z', 'd5', '2', true)), upsert(deployment('w7', 'a', 'd7', '2', true)));
    expect(inMemory()).toEqual(inRows());
    expect(inMemory().open.filter((c) => c.namespace === 'z')).toEqual([{ clusterId: 'c1', namespace: 'z', severity: 'critical', controlId: PRIVILEGED, n: 1 }]);

    // A restart counts from the stored codes.
    service.stop();
    db.close();
    open();
    await service.idle();
    expect(inMemory()).toEqual(inRows());
  });
});
