// Which of the kinds Stance watches this API server serves. A missing kind (an old
// cluster, a disabled API group) is skipped with a warning, never fatal.
import type { Logger } from '@stance/shared/log/index';
import { WATCHED_KINDS, type KindInfo } from '@stance/shared/model/index';
import type { KubeClient } from './kube-client.js';

interface ApiResourceList {
  resources?: { name: string; kind: string; namespaced: boolean; verbs?: string[] }[];
}

export function apiPrefix(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

export async function discoverKinds(client: KubeClient, log: Logger, wanted: readonly KindInfo[] = WATCHED_KINDS): Promise<KindInfo[]> {
  const served = new Map<string, ApiResourceList | null>();
  for (const gv of new Set(wanted.map((k) => k.apiVersion))) {
    try {
      served.set(gv, (await client.getJson(apiPrefix(gv))) as ApiResourceList);
    } catch (err) {
      log.warn({ apiVersion: gv, err: (err as Error).message }, 'API group version not served; its kinds are skipped');
      served.set(gv, null);
    }
  }
  return wanted.filter((k) => {
    const list = served.get(k.apiVersion);
    const r = list?.resources?.find((x) => x.name === k.plural);
    const ok = Boolean(r && (r.verbs ?? ['list', 'watch']).includes('watch'));
    if (list && !ok) log.warn({ kind: k.kind, apiVersion: k.apiVersion }, 'kind not served or not watchable; skipped');
    return ok;
  });
}
