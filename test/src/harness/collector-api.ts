// A typed reader of the collector's HTTP API for tests.
export interface ApiResource {
  cluster: string;
  uid: string;
  kind: string;
  namespace: string | null;
  name: string;
  resourceVersion: string;
  object: Record<string, unknown>;
}

export async function getJson<T>(url: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as T };
}

/** Every resource the collector holds (following cursors). */
export async function allResources(base: string, query: Record<string, string> = {}): Promise<ApiResource[]> {
  const out: ApiResource[] = [];
  let cursor: string | undefined;
  do {
    const qs = new URLSearchParams({ ...query, limit: '1000', ...(cursor ? { cursor } : {}) });
    const { status, body } = await getJson<{ items: ApiResource[]; nextCursor?: string }>(`${base}/api/v1/resources?${qs}`);
    if (status !== 200) throw new Error(`GET resources: ${status} ${JSON.stringify(body)}`);
    out.push(...body.items);
    cursor = body.nextCursor;
  } while (cursor);
  return out;
}
