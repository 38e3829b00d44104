// KubeClient's own edges against the test API server: error mapping and aborting watches.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeConfig } from '@kubernetes/client-node';
import { TestApiServer, kubeconfigFor } from '../../../devcluster/src/index.js';
import { ACCEPT_JSON, KubeApiError, KubeClient, toApiError, type WatchEvent } from './kube-client.js';

describe('KubeClient', () => {
  const server = new TestApiServer();
  let client: KubeClient;

  beforeAll(async () => {
    await server.start();
    const kc = new KubeConfig();
    kc.loadFromString(kubeconfigFor(server.url));
    client = new KubeClient(kc);
  });
  afterAll(() => server.stop());

  it('maps an API error answer to KubeApiError with its Status reason', async () => {
    const err = await client.getJson('/api/v1/namespaces/default/configmaps/missing').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeApiError);
    expect(err).toMatchObject({ statusCode: 404, reason: 'NotFound', path: '/api/v1/namespaces/default/configmaps/missing' });
    expect((err as KubeApiError).expired).toBe(false);
  });

  it('reports an expired list continuation as expired', async () => {
    server.failRequests(1, 410);
    const err = (await client.getJson('/api/v1/configmaps').catch((e: unknown) => e)) as KubeApiError;
    expect(err.expired).toBe(true);
  });

  it('builds an error from a non-JSON body', () => {
    const e = toApiError(502, '<html>bad gateway</html>', '/api');
    expect(e).toMatchObject({ statusCode: 502, reason: 'Bad Gateway' });
    expect(e.message).toContain('bad gateway');
  });

  it('streams watch events and ends when aborted', async () => {
    const events: WatchEvent[] = [];
    const rv = server.resourceVersion();
    const h = client.watch('/api/v1/namespaces/default/configmaps', { resourceVersion: rv }, ACCEPT_JSON, (e) => events.push(e), 10_000);
    await waitFor(() => server.watchCount() === 1);
    server.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'seen', namespace: 'default' } });
    await waitFor(() => events.length > 0);
    expect(events[0]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'seen' } } });
    h.abort();
    await h.done;
    await waitFor(() => server.watchCount() === 0);
  });

  it('an abort right after starting a watch is not lost', async () => {
    const h = client.watch('/api/v1/configmaps', { resourceVersion: server.resourceVersion(), timeoutSeconds: 30 }, ACCEPT_JSON, () => undefined, 10_000);
    h.abort(); // before the request exists
    const t0 = Date.now();
    await h.done.catch(() => undefined);
    expect(Date.now() - t0).toBeLessThan(1000);
    await waitFor(() => server.watchCount() === 0);
  });

  it('treats a silent watch as dead after the inactivity limit', async () => {
    const h = client.watch('/api/v1/configmaps', { resourceVersion: server.resourceVersion() }, ACCEPT_JSON, () => undefined, 150);
    await expect(h.done).rejects.toThrow(/no event for 150 ms/);
  });
});

async function waitFor(pred: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
