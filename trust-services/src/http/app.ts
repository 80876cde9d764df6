// The express scaffolding both services share: JSON bodies with a size limit, request metrics and logs,
// liveness/readiness/metrics endpoints, and one error handler that turns anything thrown into a Problem.
import express, { type ErrorRequestHandler, type Express, type Request, type RequestHandler } from 'express';
import type { Logger } from '@musubi/core/logging';
import type { ServiceMetrics } from './metrics.js';
import { HttpProblem, toProblem } from './problem.js';

export interface ServiceAppOptions {
  logger: Logger;
  metrics: ServiceMetrics;
  /** Largest accepted request body; larger ones get 413 PayloadTooLarge. */
  maxBodyBytes: number;
  /** Undefined when the service can take traffic, otherwise why it cannot (shown by /readyz). */
  notReady: () => string | undefined;
}

function routeOf(req: Request): string {
  const route = (req.route as { path?: unknown } | undefined)?.path;
  return typeof route === 'string' ? `${req.baseUrl}${route}` : 'unmatched';
}

export function createServiceApp(options: ServiceAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeOf(req);
      options.metrics.httpRequests.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
      const quiet = route === '/healthz' || route === '/readyz' || route === '/metrics';
      const log = quiet || res.statusCode < 400 ? options.logger.debug : options.logger.info;
      log('request', { method: req.method, route, status: res.statusCode, ms: Math.round(seconds * 1000), ...(res.locals.reason ? { reason: res.locals.reason, detail: res.locals.detail } : {}) });
    });
    next();
  });
  app.use(express.json({ limit: options.maxBodyBytes, strict: true, type: ['application/json', 'application/*+json'] }));
  app.use(express.urlencoded({ limit: options.maxBodyBytes, extended: false }));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    const reason = options.notReady();
    if (reason) res.status(503).json({ status: 'not ready', reason });
    else res.json({ status: 'ready' });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(options.metrics.registry.contentType).send(await options.metrics.registry.metrics());
  });
  return app;
}

/** 404 for unknown routes and the error handler; call after all routes are added. */
export function finishServiceApp(app: Express, logger: Logger): void {
  app.use((req, _res, next) => {
    next(new HttpProblem(404, 'NotFound', `no route for ${req.method} ${req.path}`));
  });
  const handler: ErrorRequestHandler = (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const problem = toProblem(error);
    res.locals.reason = problem.reason;
    // Problem messages name fields, DIDs and reasons, never token text or key material.
    res.locals.detail = problem.message.slice(0, 300);
    if (problem.status >= 500) logger.error('request failed', { method: req.method, path: req.path, error: problem.cause ?? error });
    res.status(problem.status).json(problem.toJSON());
  };
  app.use(handler);
}

/** The JSON object body of a request, or 400 naming what to send. */
export function jsonBody(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpProblem(400, 'MalformedInput', 'request body must be a JSON object sent with Content-Type: application/json');
  }
  return body as Record<string, unknown>;
}

/** Wrap an authentication check as middleware. */
export function guard(check: (req: Request) => void | Promise<void>): RequestHandler {
  return async (req, _res, next) => {
    await check(req);
    next();
  };
}
