// Outgoing HTTP for the services (registry look-ups, trust lists of recognised anchors, DCP messages to
// other wallets and issuers): the trust library's transport policy (HTTPS; plain HTTP only to loopback
// when allowed), no redirects, a deadline over the whole exchange and a cap on the response size, and a
// private CA when the operator mounts one.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { assertFetchableUrl } from '@musubi/core/trust';

export interface HttpCall {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  /** JSON body (sent with Content-Type: application/json). */
  json?: unknown;
  /** Form body (application/x-www-form-urlencoded). */
  form?: Record<string, string>;
  timeoutMs: number;
  maxBytes: number;
  allowHttpLoopback: boolean;
  /** PEM bundle of CAs to trust for HTTPS instead of the system roots. */
  ca?: string;
}

export interface HttpAnswer {
  status: number;
  headers: IncomingMessage['headers'];
  text: string;
}

export class HttpCallError extends Error {
  override readonly name = 'HttpCallError';
  constructor(
    message: string,
    readonly kind: 'timeout' | 'network' | 'too-large' | 'policy',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export async function callHttp(call: HttpCall): Promise<HttpAnswer> {
  let target: URL;
  try {
    target = assertFetchableUrl(call.url, call.allowHttpLoopback);
  } catch (cause) {
    throw new HttpCallError((cause as Error).message, 'policy', { cause });
  }
  const body = call.json !== undefined ? JSON.stringify(call.json) : call.form ? new URLSearchParams(call.form).toString() : undefined;
  const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
  if (body !== undefined) {
    headers['content-type'] = call.json !== undefined ? 'application/json' : 'application/x-www-form-urlencoded';
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<HttpAnswer>((resolve, reject) => {
    let settled = false;
    const fail = (error: HttpCallError): void => {
      if (settled) return;
      settled = true;
      req.destroy();
      reject(error);
    };
    const timer = setTimeout(() => fail(new HttpCallError(`no complete answer from ${target.host} within ${call.timeoutMs} ms`, 'timeout')), call.timeoutMs);
    const req = send(target, { method: call.method, headers, ...(call.ca ? { ca: call.ca } : {}) }, (res) => {
      const declared = Number(res.headers['content-length'] ?? NaN);
      if (Number.isFinite(declared) && declared > call.maxBytes) {
        fail(new HttpCallError(`${target.host} announced ${declared} bytes, more than the limit of ${call.maxBytes}`, 'too-large'));
        return;
      }
      const chunks: Buffer[] = [];
      let total = 0;
      res.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total > call.maxBytes) fail(new HttpCallError(`${target.host} sent more than the limit of ${call.maxBytes} bytes`, 'too-large'));
        else chunks.push(chunk);
      });
      res.on('end', () => {
        clearTimeout(timer);
        if (settled) return;
        settled = true;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', (cause) => fail(new HttpCallError(`reading the answer of ${target.host} failed: ${cause.message}`, 'network', { cause })));
    });
    req.on('error', (cause) => {
      clearTimeout(timer);
      fail(new HttpCallError(`cannot reach ${target.host}: ${cause.message}`, 'network', { cause }));
    });
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Parse an answer's body as JSON, or undefined when it is not JSON. */
export function jsonOf(answer: HttpAnswer): unknown {
  try {
    return JSON.parse(answer.text) as unknown;
  } catch {
    return undefined;
  }
}
