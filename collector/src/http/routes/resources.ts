// The current state of watched objects, as the agents reported it.
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { InvalidCursorError, type ResourceStore } from '../../store/resources.js';
import type { AgentStore } from '../../store/agents.js';
import { apiError } from '../errors.js';
import { cursorParam, limitParam, pageSchema } from '../pagination.js';

const name = z.string().min(1).max(253);

const ResourceSchema = z
  .object({
    cluster: z.string(),
    uid: z.string(),
    apiVersion: z.string(),
    kind: z.string(),
    namespace: z.string().nullable(),
    name: z.string(),
    resourceVersion: z.string(),
    contentHash: z.string(),
    firstSeen: z.string(),
    lastSeen: z.string(),
    object: z.record(z.string(), z.unknown()),
  })
  .openapi('Resource');

export function resourceRoutes(app: OpenAPIHono, deps: { resources: ResourceStore; agents: AgentStore }): void {
  const route = createRoute({
    method: 'get',
    path: '/api/v1/resources',
    summary: 'Objects in the collector, filtered and paginated',
    request: {
      query: z.object({
        cluster: name.optional().openapi({ param: { name: 'cluster', in: 'query' }, description: 'Cluster id or name' }),
        kind: z
          .string()
          .regex(/^[A-Z][A-Za-z0-9]*$/, 'a Kind such as Pod or Deployment')
          .optional()
          .openapi({ param: { name: 'kind', in: 'query' } }),
        namespace: z.string().max(63).optional().openapi({ param: { name: 'namespace', in: 'query' } }),
        limit: limitParam,
        cursor: cursorParam,
      }),
    },
    responses: {
      200: { description: 'A page of objects', content: { 'application/json': { schema: pageSchema(ResourceSchema) } } },
      400: { description: 'Invalid parameter' },
    },
  });
  app.openapi(route, (c) => {
    const q = c.req.valid('query');
    try {
      const page = deps.resources.query({ cluster: q.cluster ? deps.agents.resolveCluster(q.cluster) : undefined, kind: q.kind, namespace: q.namespace, limit: q.limit, cursor: q.cursor });
      const items = page.items.map((r) => ({
        cluster: r.clusterId,
        uid: r.uid,
        apiVersion: r.apiVersion,
        kind: r.kind,
        namespace: r.namespace || null,
        name: r.name,
        resourceVersion: r.resourceVersion,
        contentHash: r.contentHash,
        firstSeen: new Date(r.firstSeen).toISOString(),
        lastSeen: new Date(r.lastSeen).toISOString(),
        object: r.object as Record<string, unknown>,
      }));
      return c.json(page.nextCursor ? { items, nextCursor: page.nextCursor } : { items }, 200);
    } catch (err) {
      if (err instanceof InvalidCursorError) return apiError(c, 400, 'invalid_cursor', err.message);
      throw err;
    }
  });
}
