// Exceptions: accepted risks. Adding or removing one re-evaluates what it covers at once.
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { FindingsService } from '../../findings/findings-service.js';
import { exceptionStatus, globMatch, type ExceptionRow } from '../../findings/exceptions.js';
import type { Logger } from '@stance/shared/log/index';
import { principalOf } from '../auth/middleware.js';
import { apiError } from '../errors.js';

const ExceptionSchema = z
  .object({
    id: z.string(),
    controlId: z.string().openapi({ description: 'A control id or a glob ("*" matches any run of characters: "pod.*", "*")' }),
    cluster: z.string().optional(),
    namespace: z.string().optional(),
    kind: z.string().optional(),
    name: z.string().optional().openapi({ description: 'Exact name or a glob such as "web-*"' }),
    reason: z.string().openapi({ description: 'Why the risk is accepted' }),
    status: z.enum(['active', 'expired', 'deleted']),
    createdAt: z.string(),
    createdBy: z.string().openapi({ description: 'The API token (by name) that created it' }),
    expiresAt: z.string().optional(),
    deletedAt: z.string().optional(),
    deletedBy: z.string().optional(),
    deleteReason: z.string().optional(),
  })
  .openapi('Exception');

const iso = (t: number | undefined) => (t !== undefined ? new Date(t).toISOString() : undefined);

const present = (e: ExceptionRow) => {
  const { expiresAt, createdAt, deletedAt, ...rest } = e;
  return {
    ...rest,
    status: exceptionStatus(e),
    createdAt: iso(createdAt)!,
    ...(expiresAt !== undefined ? { expiresAt: iso(expiresAt) } : {}),
    ...(deletedAt !== undefined ? { deletedAt: iso(deletedAt) } : {}),
  };
};

const Reason = z.string().trim().min(3, 'say why').max(2000);

export function exceptionRoutes(app: OpenAPIHono, deps: { findings: FindingsService; log: Logger }): void {
  const { exceptions, controls } = deps.findings;
  const who = (c: Parameters<typeof principalOf>[0]) => principalOf(c)?.name ?? 'anonymous';

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/exceptions',
      summary: 'Every exception with its audit trail (who created or withdrew it, when and why)',
      request: { query: z.object({ status: z.enum(['active', 'expired', 'deleted']).optional().openapi({ param: { name: 'status', in: 'query' } }) }) },
      responses: { 200: { description: 'Exceptions', content: { 'application/json': { schema: z.object({ items: z.array(ExceptionSchema) }) } } } },
    }),
    (c) => {
      const status = c.req.valid('query').status;
      const items = exceptions.list().map(present);
      return c.json({ items: status ? items.filter((e) => e.status === status) : items }, 200);
    },
  );

  const Body = z.object({
    controlId: z.string().min(1).max(200),
    cluster: z.string().min(1).max(200).optional(),
    namespace: z.string().max(63).optional(),
    kind: z.string().regex(/^[A-Z][A-Za-z0-9]*$/, 'a Kind such as Deployment').optional(),
    name: z.string().min(1).max(253).optional(),
    reason: Reason,
    expiresAt: z.iso.datetime({ offset: true }).optional(),
  });
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/exceptions',
      summary: 'Accept a risk: matching findings become excepted',
      request: { body: { content: { 'application/json': { schema: Body } }, required: true } },
      responses: {
        201: { description: 'Created; the findings it covers turn excepted in the background (transitions on /api/v1/events)', content: { 'application/json': { schema: ExceptionSchema } } },
        400: { description: 'Invalid exception' },
      },
    }),
    (c) => {
      const b = c.req.valid('json');
      if (!controls.some((ctl) => globMatch(b.controlId, ctl.id))) return apiError(c, 400, 'invalid_request', `controlId: no control matches "${b.controlId}"`);
      const expiresAt = b.expiresAt ? Date.parse(b.expiresAt) : undefined;
      if (expiresAt !== undefined && expiresAt <= Date.now()) return apiError(c, 400, 'invalid_request', 'expiresAt: must be in the future');
      const row = exceptions.add(
        {
        controlId: b.controlId,
        reason: b.reason,
        ...(b.cluster ? { cluster: b.cluster } : {}),
        ...(b.namespace !== undefined ? { namespace: b.namespace } : {}),
        ...(b.kind ? { kind: b.kind } : {}),
        ...(b.name ? { name: b.name } : {}),
        ...(expiresAt !== undefined ? { expiresAt } : {}),
        },
        who(c),
      );
      deps.findings.reevaluateFor(row);
      deps.log.info({ exception: row.id, by: row.createdBy, controlId: row.controlId, scope: { cluster: row.cluster, namespace: row.namespace, kind: row.kind, name: row.name }, reason: row.reason }, 'exception created');
      return c.json(present(row), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/exceptions/{id}',
      summary: 'Withdraw an exception (reason required): its findings open again if still failing; the record stays for the audit trail',
      request: {
        params: z.object({ id: z.string().min(1).openapi({ param: { name: 'id', in: 'path' } }) }),
        query: z.object({ reason: Reason.openapi({ param: { name: 'reason', in: 'query' }, description: 'Why the exception is withdrawn' }) }),
      },
      responses: { 204: { description: 'Withdrawn' }, 400: { description: 'No reason given' }, 404: { description: 'No such exception' } },
    }),
    (c) => {
      const { reason } = c.req.valid('query');
      const removed = exceptions.remove(c.req.valid('param').id, who(c), reason);
      if (!removed) return apiError(c, 404, 'not_found', 'no such active exception');
      deps.findings.reevaluateFor(removed);
      deps.log.info({ exception: removed.id, by: removed.deletedBy, controlId: removed.controlId, reason }, 'exception withdrawn');
      return c.body(null, 204);
    },
  );
}
