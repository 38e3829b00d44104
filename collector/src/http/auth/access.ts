// Which role each request needs. Probes and the dashboard's static files are open (the page
// asks for a token before it calls the API); /metrics is open only with --metrics-public;
// every other GET needs `read`, and every write needs `admin`.
import type { ApiRole } from './api-tokens.js';

export type Need = 'open' | ApiRole;

export interface AccessOptions {
  metricsPublic: boolean;
}

const OPEN_PAGES = new Set(['/', '/index.html', '/favicon.svg', '/healthz', '/readyz']);

export function requiredRole(method: string, path: string, opts: AccessOptions): Need {
  const reading = method === 'GET' || method === 'HEAD';
  // The dashboard's static files (content-hashed under /assets/) hold no data.
  if (reading && (OPEN_PAGES.has(path) || path.startsWith('/assets/'))) return 'open';
  if (reading && path === '/metrics') return opts.metricsPublic ? 'open' : 'read';
  return reading ? 'read' : 'admin';
}

export function roleAllows(have: ApiRole, need: ApiRole): boolean {
  return have === 'admin' || need === 'read';
}
