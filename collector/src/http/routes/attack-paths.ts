// Attack paths: how an attacker gets from outside the cluster to something worth having
// (exposure → workload → ServiceAccount → binding → role → impact), highest scored
// first, each with the riskiest open findings on its objects (what to fix first).
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { SEVERITIES } from '@stance/shared/engine/index';
import type { FindingsService } from '../../findings/findings-service.js';
import { findingId } from '../../findings/finding-refs.js';
import type { ClusterAttackPath, RiskService } from '../../risk/risk-service.js';
import type { AgentStore } from '../../store/agents.js';
import { decodeCursor, encodeCursor, InvalidCursorError } from '../../store/resources.js';
import { apiError } from '../errors.js';
import { cursorParam, limitParam, pageSchema } from '../pagination.js';

/** Findings listed per path. */
const FINDINGS_PER_PATH = 5;

const StepSchema = z.object({
  kind: z.string(),
  namespace: z.string().nullable(),
  name: z.string(),
  relation: z
    .enum(['load-balancer', 'node-port', 'external-ip', 'ingress', 'host-network', 'host-port', 'routes-to', 'selects', 'runs-as', 'bound-by', 'grants'])
    .openapi({ description: 'How this step is reached from the one before; the first step\'s is the way in' }),
});

const AttackPathSchema = z
  .object({
    id: z.string().openapi({ description: 'Stable: the impact and the steps' }),
    cluster: z.string(),
    impact: z.enum(['cluster-admin', 'node-takeover', 'secrets']),
    score: z.number().int().min(0).max(100).openapi({ description: "The impact's points plus the way in's" }),
    description: z.string(),
    steps: z.array(StepSchema),
    findings: z
      .array(
        z.object({
          id: z.string(),
          controlId: z.string(),
          title: z.string(),
          severity: z.enum(SEVERITIES as [string, ...string[]]),
          riskScore: z.number().int().nullable(),
          resource: z.object({ kind: z.string(), namespace: z.string().nullable(), name: z.string() }),
        }),
      )
      .openapi({ description: `The riskiest open findings on the path's objects (at most ${FINDINGS_PER_PATH})` }),
  })
  .openapi('AttackPath');

const after = (p: ClusterAttackPath, [score, cluster, id]: string[]) =>
  p.score < Number(score) || (p.score === Number(score) && (p.cluster > cluster! || (p.cluster === cluster && p.id > id!)));

export function attackPathRoutes(app: OpenAPIHono, deps: { risk: RiskService; findings: FindingsService; agents: AgentStore }): void {
  const titles = new Map(deps.findings.controls.map((c) => [c.id, c.title]));
  const route = createRoute({
    method: 'get',
    path: '/api/v1/attack-paths',
    summary: 'Attack paths, highest scored first',
    request: {
      query: z.object({
        cluster: z.string().min(1).optional().openapi({ param: { name: 'cluster', in: 'query' }, description: 'Cluster id or name' }),
        limit: limitParam,
        cursor: cursorParam,
      }),
    },
    responses: {
      200: { description: 'A page of attack paths', content: { 'application/json': { schema: pageSchema(AttackPathSchema) } } },
      400: { description: 'Invalid parameter' },
    },
  });
  app.openapi(route, (c) => {
    const p = c.req.valid('query');
    let paths = deps.risk.attackPaths(p.cluster ? deps.agents.resolveCluster(p.cluster) : undefined);
    if (p.cursor) {
      let key: string[];
      try {
        key = decodeCursor(p.cursor, 3);
        if (!/^\d{1,3}$/.test(key[0]!)) throw new InvalidCursorError(p.cursor);
      } catch (err) {
        if (err instanceof InvalidCursorError) return apiError(c, 400, 'invalid_cursor', err.message);
        throw err;
      }
      paths = paths.filter((path) => after(path, key));
    }
    const page = paths.slice(0, p.limit);
    const items = page.map((path) => ({
      id: path.id,
      cluster: path.cluster,
      impact: path.impact,
      score: path.score,
      description: path.description,
      steps: path.steps.map((s) => ({ kind: s.kind, namespace: s.namespace ?? null, name: s.name, relation: s.relation })),
      findings: deps.risk.findingsOnPath(path, FINDINGS_PER_PATH).map((f) => ({
        id: findingId(f),
        controlId: f.controlId,
        title: titles.get(f.controlId) ?? f.controlId,
        severity: f.severity,
        riskScore: f.riskScore >= 0 ? f.riskScore : null,
        resource: { kind: f.kind, namespace: f.namespace || null, name: f.name },
      })),
    }));
    const last = page[page.length - 1];
    return c.json(paths.length > p.limit && last ? { items, nextCursor: encodeCursor([String(last.score), last.cluster, last.id]) } : { items }, 200);
  });
}
