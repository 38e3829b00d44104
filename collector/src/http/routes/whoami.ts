// Who the caller is to the API: the dashboard shows it and hides what the role cannot do.
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { principalOf } from '../auth/middleware.js';

export function whoamiRoutes(app: OpenAPIHono): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/whoami',
      summary: 'The caller: token name and role (or the open loopback API)',
      responses: {
        200: {
          description: 'The caller',
          content: { 'application/json': { schema: z.object({ name: z.string(), role: z.enum(['read', 'admin']), authenticated: z.boolean() }) } },
        },
      },
    }),
    (c) => {
      const p = principalOf(c);
      return c.json({ name: p?.name ?? 'anonymous', role: p?.role ?? 'read', authenticated: p?.via === 'token' }, 200);
    },
  );
}
