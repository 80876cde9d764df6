// Request handling shared by the management API's routes: validation against a zod schema with every
// problem named by its path, and async handlers whose failures reach the API's error handler.
import type { NextFunction, Request, Response } from 'express';
import type { z } from 'zod';

export class InvalidRequest extends Error {
  constructor(readonly issues: Array<{ path: string; message: string }>) {
    super(`invalid request: ${issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; ')}`);
  }
}

export function parse<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query'): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    throw new InvalidRequest(result.error.issues.map((issue) => ({
      path: [where, ...issue.path].map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join(''),
      message: issue.message,
    })));
  }
  return result.data;
}

export const route = (handle: (req: Request, res: Response) => Promise<void>) => async (req: Request, res: Response, next: NextFunction): Promise<void> => {
  try {
    await handle(req, res);
  } catch (error) {
    next(error);
  }
};
