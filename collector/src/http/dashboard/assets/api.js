// The collector's JSON API, same origin. Errors carry the API's { error: { code, message } }.

export class ApiError extends Error {
  constructor(status, code, message, path) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.path = path;
  }
}

import { askForToken, authHeaders } from './auth.js';

export { authHeaders, setToken } from './auth.js';

async function request(method, path, body, retried = false) {
  let res;
  try {
    res = await fetch(path, {
      method,
      headers: { ...authHeaders(), ...(body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch (err) {
    throw new ApiError(0, 'unreachable', `the collector is unreachable (${err.message})`, path);
  }
  if (res.status === 401 && !retried) {
    // Ask once per request; a refused token asks again on the next request.
    await askForToken(Boolean(authHeaders().authorization));
    return request(method, path, body, true);
  }
  if (res.status === 204) return null;
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, data?.error?.code ?? 'http_error', data?.error?.message ?? `HTTP ${res.status}`, path);
  return data;
}

const query = (params) => {
  const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== ''));
  return q.size ? `?${q}` : '';
};
const seg = encodeURIComponent;

let controlsCache;

export const api = {
  clusters: async () => (await request('GET', '/api/v1/clusters')).items,
  posture: (id, history = 100) => request('GET', `/api/v1/clusters/${seg(id)}/posture${query({ history })}`),
  /** One page: { items, nextCursor? }. */
  findings: (params) => request('GET', `/api/v1/findings${query(params)}`),
  finding: (id) => request('GET', `/api/v1/findings/${seg(id)}`),
  /** One page of attack paths, highest scored first: { items, nextCursor? }. */
  attackPaths: (params) => request('GET', `/api/v1/attack-paths${query(params)}`),
  /** The catalog does not change while the collector runs: fetched once per page load. */
  controls: () => (controlsCache ??= request('GET', '/api/v1/controls').then((r) => r.items, (err) => ((controlsCache = undefined), Promise.reject(err)))),
  exceptions: async () => (await request('GET', '/api/v1/exceptions')).items,
  createException: (body) => request('POST', '/api/v1/exceptions', body),
  deleteException: (id, reason) => request('DELETE', `/api/v1/exceptions/${seg(id)}${query({ reason })}`),
  whoami: () => request('GET', '/api/v1/whoami'),
};
