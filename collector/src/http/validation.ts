// The OpenAPI app factory: request validation failures become 400s that name the parameter.
import { OpenAPIHono } from '@hono/zod-openapi';
import { apiError } from './errors.js';

/** zod says "Invalid input: expected string, received undefined" for a parameter left out. */
const missing = (i: { code: string; message: string }) => i.code === 'invalid_type' && i.message.endsWith('received undefined');

export function createApi(): OpenAPIHono {
  return new OpenAPIHono({
    defaultHook: (result, c) => {
      if (result.success) return;
      const issues = result.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${missing(i) ? 'required' : i.message}`);
      return apiError(c, 400, 'invalid_request', issues.join('; '));
    },
  });
}
