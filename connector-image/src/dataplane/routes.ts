// The data plane's HTTP endpoints under the DSP base path: pull (provider), access renewal (provider)
// and the push destination (consumer). Bodies stream through; a failure after the first byte was sent
// can only be signalled by breaking the connection, which the reader sees as an incomplete body.
import express, { type Request, type Response } from 'express';
import type { Server } from 'node:http';
import { pipeline } from 'node:stream';
import type { ConnectorContext } from '../runtime/context.js';
import { DataAccessDenied, type DataStream } from './access.js';
import { TransferTooLarge } from './meter.js';
import { RefreshRequest, openPull, refreshPullAccess } from './pull.js';
import { receivePush } from './received.js';
import { DataSourceFailed } from './sources.js';

/** Requests whose body is a data stream: they are bounded by idle time and size, not by a total deadline. */
export function isStreamedUpload(req: { method: string; path: string }): boolean {
  return req.method === 'POST' && /\/data\/push\/[^/]+$/.test(req.path);
}

/** How long a refused push's remaining body is read and discarded, so its sender can read the refusal. */
const DRAIN_MS = 5_000;

/**
 * Prepares the server the data plane runs on: no server-wide deadline for a whole request (a large push
 * takes as long as it takes; the DSP app bounds every other request itself, requestDeadline), and an
 * Expect: 100-continue on a push answered by the push route after its checks, so a refused push is
 * refused before its body is sent.
 */
export function prepareDataPlaneServer(server: Server): void {
  server.requestTimeout = 0;
  server.on('checkContinue', (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (!isStreamedUpload({ method: req.method ?? '', path })) res.writeContinue();
    server.emit('request', req, res);
  });
}

/** Reads and discards the rest of a refused request's body, for a bounded time, so its sender reads the refusal. */
function drain(req: Request): void {
  const cutOff = setTimeout(() => req.destroy(), DRAIN_MS);
  cutOff.unref();
  req.once('end', () => clearTimeout(cutOff));
  req.resume();
}

function bearer(req: Request): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(req.header('authorization') ?? '')?.[1];
}

/**
 * Sends a data stream: content type, length and digest when known, then the body with backpressure. A
 * reader that takes nothing for `idleTimeoutMs` is cut off, so it cannot hold the source open forever.
 */
export function sendDataStream(res: Response, data: DataStream, idleTimeoutMs: number, onBroken: (error: Error) => void): void {
  res.setTimeout(idleTimeoutMs, () => res.destroy(new Error(`the reader took nothing for ${idleTimeoutMs} ms`)));
  res.status(200).type(data.mediaType);
  if (data.length !== undefined) res.setHeader('content-length', String(data.length));
  if (data.sha256 !== undefined) res.setHeader('repr-digest', `sha-256=:${Buffer.from(data.sha256, 'hex').toString('base64')}:`);
  pipeline(data.body, res, (error) => {
    if (error) onBroken(error);
  });
}

export function createDataPlaneRouter(ctx: ConnectorContext): express.Router {
  const router = express.Router({ strict: false });

  const refuse = (res: Response, error: unknown): void => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (error instanceof DataAccessDenied) {
      if (error.status === 401) res.setHeader('www-authenticate', 'Bearer error="invalid_token"');
      res.status(error.status).json({ error: error.code, message: error.message });
      return;
    }
    if (error instanceof TransferTooLarge) {
      res.status(413).json({ error: 'TransferTooLarge', message: error.message });
      return;
    }
    if (error instanceof DataSourceFailed) {
      ctx.log.warn('data source failed', { error });
      res.status(502).json({ error: 'DataSourceFailed', message: 'the data backend of this offer failed; try again later' });
      return;
    }
    ctx.log.error('data plane request failed', { error });
    res.status(500).json({ error: 'InternalError', message: 'the connector failed to serve the request' });
  };

  const missingToken = (res: Response, what: string): void => {
    res.setHeader('www-authenticate', 'Bearer');
    res.status(401).json({ error: 'MissingToken', message: `send the ${what} as "Authorization: Bearer <token>"` });
  };

  router.get('/data/pull/:pid', async (req, res) => {
    const token = bearer(req);
    if (!token) return missingToken(res, 'access token of the data address');
    try {
      const data = await openPull(ctx, String(req.params.pid), token);
      sendDataStream(res, data, ctx.dataPlane.idleTimeoutMs, (error) => ctx.log.warn('a pull broke off', { transfer: String(req.params.pid), problem: error.message }));
    } catch (error) {
      refuse(res, error);
    }
  });

  router.post('/data/token', express.json({ limit: 16 * 1024 }), async (req, res) => {
    const parsed = RefreshRequest.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: 'InvalidRequest', message: 'send {"refreshToken": "<the refreshToken of the data address>"} as JSON' });
      return;
    }
    try {
      res.status(200).json(await refreshPullAccess(ctx, parsed.data.refreshToken));
    } catch (error) {
      refuse(res, error);
    }
  });

  router.post('/data/push/:pid', async (req, res) => {
    const token = bearer(req);
    if (!token) {
      missingToken(res, 'token of the push data address');
      drain(req);
      return;
    }
    const length = Number(req.header('content-length') ?? NaN);
    try {
      await receivePush(ctx, String(req.params.pid), token, req, {
        mediaType: req.header('content-type') ?? 'application/octet-stream', ...(Number.isFinite(length) && { declaredLength: length }),
        accepted: () => {
          if (req.header('expect')?.toLowerCase() === '100-continue') res.writeContinue();
        },
      });
      res.status(204).end();
    } catch (error) {
      if (req.destroyed) return; // the provider broke off or stalled; there is no one to answer
      refuse(res, error);
      // Reading on lets the provider see the refusal instead of a broken connection; it stops sending when it does.
      if (!req.complete) drain(req);
    }
  });

  return router;
}
