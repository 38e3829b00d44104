// The demo cluster must be valid Kubernetes (schema-checked with kubernetes-models) and
// load into the server as the realistic cluster the demo and the e2e tests expect.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '@stance/shared/model/index';
import { DEMO_CLUSTER_DIR } from '../index.js';
import { readManifestDir } from './load.js';
import { TestApiServer } from './server.js';

async function validate(o: KubeObject): Promise<void> {
  const mod = (await import(/* @vite-ignore */ `kubernetes-models/${o.apiVersion}/${o.kind}`)) as Record<string, new (d: unknown) => { validate(): void }>;
  const Model = mod[o.kind];
  if (!Model) throw new Error(`no model for ${o.apiVersion}/${o.kind}`);
  new Model(o).validate();
}

describe('demo-cluster fixtures', () => {
  it('are schema-valid Kubernetes objects', async () => {
    const objects = await readManifestDir(DEMO_CLUSTER_DIR);
    expect(objects.length).toBeGreaterThanOrEqual(40);
    expect(objects.length).toBeLessThanOrEqual(80);
    const problems: string[] = [];
    for (const o of objects) {
      try {
        await validate(o);
      } catch (e) {
        const detail = (e as { errors?: { instancePath: string; message: string }[] }).errors?.map((x) => `${x.instancePath} ${x.message}`).join('; ');
        problems.push(`${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}: ${detail ?? (e as Error).message}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('get the same uids in every server of the same cluster uid (a restarted demo keeps its findings), others elsewhere', async () => {
    const uids = async (clusterUid: string) => {
      const server = new TestApiServer({ clusterUid });
      await server.loadDir(DEMO_CLUSTER_DIR);
      return [...server.list('Deployment'), ...server.list('Namespace')].map((d) => `${d.metadata.namespace}/${d.metadata.name} ${d.metadata.uid}`).sort();
    };
    const first = await uids('11111111-2222-4333-8444-555555555555');
    expect(await uids('11111111-2222-4333-8444-555555555555')).toEqual(first);
    expect(new Set(first.map((x) => x.split(' ')[1])).size).toBe(first.length);
    expect((await uids('99999999-2222-4333-8444-555555555555')).some((x) => first.includes(x))).toBe(false);
  });

  it('load into the server with the scenarios the demo relies on', async () => {
    const server = new TestApiServer({ clusterUid: '11111111-2222-4333-8444-555555555555' });
    const n = await server.loadDir(DEMO_CLUSTER_DIR);
    expect(n).toBeGreaterThanOrEqual(40);
    expect(server.clusterUid()).toBe('11111111-2222-4333-8444-555555555555');
    expect(server.get('Namespace', undefined, 'kube-system')!.metadata.uid).toBe(server.clusterUid());
    expect(server.list('Node')).toHaveLength(2);
    expect(server.get('Namespace', undefined, 'shop')!.metadata.labels!['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(server.list('NetworkPolicy', 'shop').length).toBeGreaterThanOrEqual(2);
    expect(server.list('NetworkPolicy', 'legacy')).toHaveLength(0);
    const ds = server.get('DaemonSet', 'legacy', 'log-agent') as any;
    expect(ds.spec.template.spec.containers[0].securityContext.privileged).toBe(true);
    expect(ds.spec.template.spec.volumes.map((v: any) => v.hostPath?.path)).toContain('/var/run/docker.sock');
    expect((server.get('ClusterRoleBinding', undefined, 'alice-cluster-admin') as any).roleRef.name).toBe('cluster-admin');
    expect((server.get('RoleBinding', 'ci', 'anonymous-build-status') as any).subjects[0].name).toBe('system:anonymous');
    for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'PodDisruptionBudget', 'LimitRange', 'ResourceQuota', 'Ingress', 'Secret']) {
      expect(server.list(kind).length, kind).toBeGreaterThan(0);
    }
  });
});
