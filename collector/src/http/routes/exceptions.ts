// Exceptions: accepted risks. Adding or removing one re-evaluates what it covers at once.
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { FindingsService } from '../../findings/findings-service.js';
import { globMatch, type ExceptionRow } from '../../findings/exceptions.js';
import { apiError } from '../errors.js';

const ExceptionSchema = z
  .object({
    id: z.string(),
    controlId: z.string().openapi({ description: 'A control id, a prefix glob such as "pod.*", or "*"' }),
    cluster: z.string().optional(),
    namespace: z.string().optional(),
    kind: z.string().optional(),
    name: z.string().optional().openapi({ description: 'Exact name or a prefix glob such as "web-*"' }),
    reason: z.string(),
    createdAt: z.string(),
    expiresAt: z.string().optional(),
  })
  .openapi('Exception');

const present = ({ expiresAt, createdAt, ...rest }: ExceptionRow) => ({
  ...rest,
  createdAt: new Date(createdAt).toISOString(),
  ...(expiresAt !== undefined ? { expiresAt: new Date(expiresAt).toISOString() } : {}),
});

export function exceptionRoutes(app: OpenAPIHono, deps: { findings: FindingsService }): void {
  const { exceptions, controls } = deps.findings;

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/exceptions',
      summary: 'Every exception',
      responses: { 200: { description: 'Exceptions', content: { 'application/json': { schema: z.object({ items: z.array(ExceptionSchema) }) } } } },
    }),
    (c) => c.json({ items: exceptions.list().map(present) }, 200),
  );

  const Body = z.object({
    controlId: z.string().min(1).max(200),
    cluster: z.string().min(1).max(200).optional(),
    namespace: z.string().max(63).optional(),
    kind: z.string().regex(/^[A-Z][A-Za-z0-9]*$/, 'a Kind such as Deployment').optional(),
    name: z.string().min(1).max(253).optional(),
    reason: z.string().trim().min(3, 'say why the risk is accepted').max(2000),
    expiresAt: z.iso.datetime({ offset: true }).optional(),
  });
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/exceptions',
      summary: 'Accept a risk: matching findings become excepted',
      request: { body: { content: { 'application/json': { schema: Body } }, required: true } },
      responses: {
        201: { description: 'Created', content: { 'application/json': { schema: ExceptionSchema.extend({ reevaluated: z.number() }) } } },
        400: { description: 'Invalid exception' },
      },
    }),
    (c) => {
      const b = c.req.valid('json');
      if (!controls.some((ctl) => globMatch(b.controlId, ctl.id))) return apiError(c, 400, 'invalid_request', `controlId: no control matches "${b.controlId}"`);
      const expiresAt = b.expiresAt ? Date.parse(b.expiresAt) : undefined;
      if (expiresAt !== undefined && expiresAt <= Date.now()) return apiError(c, 400, 'invalid_request', 'expiresAt: must be in the future');
      const row = exceptions.add({
        controlId: b.controlId,
        reason: b.reason,
        ...(b.cluster ? { cluster: b.cluster } : {}),
        ...(b.namespace !== undefined ? { namespace: b.namespace } : {}),
        ...(b.kind ? { kind: b.kind } : {}),
        ...(b.name ? { name: b.name } : {}),
        ...(expiresAt !== undefined ? { expiresAt } : {}),
      });
      const reevaluated = deps.findings.reevaluateFor(row);
      return c.json({ ...present(row), reevaluated }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/exceptions/{id}',
      summary: 'Withdraw an exception: its findings open again if still failing',
      request: { params: z.object({ id: z.string().min(1).openapi({ param: { name: 'id', in: 'path' } }) }) },
      responses: { 204: { description: 'Deleted' }, 404: { description: 'No such exception' } },
    }),
    (c) => {
      const removed = exceptions.remove(c.req.valid('param').id);
      if (!removed) return apiError(c, 404, 'not_found', 'no such exception');
      deps.findings.reevaluateFor(removed);
      return c.body(null, 204);
    },
  );
}
