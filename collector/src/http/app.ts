// Composes the collector's HTTP API; each capability registers its own routes.
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Logger } from '@stance/shared/log/index';
import { STANCE_VERSION } from '@stance/shared/version';
import type { AgentStore } from '../store/agents.js';
import type { ResourceStore } from '../store/resources.js';
import type { ClusterBindings } from '../store/cluster-bindings.js';
import type { StorageHealth } from '../store/storage-health.js';
import { apiError } from './errors.js';
import { clusterRoutes } from './routes/clusters.js';
import { healthRoutes, type HealthDeps } from './routes/health.js';
import { resourceRoutes } from './routes/resources.js';
import { findingRoutes } from './routes/findings.js';
import { controlRoutes } from './routes/controls.js';
import { postureRoutes } from './routes/posture.js';
import type { FindingsService } from '../findings/findings-service.js';
import type { Registry } from 'prom-client';
import { metricsRoutes } from './routes/metrics.js';
import { exceptionRoutes } from './routes/exceptions.js';
import { eventRoutes } from './routes/events.js';
import type { LiveEvents } from './live-events.js';
import { createApi } from './validation.js';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { ApiTokenStore } from './auth/api-tokens.js';
import { authMiddleware, type AuthOptions } from './auth/middleware.js';
import { whoamiRoutes } from './routes/whoami.js';
import { dashboardRoutes } from './dashboard/routes.js';
import { attackPathRoutes } from './routes/attack-paths.js';
import type { RiskService } from '../risk/risk-service.js';

export interface ApiDeps extends HealthDeps {
  /** Told of a storage failure in a request (answered 503). */
  storage?: StorageHealth;
  /** API tokens and access rules; absent: open, loopback-only (tests of single routes). */
  auth?: AuthOptions;
  agents: AgentStore;
  resources: ResourceStore;
  bindings?: ClusterBindings;
  findings: FindingsService;
  /** Risk of findings and attack paths; /api/v1/attack-paths is served when given. */
  risk?: RiskService;
  /** Prometheus registry; /metrics is served when given. */
  metrics?: Registry;
  /** The dashboard's live stream; /api/v1/events is served when given. */
  events?: LiveEvents;
  heartbeatIntervalMs: number;
  log: Logger;
}

/** Request bodies are small JSON documents (an exception): anything larger is refused with 413. */
export const MAX_BODY_BYTES = 64 * 1024;

export function createHttpApp(deps: ApiDeps): OpenAPIHono {
  const app = createApi();
  // Before any route, so every one of them is covered (the dashboard's SSE stream too).
  app.use('*', authMiddleware(deps.auth ?? { tokens: new ApiTokenStore([]), loopbackOnly: false, metricsPublic: true }));
  app.use(
    '*',
    bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => apiError(c, 413, 'payload_too_large', `request bodies are limited to ${MAX_BODY_BYTES} bytes`) }),
  );
  healthRoutes(app, deps);
  whoamiRoutes(app);
  clusterRoutes(app, deps);
  resourceRoutes(app, deps);
  findingRoutes(app, deps);
  controlRoutes(app, deps);
  postureRoutes(app, deps);
  exceptionRoutes(app, deps);
  if (deps.risk) attackPathRoutes(app, { ...deps, risk: deps.risk });
  if (deps.metrics) metricsRoutes(app, { metrics: deps.metrics });
  if (deps.events) eventRoutes(app, { events: deps.events });
  dashboardRoutes(app);
  app.doc('/openapi.json', { openapi: '3.0.3', info: { title: 'Stance collector API', version: STANCE_VERSION } });
  app.notFound((c) => apiError(c, 404, 'not_found', `no route for ${c.req.method} ${c.req.path}`));
  app.onError((err, c) => {
    if (err instanceof HTTPException) return err.getResponse();
    // A write the disk refused: the collector is not ready until writes succeed again.
    if (deps.storage?.report(err, `${c.req.method} ${c.req.path}`)) return apiError(c, 503, 'storage_unavailable', 'storage is failing; try again later');
    deps.log.error({ err, path: c.req.path }, 'request failed');
    return apiError(c, 500, 'internal', 'internal error');
  });
  return app;
}
