// Liveness and readiness for Kubernetes probes. Both stay open without a token: a probe
// carries none, and they reveal nothing but "up" and why not ready.
import type { OpenAPIHono } from '@hono/zod-openapi';

export interface HealthDeps {
  /** Undefined when ready; otherwise why not (starting, storage failing, shutting down). */
  notReady(): string | undefined;
}

export function healthRoutes(app: OpenAPIHono, deps: HealthDeps): void {
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', (c) => {
    const reason = deps.notReady();
    return reason === undefined ? c.json({ status: 'ready' }) : c.json({ status: 'not ready', reason }, 503);
  });
}
