import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../model/object.js';
import { UndeclaredReadError } from './errors.js';
import { evaluateAll, memoryView } from './evaluate.js';
import { IncrementalEngine } from './incremental.js';
import type { ClusterView, Control } from './types.js';

const pod = (name: string, ns: string, sa = 'default'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns, uid: `uid-${ns}-${name}` },
  spec: { serviceAccountName: sa },
});
const sa = (name: string, ns: string, automount?: boolean): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name, namespace: ns },
  ...(automount === undefined ? {} : { automountServiceAccountToken: automount }),
});
const cm = (name: string, ns: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns } });

/** Fails a pod whose ServiceAccount exists and mounts its token, or when the namespace has ConfigMaps. */
const saMounted: Control = {
  id: 'test.sa-mounted',
  title: 't',
  severity: 'high',
  category: 't',
  rationale: 'r',
  remediation: 'r',
  frameworks: [],
  kinds: ['Pod'],
  reads: ['ServiceAccount', 'ConfigMap'],
  check(p, ctx) {
    const name = (p.spec as { serviceAccountName: string }).serviceAccountName;
    const account = ctx.view.get('ServiceAccount', p.metadata.namespace, name);
    if (!account) return { noData: `no ServiceAccount ${name}` };
    const out = [];
    if (account.automountServiceAccountToken !== false) out.push({ message: 'token mounted', evidence: ['spec'] });
    if (ctx.view.list('ConfigMap', p.metadata.namespace).length > 0) out.push({ message: 'has configmaps', evidence: ['spec'] });
    return out;
  },
};

const sneaky: Control = { ...saMounted, id: 'test.sneaky', reads: ['ServiceAccount'] };

/** A mutable store with a ClusterView over it that counts reads. */
function store(initial: KubeObject[] = []) {
  let objects = [...initial];
  let view = memoryView(objects);
  const reads = { get: 0, list: 0 };
  const source: ClusterView = {
    get: (k, n, nm) => (reads.get++, view.get(k, n, nm)),
    list: (k, n) => (reads.list++, view.list(k, n)),
  };
  const set = (next: KubeObject[]) => {
    objects = next;
    view = memoryView(objects);
  };
  return {
    source,
    reads,
    upsert(o: KubeObject) {
      set([...objects.filter((x) => !(x.kind === o.kind && x.metadata.name === o.metadata.name && x.metadata.namespace === o.metadata.namespace)), o]);
    },
    remove(o: KubeObject) {
      set(objects.filter((x) => x !== o && !(x.kind === o.kind && x.metadata.name === o.metadata.name && x.metadata.namespace === o.metadata.namespace)));
    },
  };
}

describe('IncrementalEngine', () => {
  it('records reads: exact gets and namespace lists', () => {
    const s = store([pod('p', 'a'), sa('default', 'a')]);
    const engine = new IncrementalEngine({ controls: [saMounted], source: s.source, exemptionFor: undefined });
    expect(engine.evaluate(pod('p', 'a')).map((o) => o.status)).toEqual(['fail']);
    expect(engine.dependents('ServiceAccount', 'a', 'default')).toEqual(['uid-a-p']);
    expect(engine.dependents('ConfigMap', 'a', 'anything')).toEqual(['uid-a-p']);
    expect(engine.dependents('ConfigMap', 'b', 'anything')).toEqual([]);
    expect(engine.stats).toEqual({ subjects: 1, readKeys: 2 });
  });

  it('re-evaluates dependents on upsert and delete of what they read, re-fetched from the source', () => {
    const p = pod('p', 'a');
    const s = store([p]);
    const engine = new IncrementalEngine({ controls: [saMounted], source: s.source, exemptionFor: undefined });
    expect(engine.evaluate(p)[0]!.status).toBe('no-data');

    const account = sa('default', 'a', false);
    s.upsert(account);
    const created = engine.apply({ type: 'upsert', object: account });
    expect(created.map((r) => [r.subjectKey, r.outcomes.map((o) => o.status)])).toEqual([
      ['ServiceAccount/a/default', []], // no control for its kind
      ['uid-a-p', ['pass']],
    ]);

    const config = cm('c', 'a');
    s.upsert(config);
    expect(engine.apply({ type: 'upsert', object: config }).find((r) => r.subjectKey === 'uid-a-p')!.outcomes[0]!.status).toBe('fail');

    s.remove(config);
    expect(engine.apply({ type: 'delete', object: config }).find((r) => r.subjectKey === 'uid-a-p')!.outcomes[0]!.status).toBe('pass');

    // Unrelated namespace: nothing to re-evaluate but the object itself.
    const other = cm('c', 'b');
    s.upsert(other);
    expect(engine.apply({ type: 'upsert', object: other }).map((r) => r.subjectKey)).toEqual(['ConfigMap/b/c']);
  });

  it('forgets a deleted subject and reports it with no outcomes', () => {
    const p = pod('p', 'a');
    const s = store([p, sa('default', 'a')]);
    const engine = new IncrementalEngine({ controls: [saMounted], source: s.source, exemptionFor: undefined });
    engine.evaluate(p);
    s.remove(p);
    expect(engine.apply({ type: 'delete', object: p })).toEqual([{ subjectKey: 'uid-a-p', subject: expect.objectContaining({ name: 'p' }), kind: 'Pod', outcomes: [] }]);
    expect(engine.stats).toEqual({ subjects: 0, readKeys: 0 });
  });

  it('reports a dependent the source no longer holds as gone', () => {
    const p = pod('p', 'a');
    const account = sa('default', 'a');
    const s = store([p, account]);
    const engine = new IncrementalEngine({ controls: [saMounted], source: s.source, exemptionFor: undefined });
    engine.evaluate(p);
    s.remove(p); // the caller lost the pod's delete, but the SA change still finds it gone
    s.remove(account);
    const results = engine.apply({ type: 'delete', object: account });
    expect(results.find((r) => r.subjectKey === 'uid-a-p')).toMatchObject({ outcomes: [], subject: { kind: 'Pod', name: 'p', namespace: 'a', uid: 'uid-a-p' } });
  });

  it('reads each shared object once per batch however many subjects it fans out to', () => {
    const pods = Array.from({ length: 50 }, (_, i) => pod(`p${i}`, 'a'));
    const account = sa('default', 'a');
    const s = store([...pods, account]);
    const engine = new IncrementalEngine({ controls: [saMounted], source: s.source, exemptionFor: undefined });
    engine.evaluateBatch(pods);
    s.reads.get = 0;
    s.reads.list = 0;
    const updated = sa('default', 'a', false);
    s.upsert(updated);
    const results = engine.apply({ type: 'upsert', object: updated });
    expect(results).toHaveLength(51);
    expect(results.filter((r) => r.outcomes[0]?.status === 'pass')).toHaveLength(50);
    // 50 pod re-fetches + 1 ServiceAccount get; 1 ConfigMap list.
    expect(s.reads).toEqual({ get: 51, list: 1 });
  });

  it('throws a typed error when a check reads a kind it did not declare', () => {
    const s = store([pod('p', 'a'), sa('default', 'a')]);
    const engine = new IncrementalEngine({ controls: [sneaky], source: s.source, exemptionFor: undefined });
    expect(() => engine.evaluate(pod('p', 'a'))).toThrow(UndeclaredReadError);
    expect(() => evaluateAll([pod('p', 'a'), sa('default', 'a')], [sneaky])).toThrow(/test.sneaky read kind ConfigMap/);
  });

  it('applies exemptions without running the check (no reads recorded)', () => {
    const s = store([pod('p', 'a')]);
    const engine = new IncrementalEngine({
      controls: [saMounted],
      source: s.source,
      exemptionFor: (id, subject) => (subject.metadata.namespace === 'a' ? `exempt ${id}` : undefined),
    });
    expect(engine.evaluate(pod('p', 'a'))).toEqual([expect.objectContaining({ status: 'exempt', message: 'exempt test.sa-mounted' })]);
    expect(engine.stats.subjects).toBe(0);
  });
});
