// Findings: filtered lists, and one finding with its history (what opened and resolved it).
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { SEVERITIES, type Control } from '@stance/shared/engine/index';
import type { FindingsService } from '../../findings/findings-service.js';
import type { AgentStore } from '../../store/agents.js';
import { riskOfRow, type FindingRow } from '../../findings/findings-store.js';
import { findingId, kubectlPatch, parseFindingId } from '../../findings/finding-refs.js';
import { InvalidCursorError } from '../../store/resources.js';
import { apiError } from '../errors.js';
import { cursorParam, limitParam, pageSchema } from '../pagination.js';

const q = (name: string) => ({ param: { name, in: 'query' as const } });

export const RiskSchema = z
  .object({
    score: z.number().int().min(0).max(100),
    factors: z.array(z.object({ id: z.string(), description: z.string(), weight: z.number().int() })).openapi({ description: 'What makes the score: the weights add up to it (before the cap at 100)' }),
  })
  .openapi('Risk', { description: 'How much an attacker gains from this finding: its severity and its subject\'s context (exposure, attack paths, the identity it runs as, host access). Null until first scored.' });

const FindingSchema = z
  .object({
    id: z.string().openapi({ description: 'Stable id: base64url of cluster, control and subject uid' }),
    cluster: z.string(),
    controlId: z.string(),
    title: z.string(),
    severity: z.enum(SEVERITIES as [string, ...string[]]),
    status: z.enum(['open', 'resolved', 'excepted']),
    resource: z.object({ apiVersion: z.string(), kind: z.string(), namespace: z.string().nullable(), name: z.string(), uid: z.string() }),
    message: z.string(),
    evidence: z.array(z.string()),
    remediation: z.string(),
    patch: z.unknown().nullable(),
    kubectlPatch: z.string().nullable(),
    exceptionReason: z.string().nullable(),
    frameworks: z.array(z.object({ framework: z.string(), id: z.string() })),
    firstSeen: z.string(),
    lastSeen: z.string(),
    openedAt: z.string(),
    resolvedAt: z.string().nullable(),
    resourceVersion: z.string().nullable(),
    risk: RiskSchema.nullable(),
  })
  .openapi('Finding');

export { findingId };

export function presentFinding(f: FindingRow, controls: Map<string, Control>) {
  const c = controls.get(f.controlId);
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: findingId(f),
    cluster: f.clusterId,
    controlId: f.controlId,
    title: c?.title ?? f.controlId,
    severity: f.severity,
    status: f.status,
    resource: { apiVersion: f.apiVersion, kind: f.kind, namespace: f.namespace || null, name: f.name, uid: f.subjectKey },
    message: f.message,
    evidence: f.evidence,
    remediation: c?.remediation ?? '',
    patch: f.patch,
    kubectlPatch: kubectlPatch(f),
    exceptionReason: f.reason,
    frameworks: c?.frameworks ?? [],
    firstSeen: iso(f.firstSeen)!,
    lastSeen: iso(f.lastSeen)!,
    openedAt: iso(f.openedAt)!,
    resolvedAt: iso(f.resolvedAt),
    resourceVersion: f.resourceVersion,
    risk: riskOfRow(f),
  };
}

export function findingRoutes(app: OpenAPIHono, deps: { findings: FindingsService; agents: AgentStore }): void {
  const controls = new Map(deps.findings.controls.map((c) => [c.id, c]));
  const list = createRoute({
    method: 'get',
    path: '/api/v1/findings',
    summary: 'Findings, most severe first, or riskiest first (sort=risk)',
    request: {
      query: z.object({
        cluster: z.string().min(1).optional().openapi({ ...q('cluster'), description: 'Cluster id or name' }),
        namespace: z.string().max(63).optional().openapi(q('namespace')),
        severity: z.enum(SEVERITIES as [string, ...string[]]).optional().openapi(q('severity')),
        control: z.string().min(1).max(200).optional().openapi(q('control')),
        kind: z.string().regex(/^[A-Z][A-Za-z0-9]*$/, 'a Kind such as Pod').optional().openapi(q('kind')),
        status: z.enum(['open', 'resolved', 'excepted']).optional().openapi({ ...q('status'), description: 'Default: open' }),
        sort: z
          .enum(['severity', 'risk'])
          .optional()
          .openapi({ ...q('sort'), description: 'severity (default): most severe first; risk: highest risk score first (findings not yet scored last)' }),
        limit: limitParam,
        cursor: cursorParam,
      }),
    },
    responses: {
      200: { description: 'A page of findings', content: { 'application/json': { schema: pageSchema(FindingSchema) } } },
      400: { description: 'Invalid parameter' },
    },
  });
  app.openapi(list, (c) => {
    const p = c.req.valid('query');
    try {
      const page = deps.findings.store.query({
        ...(p.cluster ? { cluster: deps.agents.resolveCluster(p.cluster) } : {}),
        ...(p.namespace !== undefined ? { namespace: p.namespace } : {}),
        ...(p.severity ? { severity: p.severity as FindingRow['severity'] } : {}),
        ...(p.control ? { control: p.control } : {}),
        ...(p.kind ? { kind: p.kind } : {}),
        status: (p.status as FindingRow['status'] | undefined) ?? 'open',
        ...(p.sort ? { sort: p.sort } : {}),
        limit: p.limit,
        ...(p.cursor ? { cursor: p.cursor } : {}),
      });
      const items = page.items.map((f) => presentFinding(f, controls));
      return c.json(page.nextCursor ? { items, nextCursor: page.nextCursor } : { items }, 200);
    } catch (err) {
      if (err instanceof InvalidCursorError) return apiError(c, 400, 'invalid_cursor', err.message);
      throw err;
    }
  });

  const one = createRoute({
    method: 'get',
    path: '/api/v1/findings/{id}',
    summary: 'One finding with its history',
    request: { params: z.object({ id: z.string().min(1).max(2000).openapi({ param: { name: 'id', in: 'path' } }) }) },
    responses: {
      200: { description: 'The finding and its events', content: { 'application/json': { schema: FindingSchema.extend({ history: z.array(z.unknown()) }) } } },
      404: { description: 'No such finding' },
    },
  });
  app.openapi(one, (c) => {
    const key = parseFindingId(c.req.valid('param').id);
    const f = key ? deps.findings.store.finding(...key) : undefined;
    if (!f || !key) return apiError(c, 404, 'not_found', 'no such finding');
    const history = deps.findings.store.events(...key).map((e) => ({ ...e, at: new Date(e.at).toISOString() }));
    return c.json({ ...presentFinding(f, controls), history }, 200);
  });
}
