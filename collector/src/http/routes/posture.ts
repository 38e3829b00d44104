// Posture scores per cluster, namespace and framework, with their history; and a
// framework report (each framework id with its controls and results).
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { FindingsService } from '../../findings/findings-service.js';
import type { AgentStore } from '../../store/agents.js';
import { apiError } from '../errors.js';

const Score = z.object({ score: z.number(), passed: z.number(), failed: z.number() });

export function postureRoutes(app: OpenAPIHono, deps: { findings: FindingsService; agents: AgentStore }): void {
  const { tallies, store } = deps.findings;
  const known = (id: string) => deps.agents.clusters().some((c) => c.id === id);

  const posture = createRoute({
    method: 'get',
    path: '/api/v1/clusters/{id}/posture',
    summary: 'Posture score of a cluster, its namespaces and frameworks, with history',
    request: {
      params: z.object({ id: z.string().min(1).openapi({ param: { name: 'id', in: 'path' } }) }),
      query: z.object({ history: z.coerce.number().int().min(0).max(10_000).default(100).openapi({ param: { name: 'history', in: 'query' } }) }),
    },
    responses: {
      200: {
        description: 'Scores (0–100): passed / (passed + failed) weighted by severity',
        content: {
          'application/json': {
            schema: z.object({
              cluster: z.string(),
              score: z.number(),
              passed: z.number(),
              failed: z.number(),
              findings: z.record(z.string(), z.number()),
              namespaces: z.record(z.string(), Score),
              frameworks: z.record(z.string(), Score),
              history: z.array(z.object({ at: z.string(), score: z.number(), passed: z.number(), failed: z.number() })),
            }),
          },
        },
      },
      404: { description: 'Unknown cluster' },
    },
  });
  app.openapi(posture, (c) => {
    const id = deps.agents.resolveCluster(c.req.valid('param').id);
    if (!known(id)) return apiError(c, 404, 'not_found', `no cluster ${id}`);
    const namespaces: Record<string, z.infer<typeof Score>> = {};
    const frameworks: Record<string, z.infer<typeof Score>> = {};
    for (const scope of tallies.scopes(id)) {
      if (scope.startsWith('namespace:')) namespaces[scope.slice(10)] = tallies.view(id, scope);
      if (scope.startsWith('framework:')) frameworks[scope.slice(10)] = tallies.view(id, scope);
    }
    const history = store.postureHistory(id, 'cluster', c.req.valid('query').history).map((h) => ({ ...h, at: new Date(h.at).toISOString() }));
    return c.json({ cluster: id, ...tallies.view(id, 'cluster'), findings: deps.findings.countByStatus(id), namespaces, frameworks, history }, 200);
  });

  const report = createRoute({
    method: 'get',
    path: '/api/v1/frameworks/{id}/report',
    summary: 'A framework report: every framework id with its controls and open findings',
    request: {
      params: z.object({ id: z.string().min(1).openapi({ param: { name: 'id', in: 'path' } }) }),
      query: z.object({ cluster: z.string().min(1).openapi({ param: { name: 'cluster', in: 'query' } }) }),
    },
    responses: { 200: { description: 'The report' }, 404: { description: 'Unknown framework or cluster' } },
  });
  app.openapi(report, (c) => {
    const framework = c.req.valid('param').id;
    const cluster = deps.agents.resolveCluster(c.req.valid('query').cluster);
    if (!known(cluster)) return apiError(c, 404, 'not_found', `no cluster ${cluster}`);
    const byRef = new Map<string, { id: string; controls: { id: string; title: string; severity: string; openFindings: number }[] }>();
    for (const control of deps.findings.controls) {
      for (const ref of control.frameworks.filter((f) => f.framework === framework)) {
        const entry = byRef.get(ref.id) ?? { id: ref.id, controls: [] };
        const open = store.query({ cluster, control: control.id, status: 'open', limit: 1000 }).items.length;
        entry.controls.push({ id: control.id, title: control.title, severity: control.severity, openFindings: open });
        byRef.set(ref.id, entry);
      }
    }
    if (byRef.size === 0) return apiError(c, 404, 'not_found', `no control references framework "${framework}"`);
    const items = [...byRef.values()]
      .sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true }))
      .map((e) => ({ ...e, status: e.controls.some((x) => x.openFindings > 0) ? 'fail' : 'pass' }));
    return c.json({ framework, cluster, score: tallies.view(cluster, `framework:${framework}`), items }, 200);
  });
}
