// The control catalog: what Stance checks, why, how to fix it, and where each control
// sits in the frameworks.
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { FindingsService } from '../../findings/findings-service.js';

const ControlSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    severity: z.string(),
    category: z.string(),
    rationale: z.string(),
    remediation: z.string(),
    frameworks: z.array(z.object({ framework: z.string(), id: z.string() })),
    kinds: z.array(z.string()),
    source: z.string(),
    requiresConfig: z.boolean(),
  })
  .openapi('Control');

export function controlRoutes(app: OpenAPIHono, deps: { findings: FindingsService }): void {
  const items = deps.findings.controls.map((c) => ({
    id: c.id,
    title: c.title,
    severity: c.severity,
    category: c.category,
    rationale: c.rationale,
    remediation: c.remediation,
    frameworks: c.frameworks,
    kinds: [...c.kinds],
    source: c.source ?? 'builtin',
    requiresConfig: Boolean(c.requiresConfig),
  }));
  const route = createRoute({
    method: 'get',
    path: '/api/v1/controls',
    summary: 'Every control, built-in and custom',
    responses: { 200: { description: 'Controls', content: { 'application/json': { schema: z.object({ items: z.array(ControlSchema) }) } } } },
  });
  app.openapi(route, (c) => c.json({ items }, 200));
}
