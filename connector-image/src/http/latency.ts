import type { NextFunction, Request, Response } from 'express';
import type { ConnectorMetrics } from '../observability/metrics.js';

/** Records each request's duration under its route pattern (never the raw path: pids would explode the label set). */
export function observeLatency(metrics: ConnectorMetrics, server: string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const route = (req.route as { path?: unknown } | undefined)?.path;
      metrics.requestDuration.observe(
        { server, route: typeof route === 'string' ? `${req.baseUrl}${route}` : 'unmatched', method: req.method, status: String(res.statusCode) },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    });
    next();
  };
}
