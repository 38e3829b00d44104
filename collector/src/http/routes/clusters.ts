// Clusters and the health of their agents.
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AgentStore } from '../../store/agents.js';
import type { ResourceStore } from '../../store/resources.js';

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
  })
  .openapi('Cluster');

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function clusterRoutes(app: OpenAPIHono, deps: { agents: AgentStore; resources: ResourceStore; heartbeatIntervalMs: number }): void {
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
    const items = deps.agents.clusters().map((cl) => ({
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
    }));
    return c.json({ items }, 200);
  });
}
