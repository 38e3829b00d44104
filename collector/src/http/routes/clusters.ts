// Clusters and the health of their agents.
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Logger } from '@stance/shared/log/index';
import type { AgentStore } from '../../store/agents.js';
import type { ClusterBindings } from '../../store/cluster-bindings.js';
import type { ResourceStore } from '../../store/resources.js';
import { principalOf } from '../auth/middleware.js';
import { apiError } from '../errors.js';

const AgentSchema = z
  .object({
    agentId: z.string(),
    mode: z.string(),
    nodeName: z.string().nullable(),
    version: z.string().nullable(),
    status: z.enum(['connected', 'stale', 'disconnected']),
    connectedAt: z.string().nullable(),
    lastHeartbeat: z.string().nullable(),
    heartbeat: z.unknown(),
  })
  .openapi('Agent');

const ClusterSchema = z
  .object({
    id: z.string().openapi({ description: 'kube-system namespace uid (k8s.cluster.uid)' }),
    name: z.string(),
    firstSeen: z.string(),
    lastSeen: z.string(),
    resources: z.record(z.string(), z.number()),
    agents: z.array(AgentSchema),
    grant: z
      .object({
        name: z.string().openapi({ description: 'The cluster name whose agent credentials may write this id, or the name of the "*" grant bound to it' }),
        wildcard: z.boolean().openapi({ description: 'Bound to a "*" grant, which may serve many clusters' }),
        retired: z.boolean().openapi({ description: 'Retired by an admin: no credential may write this id again' }),
        boundAt: z.string(),
      })
      .nullable(),
  })
  .openapi('Cluster');

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export interface ClusterRouteDeps {
  agents: AgentStore;
  resources: ResourceStore;
  bindings?: ClusterBindings;
  heartbeatIntervalMs: number;
  log: Logger;
}

export function clusterRoutes(app: OpenAPIHono, deps: ClusterRouteDeps): void {
  const route = createRoute({
    method: 'get',
    path: '/api/v1/clusters',
    summary: 'Clusters, their object counts and agent status',
    responses: { 200: { description: 'Clusters', content: { 'application/json': { schema: z.object({ items: z.array(ClusterSchema) }) } } } },
  });
  app.openapi(route, (c) => {
    const now = Date.now();
    const staleAfter = deps.heartbeatIntervalMs * 3;
    const agents = deps.agents.agents();
    const items = deps.agents.clusters().map((cl) => {
      const binding = deps.bindings?.get(cl.id);
      return {
        id: cl.id,
        name: cl.name,
        firstSeen: iso(cl.firstSeen)!,
        lastSeen: iso(cl.lastSeen)!,
        resources: deps.resources.countsByKind(cl.id),
        agents: agents
          .filter((a) => a.clusterId === cl.id)
          .map((a) => {
            // A heartbeat from an earlier connection says nothing about this one.
            const last = Math.max(a.lastHeartbeat ?? 0, a.connectedAt ?? 0);
            const status: 'connected' | 'stale' | 'disconnected' = !a.connected ? 'disconnected' : now - last > staleAfter ? 'stale' : 'connected';
            return {
              agentId: a.agentId,
              mode: a.mode,
              nodeName: a.nodeName,
              version: a.version,
              status,
              connectedAt: iso(a.connectedAt),
              lastHeartbeat: iso(a.lastHeartbeat),
              heartbeat: a.heartbeat,
            };
          }),
        grant: binding ? { name: binding.name, wildcard: binding.wildcard, retired: binding.retired, boundAt: iso(binding.boundAt)! } : null,
      };
    });
    return c.json({ items }, 200);
  });

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/clusters/{id}/binding',
      summary: 'Retire a cluster id (admin): no credential may write it again; the grants it was bound to may then register a new id',
      request: { params: z.object({ id: z.string().min(1).openapi({ param: { name: 'id', in: 'path' } }) }) },
      responses: { 204: { description: 'Retired' }, 404: { description: 'Not bound, or retired already' } },
    }),
    (c) => {
      const id = c.req.valid('param').id;
      const retired = deps.bindings?.retire(id);
      if (!retired) return apiError(c, 404, 'not_found', `cluster id ${id} is not bound, or retired already`);
      deps.log.warn({ clusterId: id, boundTo: retired.name, wildcard: retired.wildcard, by: principalOf(c)?.name }, 'cluster id retired');
      return c.body(null, 204);
    },
  );
}
