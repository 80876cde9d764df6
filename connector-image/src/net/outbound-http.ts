// The connector's one HTTP client for anything it fetches or sends on someone's behalf: DSP messages
// to counter-parties, data from backends, data pushed to consumers. No redirects (a redirect could lead
// past the address check), a deadline, a response size cap enforced while reading, and the address
// guard applied to the address actually connected to.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isSpecialPurposeAddress } from './address-guard.js';

export interface OutboundPolicy {
  /** Plain http:// URLs (local runs and tests); otherwise HTTPS only. */
  allowHttp: boolean;
  /** Private, loopback and link-local destinations (in-cluster counter-parties, local runs). */
  allowPrivateNetwork: boolean;
}

export interface OutboundRequest {
  url: string;
  method?: 'GET' | 'POST' | 'PUT';
  headers?: Record<string, string>;
  body?: Buffer | string;
  timeoutMs?: number;
  maxResponseBytes?: number;
}

export interface OutboundResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** The destination is not allowed (scheme or address): an error in the request, never retried. */
export class OutboundRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutboundRefused';
  }
}

/** The request could not be completed (network, timeout, oversized answer); may succeed later. */
export class OutboundFailed extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OutboundFailed';
  }
}

/** The URL, checked for scheme and credentials; OutboundRefused with the fix otherwise. */
export function checkOutboundUrl(url: string, policy: OutboundPolicy, what = 'URL'): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new OutboundRefused(`${what} "${url.slice(0, 200)}" is not an absolute URL`);
  }
  if (parsed.username || parsed.password) throw new OutboundRefused(`${what} ${parsed.host} carries credentials in the URL; pass them in a header instead`);
  if (parsed.protocol === 'https:') return parsed;
  if (parsed.protocol === 'http:') {
    if (policy.allowHttp) return parsed;
    throw new OutboundRefused(`${what} ${parsed.origin} uses plain HTTP; only https:// is allowed (allowHttp is off)`);
  }
  throw new OutboundRefused(`${what} ${parsed.origin || url.slice(0, 100)} uses ${parsed.protocol}; only https:// is allowed`);
}

/**
 * Scheme, credentials and (unless private networks are allowed) every address the host resolves to,
 * checked now: lets a request with a forbidden address be refused when it arrives. sendOutbound checks
 * the connected address again, so a name that later resolves elsewhere (DNS rebinding) gains nothing.
 */
export async function checkOutboundDestination(url: string, policy: OutboundPolicy, what = 'URL'): Promise<URL> {
  const parsed = checkOutboundUrl(url, policy, what);
  if (policy.allowPrivateNetwork) return parsed;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0) {
    if (isSpecialPurposeAddress(host)) throw refusal(`${what} ${parsed.host}`, host);
    return parsed;
  }
  let addresses: LookupAddress[];
  try {
    addresses = await lookupAll(host);
  } catch (cause) {
    throw new OutboundRefused(`${what} host ${host} does not resolve (${(cause as Error).message}); give an address this connector can reach`);
  }
  const bad = addresses.find((a) => isSpecialPurposeAddress(a.address));
  if (bad) throw refusal(`${what} ${parsed.host}`, bad.address);
  return parsed;
}

function lookupAll(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => dnsLookup(host, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))));
}

export function refusal(host: string, address: string): OutboundRefused {
  return new OutboundRefused(`${host} resolves to ${address}, a private, loopback, link-local or otherwise non-public address; refused to prevent server-side request forgery (allowPrivateNetwork is off)`);
}

/** DNS lookup that refuses non-public addresses unless allowed: the guard on the address actually connected to. */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as LookupAddress[];
      const bad = allowPrivate ? undefined : list.find((a) => isSpecialPurposeAddress(a.address));
      if (bad) return callback(refusal(hostname, bad.address) as NodeJS.ErrnoException, '', 0);
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      const first = list[0];
      if (!first) return callback(new Error(`${hostname} has no address`) as NodeJS.ErrnoException, '', 0);
      callback(null, first.address, first.family);
    });
  };
}

export async function sendOutbound(request: OutboundRequest, policy: OutboundPolicy, what = 'URL'): Promise<OutboundResponse> {
  const url = checkOutboundUrl(request.url, policy, what);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0 && !policy.allowPrivateNetwork && isSpecialPurposeAddress(host)) throw refusal(url.host, host);
  const timeoutMs = request.timeoutMs ?? 15_000;
  const maxBytes = request.maxResponseBytes ?? 10 * 1024 * 1024;
  const body = request.body === undefined ? undefined : Buffer.isBuffer(request.body) ? request.body : Buffer.from(request.body, 'utf8');
  const headers: Record<string, string> = { ...request.headers };
  if (body) headers['content-length'] = String(body.length);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;

  return new Promise<OutboundResponse>((resolve, reject) => {
    const req = send(url, {
      method: request.method ?? 'GET',
      headers,
      lookup: guardedLookup(policy.allowPrivateNetwork),
      signal: AbortSignal.timeout(timeoutMs),
    }, (res) => {
      const declared = Number(res.headers['content-length'] ?? NaN);
      if (Number.isFinite(declared) && declared > maxBytes) {
        res.destroy();
        reject(new OutboundFailed(`${url.origin} announced a ${declared}-byte answer, more than the limit of ${maxBytes} bytes`));
        return;
      }
      const chunks: Buffer[] = [];
      let total = 0;
      res.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total > maxBytes) {
          res.destroy(new OutboundFailed(`${url.origin} sent more than the limit of ${maxBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', (error) => reject(error instanceof OutboundFailed ? error : new OutboundFailed(`reading the answer of ${url.origin} failed: ${error.message}`, { cause: error })));
    });
    req.on('error', (error) => {
      if (error instanceof OutboundRefused || error instanceof OutboundFailed) return reject(error);
      const cause = (error as { cause?: unknown }).cause;
      if (cause instanceof OutboundRefused) return reject(cause);
      if (error.name === 'AbortError' || error.name === 'TimeoutError') return reject(new OutboundFailed(`${url.origin} did not answer within ${timeoutMs} ms`, { cause: error }));
      reject(new OutboundFailed(`cannot reach ${url.origin}: ${error.message}`, { cause: error }));
    });
    if (body) req.write(body);
    req.end();
  });
}
