// The cluster id is the kube-system namespace uid: stable for the cluster's life and the
// value OpenTelemetry uses for k8s.cluster.uid.
import type { Logger } from '@stance/shared/log/index';
import { Backoff, sleep } from './backoff.js';
import type { KubeClient } from './kube-client.js';

export async function clusterUid(client: KubeClient, log: Logger, signal: AbortSignal): Promise<string> {
  const backoff = new Backoff(500, 10_000);
  for (;;) {
    try {
      const ns = (await client.getJson('/api/v1/namespaces/kube-system')) as { metadata?: { uid?: string } };
      if (ns.metadata?.uid) return ns.metadata.uid;
      throw new Error('kube-system namespace has no uid');
    } catch (err) {
      if (signal.aborted) throw err;
      const delay = backoff.next();
      log.warn({ err: (err as Error).message, server: client.server, retryInMs: delay }, 'cannot read the cluster identity yet');
      await sleep(delay, signal);
    }
  }
}
