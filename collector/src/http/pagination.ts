import { z } from '@hono/zod-openapi';

export const limitParam = z.coerce
  .number()
  .int()
  .min(1)
  .max(1000)
  .default(100)
  .openapi({ param: { name: 'limit', in: 'query' }, description: 'Page size (1–1000, default 100).' });

export const cursorParam = z
  .string()
  .max(2000)
  .optional()
  .openapi({ param: { name: 'cursor', in: 'query' }, description: 'The nextCursor of the previous page.' });

export const pageSchema = <T extends z.ZodTypeAny>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().optional() });
