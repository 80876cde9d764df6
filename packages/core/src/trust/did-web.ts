// did:web identifiers (https://w3c-ccg.github.io/did-method-web/), DID documents, and a resolver that
// fetches them with the limits of http-fetch.ts and caches them for a bounded time.
import { TrustError } from './errors.js';
import { assertFetchableUrl, fetchTextBounded, isLoopbackHost, type FetchLike } from './http-fetch.js';
import { parsePublicJwk, type PublicJwk, type VerificationKey } from './keys.js';
import { publicJwkToMultibase } from './multikey.js';
import { systemClock, type Clock } from './time.js';

export const DID_CONTEXT_V1 = 'https://www.w3.org/ns/did/v1';
export const MULTIKEY_CONTEXT_V1 = 'https://w3id.org/security/multikey/v1';
export const JWS_2020_CONTEXT_V1 = 'https://w3id.org/security/suites/jws-2020/v1';

export type VerificationMethodType = 'JsonWebKey2020' | 'Multikey';
export type VerificationRelationship = 'assertionMethod' | 'authentication';

export interface VerificationMethod {
  id: string;
  type: VerificationMethodType | 'JsonWebKey';
  controller: string;
  publicKeyJwk?: PublicJwk;
  publicKeyMultibase?: string;
}

export interface DidService {
  id: string;
  type: string | string[];
  serviceEndpoint: string | string[] | Record<string, unknown>;
}

export interface DidDocument {
  '@context': string | string[];
  id: string;
  controller?: string | string[];
  verificationMethod?: VerificationMethod[];
  assertionMethod?: (string | VerificationMethod)[];
  authentication?: (string | VerificationMethod)[];
  service?: DidService[];
  [property: string]: unknown;
}

export interface DidResolver {
  resolve(did: string): Promise<DidDocument>;
}

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const SEGMENT = /^[A-Za-z0-9._~!$&'()*+,;=@%-]+$/;

/** did:web DID of an HTTPS base URL: https://example.com:8443/tenants/acme → did:web:example.com%3A8443:tenants:acme. */
export function didWebFromUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new TrustError('MalformedInput', `"${url.slice(0, 200)}" is not a URL; expected e.g. https://issuer.example.com`, { cause });
  }
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname))) {
    throw new TrustError('MalformedInput', `did:web needs an https URL, got ${parsed.protocol}//${parsed.host}`);
  }
  if (parsed.search || parsed.hash || parsed.username || parsed.password) {
    throw new TrustError('MalformedInput', `did:web base URL must not have a query, fragment or credentials: ${parsed.origin}${parsed.pathname}`);
  }
  const hostname = parsed.hostname.startsWith('[') ? encodeURIComponent(parsed.hostname) : parsed.hostname;
  const host = parsed.port ? `${hostname}%3A${parsed.port}` : hostname;
  const path = parsed.pathname
    .replace(/\/(\.well-known\/)?did\.json$/, '')
    .split('/')
    .filter((segment) => segment.length > 0)
    .map((segment) => segment.replaceAll(':', '%3A'));
  return ['did', 'web', host, ...path].join(':');
}

export interface ParsedDidWeb {
  did: string;
  /** host[:port] as it appears in a URL (IPv6 in brackets). */
  host: string;
  hostname: string;
  path: string[];
}

/** Parse and validate a did:web DID (no fragment, query or path beyond the method-specific id). */
export function parseDidWeb(did: string): ParsedDidWeb {
  if (typeof did !== 'string' || !did.startsWith('did:web:')) {
    throw new TrustError('MalformedInput', `"${String(did).slice(0, 200)}" is not a did:web DID (expected did:web:<host>[:<path>…])`);
  }
  if (did.length > 2048 || /[#?/]/.test(did)) throw new TrustError('MalformedInput', `"${did.slice(0, 200)}" is not a bare did:web DID: remove any fragment, query or slash`);
  const [hostPart = '', ...segments] = did.slice('did:web:'.length).split(':');
  let host: string;
  try {
    host = decodeURIComponent(hostPart).toLowerCase();
  } catch (cause) {
    throw new TrustError('MalformedInput', `did:web host "${hostPart}" has invalid percent-encoding`, { cause });
  }
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(host);
  const hostname = match?.[1] ?? '';
  const port = match?.[2];
  const validHost = hostname.startsWith('[') ? isIpv6Literal(hostname) : DOMAIN.test(hostname) || IPV4.test(hostname);
  if (!match || !validHost || (port !== undefined && (Number(port) < 1 || Number(port) > 65535))) {
    throw new TrustError('MalformedInput', `did:web host "${host}" is not a domain name, IP address or host%3Aport`);
  }
  const path = segments.map((segment) => {
    if (!SEGMENT.test(segment)) throw new TrustError('MalformedInput', `did:web path segment "${segment}" is empty or has characters that must be percent-encoded`);
    const decoded = decodeURIComponent(segment);
    if (decoded === '.' || decoded === '..' || decoded.includes('/')) throw new TrustError('MalformedInput', `did:web path segment "${segment}" is not allowed`);
    return decoded;
  });
  return { did, host, hostname, path };
}

function isIpv6Literal(hostname: string): boolean {
  try {
    return new URL(`https://${hostname}/`).hostname === hostname;
  } catch {
    return false;
  }
}

/**
 * URL of a did:web DID's document: https://host[:port]/path/did.json, or /.well-known/did.json without
 * a path. With `allowHttpLoopback`, loopback hosts get http:// (local runs and tests only).
 */
export function didWebToUrl(did: string, options: { allowHttpLoopback?: boolean } = {}): string {
  const { host, hostname, path } = parseDidWeb(did);
  const scheme = options.allowHttpLoopback && isLoopbackHost(hostname) ? 'http' : 'https';
  const suffix = path.length === 0 ? '.well-known/did.json' : `${path.map(encodeURIComponent).join('/')}/did.json`;
  return `${scheme}://${host}/${suffix}`;
}

export interface DidDocumentKey {
  key: VerificationKey;
  /** Fragment of the verification method id; defaults to the part after '#' in key.kid, else key.kid. */
  fragment?: string;
  /** JsonWebKey2020 (default; any algorithm) or Multikey (publicKeyMultibase). */
  type?: VerificationMethodType;
  /** Relationships the key serves; both by default. */
  relationships?: VerificationRelationship[];
}

/** A DID document for `did` listing `keys` as verification methods, assertion and authentication keys. */
export function buildDidDocument(input: { did: string; keys: DidDocumentKey[]; services?: DidService[] }): DidDocument {
  const { did } = input;
  if (!did.startsWith('did:')) throw new TrustError('MalformedInput', `did must be a DID, got "${did.slice(0, 200)}"`);
  if (input.keys.length === 0) throw new TrustError('MalformedInput', 'a DID document needs at least one key');
  const methods: VerificationMethod[] = [];
  const assertionMethod: string[] = [];
  const authentication: string[] = [];
  const types = new Set<VerificationMethodType>();
  for (const entry of input.keys) {
    const { kid } = entry.key;
    if (kid.includes('#') && !kid.startsWith(`${did}#`)) {
      throw new TrustError('MalformedInput', `key ${kid} belongs to another DID; bind it with keyPair.forDid("${did}")`);
    }
    const fragment = entry.fragment ?? (kid.includes('#') ? kid.slice(kid.indexOf('#') + 1) : kid);
    const id = `${did}#${fragment}`;
    if (methods.some((m) => m.id === id)) throw new TrustError('MalformedInput', `two keys share the verification method id ${id}`);
    const type = entry.type ?? 'JsonWebKey2020';
    types.add(type);
    const publicJwk = parsePublicJwk(entry.key.publicJwk);
    delete publicJwk.kid;
    methods.push(
      type === 'Multikey'
        ? { id, type, controller: did, publicKeyMultibase: publicJwkToMultibase(publicJwk) }
        : { id, type, controller: did, publicKeyJwk: publicJwk },
    );
    const relationships = entry.relationships ?? ['assertionMethod', 'authentication'];
    if (relationships.includes('assertionMethod')) assertionMethod.push(id);
    if (relationships.includes('authentication')) authentication.push(id);
  }
  const context = [DID_CONTEXT_V1];
  if (types.has('Multikey')) context.push(MULTIKEY_CONTEXT_V1);
  if (types.has('JsonWebKey2020')) context.push(JWS_2020_CONTEXT_V1);
  const doc: DidDocument = { '@context': context, id: did, verificationMethod: methods, assertionMethod, authentication };
  if (input.services?.length) doc.service = input.services;
  return doc;
}

/** Check the shape of a fetched DID document and that it is the document of `did`. */
export function parseDidDocument(value: unknown, did: string): DidDocument {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TrustError('DidResolutionFailed', `the DID document of ${did} is not a JSON object`);
  }
  const doc = value as Record<string, unknown>;
  if (doc.id !== did) {
    throw new TrustError('DidResolutionFailed', `the DID document fetched for ${did} has id ${JSON.stringify(doc.id)?.slice(0, 200)}; a did:web document must carry its own DID`);
  }
  for (const field of ['verificationMethod', 'assertionMethod', 'authentication', 'service'] as const) {
    if (doc[field] !== undefined && !Array.isArray(doc[field])) throw new TrustError('DidResolutionFailed', `${did}: ${field} must be a list`);
  }
  for (const method of (doc.verificationMethod as unknown[] | undefined) ?? []) {
    if (typeof method !== 'object' || method === null || typeof (method as { id?: unknown }).id !== 'string') {
      throw new TrustError('DidResolutionFailed', `${did}: every verificationMethod needs an id`);
    }
  }
  return doc as DidDocument;
}

export interface DidWebResolverOptions {
  fetch?: FetchLike;
  /** Fetch loopback DIDs (127.0.0.1, ::1, localhost) over plain HTTP; for local runs and tests. */
  allowHttpLoopback?: boolean;
  maxBytes?: number;
  timeoutMs?: number;
  cacheTtlMs?: number;
  maxCacheEntries?: number;
  clock?: Clock;
}

export interface DidWebResolver extends DidResolver {
  /** Forget cached documents (all, or one DID), e.g. after a key rotation was announced. */
  evict(did?: string): void;
}

/** Resolve did:web DIDs over HTTPS (HTTP only for loopback when allowed), with a TTL cache. */
export function createDidWebResolver(options: DidWebResolverOptions = {}): DidWebResolver {
  const maxBytes = options.maxBytes ?? 64 * 1024;
  const timeoutMs = options.timeoutMs ?? 5000;
  const ttl = options.cacheTtlMs ?? 5 * 60 * 1000;
  const maxEntries = options.maxCacheEntries ?? 1000;
  const clock = options.clock ?? systemClock;
  const allowHttpLoopback = options.allowHttpLoopback ?? false;
  const cache = new Map<string, { document: DidDocument; expiresAt: number }>();
  const inFlight = new Map<string, Promise<DidDocument>>();

  async function load(did: string): Promise<DidDocument> {
    const url = didWebToUrl(did, { allowHttpLoopback });
    assertFetchableUrl(url, allowHttpLoopback);
    const text = await fetchTextBounded(url, {
      fetch: options.fetch, allowHttpLoopback, maxBytes, timeoutMs,
      accept: 'application/did+json, application/json', failure: 'DidResolutionFailed', what: `resolving ${did}`,
    });
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (cause) {
      throw new TrustError('DidResolutionFailed', `the DID document of ${did} at ${url} is not JSON`, { cause });
    }
    const document = parseDidDocument(json, did);
    while (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
    cache.set(did, { document, expiresAt: clock().getTime() + ttl });
    return document;
  }

  return {
    async resolve(did: string): Promise<DidDocument> {
      parseDidWeb(did);
      const cached = cache.get(did);
      if (cached && cached.expiresAt > clock().getTime()) return cached.document;
      cache.delete(did);
      const pending = inFlight.get(did);
      if (pending) return pending;
      const promise = load(did).finally(() => inFlight.delete(did));
      inFlight.set(did, promise);
      return promise;
    },
    evict(did?: string): void {
      if (did === undefined) cache.clear();
      else cache.delete(did);
    },
  };
}

/** DID documents known locally (own anchors, participants of this cluster); resolved without network. */
export class LocalDidRegistry implements DidResolver {
  readonly #documents = new Map<string, DidDocument>();

  register(document: DidDocument): this {
    parseDidDocument(document, document.id);
    this.#documents.set(document.id, document);
    return this;
  }

  has(did: string): boolean {
    return this.#documents.has(did);
  }

  async resolve(did: string): Promise<DidDocument> {
    const document = this.#documents.get(did);
    if (!document) throw new TrustError('DidResolutionFailed', `${did} is not in the local DID registry`);
    return document;
  }
}

/** Resolve from the local registry first, then from the next resolver (e.g. did:web over HTTPS). */
export function chainDidResolvers(local: LocalDidRegistry, next?: DidResolver): DidResolver {
  return {
    resolve: (did) => (local.has(did) || !next ? local.resolve(did) : next.resolve(did)),
  };
}
