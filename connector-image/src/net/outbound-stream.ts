// The streaming variant of the connector's outbound HTTP client, for data: a request body read from a
// stream and a response body handed over as a stream, so neither is ever held in memory whole. The same
// guards as sendOutbound (scheme, credentials in URLs, the address actually connected to, no
// redirects); instead of one deadline for the whole exchange, which a large transfer could never meet,
// the exchange is aborted when no byte has moved either way for idleTimeoutMs.
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { pipeline, type Readable } from 'node:stream';
import { isSpecialPurposeAddress } from './address-guard.js';
import { OutboundFailed, OutboundRefused, checkOutboundUrl, guardedLookup, refusal, type OutboundPolicy } from './outbound-http.js';

export interface OutboundStreamRequest {
  url: string;
  method?: 'GET' | 'HEAD' | 'POST' | 'PUT';
  headers?: Record<string, string>;
  /** Streamed request body; when it fails, the upload is aborted and that failure is what the call rejects with. */
  body?: Readable;
  /** Length of `body` when known (sent as content-length); otherwise the body goes chunked. */
  bodyLength?: number;
  /** Abort when no byte moved either way for this long. */
  idleTimeoutMs: number;
  /**
   * Send the headers first and the body only once the server answered 100 Continue, so a refusal
   * (credentials, size, state) comes before the body instead of breaking it off half-way. Servers that
   * ignore the expectation get the body after a short wait, as RFC 9110 asks of clients.
   */
  expectContinue?: boolean;
}

const CONTINUE_WAIT_MS = 1_000;

export interface OutboundStream {
  status: number;
  headers: IncomingHttpHeaders;
  /** The response body, read with backpressure; destroy it to abandon the exchange. */
  body: IncomingMessage;
}

function translate(error: Error, origin: string): Error {
  if (error instanceof OutboundRefused || error instanceof OutboundFailed) return error;
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof OutboundRefused) return cause;
  return new OutboundFailed(`cannot reach ${origin}: ${error.message}`, { cause: error });
}

/** Resolves when the response headers arrive; the body is then read (or destroyed) by the caller. */
export async function openOutbound(request: OutboundStreamRequest, policy: OutboundPolicy, what = 'URL'): Promise<OutboundStream> {
  const url = checkOutboundUrl(request.url, policy, what);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0 && !policy.allowPrivateNetwork && isSpecialPurposeAddress(host)) throw refusal(url.host, host);
  const headers: Record<string, string> = { ...request.headers };
  if (request.bodyLength !== undefined) headers['content-length'] = String(request.bodyLength);
  if (request.body && request.expectContinue) headers.expect = '100-continue';
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;

  return new Promise<OutboundStream>((resolve, reject) => {
    let bodyError: Error | undefined;
    let response: IncomingMessage | undefined;
    let uploading = false;
    let continueTimer: NodeJS.Timeout | undefined = undefined;
    const req = send(url, { method: request.method ?? 'GET', headers, lookup: guardedLookup(policy.allowPrivateNetwork) }, (res) => {
      response = res;
      clearTimeout(continueTimer);
      res.on('error', () => undefined); // the caller reads the body and sees its errors; none may go unhandled
      if (request.body && !uploading) {
        // Refused before the body was sent: it never will be, and the half-sent request cannot be reused.
        request.body.destroy();
        res.once('close', () => req.destroy());
      }
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res });
    });
    req.setTimeout(request.idleTimeoutMs, () => {
      const stalled = new OutboundFailed(`${url.origin}: no data moved for ${request.idleTimeoutMs} ms; the exchange was aborted`);
      if (response) response.destroy(stalled);
      else req.destroy(stalled);
    });
    req.on('error', (error) => {
      if (!response) reject(bodyError ?? translate(error, url.origin));
    });
    if (!request.body) {
      req.end();
      return;
    }
    // The source's own failure (a broken backend, a size limit) is what the caller must see, not the
    // aborted upload it causes; the listener runs before pipeline tears the request down.
    const body = request.body;
    body.once('error', (error: Error) => {
      bodyError ??= error;
    });
    const upload = (): void => {
      if (uploading || response) return;
      uploading = true;
      clearTimeout(continueTimer);
      // pipeline applies the socket's backpressure to the source and aborts the upload when either fails.
      pipeline(body, req, () => undefined);
    };
    if (!request.expectContinue) return upload();
    req.once('continue', upload);
    continueTimer = setTimeout(upload, CONTINUE_WAIT_MS);
    req.flushHeaders();
  });
}

/** Reads at most `limit` bytes of a (small, error) response body as text, then discards the rest. */
export async function readSmallBody(body: Readable, limit = 16 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= limit) break;
    }
  } catch {
    // what arrived is all the explanation there is
  } finally {
    body.destroy();
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}
