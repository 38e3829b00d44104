// Prometheus scrape endpoint.
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Registry } from 'prom-client';

export function metricsRoutes(app: OpenAPIHono, deps: { metrics: Registry }): void {
  app.get('/metrics', async (c) => c.body(await deps.metrics.metrics(), 200, { 'content-type': deps.metrics.contentType }));
}
