// The one way the trust library reaches the network (DID documents, status lists, trust lists): HTTPS
// only, plain HTTP only to loopback hosts when the caller allows it (local runs and tests) — and, for
// signed trust lists only, to in-cluster Services (see fetchVerifiedTrustList for why) — no
// redirects (a redirect could move a did:web lookup to another host), a deadline and a size cap
// enforced while reading, so a slow or huge response cannot pin memory or a worker.
import { TrustError, type TrustErrorReason, describeError } from './errors.js';

export type FetchLike = (url: string, init: { signal: AbortSignal; redirect: 'error'; headers: Record<string, string> }) => Promise<Response>;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname.toLowerCase());
}

/**
 * Whether `hostname` names an in-cluster Service (`<service>.<namespace>.svc` or
 * `<service>.<namespace>.svc.cluster.local`), which only the cluster's DNS resolves and only the
 * cluster network carries. Other cluster domains are not guessed: `….svc.<anything>` could be a public name.
 */
export function isClusterServiceHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  const base = host.endsWith('.svc.cluster.local') ? host.slice(0, -'.svc.cluster.local'.length) : host.endsWith('.svc') ? host.slice(0, -'.svc'.length) : undefined;
  if (base === undefined) return false;
  const labels = base.split('.');
  return labels.length === 2 && labels.every((label) => /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(label));
}

/**
 * Which plain-HTTP hosts a fetch may reach besides HTTPS ones. `cluster-service` is only for documents
 * whose integrity does not rest on the transport — signed trust lists verified against pinned keys
 * (see fetchVerifiedTrustList) — and is deliberately not offered to callers outside this package.
 */
export interface TransportAllowance {
  allowHttpLoopback: boolean;
  allowHttpClusterService?: boolean;
}

/** Refuse a URL the library must not fetch: anything but HTTPS, except HTTP to loopback when allowed. */
export function assertFetchableUrl(url: string, allowHttpLoopback: boolean, reason: TrustErrorReason = 'InsecureTransport'): URL {
  return assertTransport(url, { allowHttpLoopback }, reason);
}

/** assertFetchableUrl with the package-internal allowances (not exported from the package). */
export function assertTransport(url: string, allowance: TransportAllowance, reason: TrustErrorReason = 'InsecureTransport'): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new TrustError('MalformedInput', `"${url.slice(0, 200)}" is not a URL`, { cause });
  }
  if (parsed.username || parsed.password) throw new TrustError(reason, `refusing ${parsed.host}: URLs with credentials are not fetched`);
  if (parsed.protocol === 'https:') return parsed;
  if (parsed.protocol === 'http:' && allowance.allowHttpClusterService && isClusterServiceHost(parsed.hostname)) return parsed;
  if (parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname)) {
    if (allowance.allowHttpLoopback) return parsed;
    throw new TrustError(reason, `refusing plain HTTP to ${parsed.host}: HTTP is allowed only for loopback hosts and only when allowHttpLoopback is set`);
  }
  throw new TrustError(reason, `refusing ${parsed.protocol}//${parsed.host}: only HTTPS is fetched (plain HTTP only for 127.0.0.1, ::1 and localhost when allowHttpLoopback is set)`);
}

export interface BoundedFetchOptions {
  fetch?: FetchLike;
  allowHttpLoopback?: boolean;
  /** Plain HTTP to in-cluster Services: only for signed documents verified against pinned keys. */
  allowHttpClusterService?: boolean;
  maxBytes: number;
  timeoutMs: number;
  accept: string;
  /** Reason of the TrustError thrown when the fetch fails (e.g. DidResolutionFailed). */
  failure: TrustErrorReason;
  what: string;
}

/** GET a URL and return the body as text, within the size and time limits. */
export async function fetchTextBounded(url: string, options: BoundedFetchOptions): Promise<string> {
  const target = assertTransport(url, { allowHttpLoopback: options.allowHttpLoopback ?? false, allowHttpClusterService: options.allowHttpClusterService ?? false });
  const doFetch: FetchLike = options.fetch ?? ((u, init) => fetch(u, init));
  const signal = AbortSignal.timeout(options.timeoutMs);
  let response: Response;
  try {
    response = await doFetch(target.href, { signal, redirect: 'error', headers: { accept: options.accept } });
  } catch (cause) {
    const timedOut = signal.aborted;
    throw new TrustError(options.failure, `${options.what}: ${timedOut ? `no answer from ${target.host} within ${options.timeoutMs} ms` : `cannot fetch ${target.href}: ${describeError(cause)}`}`, { cause });
  }
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => undefined);
    throw new TrustError(options.failure, `${options.what}: ${target.href} answered HTTP ${response.status}; expected 200`);
  }
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > options.maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new TrustError('PayloadTooLarge', `${options.what}: ${target.href} declares ${declared} bytes, more than the limit of ${options.maxBytes}`);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > options.maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new TrustError('PayloadTooLarge', `${options.what}: ${target.href} sent more than the limit of ${options.maxBytes} bytes`);
      }
      chunks.push(value);
    }
  } catch (cause) {
    if (cause instanceof TrustError) throw cause;
    throw new TrustError(options.failure, `${options.what}: reading ${target.href} failed: ${signal.aborted ? `timed out after ${options.timeoutMs} ms` : describeError(cause)}`, { cause });
  }
  return Buffer.concat(chunks).toString('utf8');
}
