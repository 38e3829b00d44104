// The OpenAPI app factory: request validation failures become 400s that name the parameter.
import { OpenAPIHono } from '@hono/zod-openapi';
import { apiError } from './errors.js';

export function createApi(): OpenAPIHono {
  return new OpenAPIHono({
    defaultHook: (result, c) => {
      if (result.success) return;
      const issues = result.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`);
      return apiError(c, 400, 'invalid_request', issues.join('; '));
    },
  });
}
