// Liveness and readiness for Kubernetes probes.
import type { OpenAPIHono } from '@hono/zod-openapi';

export interface HealthDeps {
  /** Ready once the store is open and the gRPC endpoint is listening. */
  ready(): boolean;
}

export function healthRoutes(app: OpenAPIHono, deps: HealthDeps): void {
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', (c) => (deps.ready() ? c.json({ status: 'ready' }) : c.json({ status: 'not ready' }, 503)));
}
