// Verifying one credential as the services receive it (a vc+jwt string, an EnvelopedVerifiableCredential,
// or a Data Integrity object): VC Data Model and JSON-LD rules, the issuing anchor trusted (own, or
// recognised and fresh) for anchor-issued types, the proof with the right key, validity, the Musubi
// subject schema, and every status entry. The first failure is thrown as a TrustError with its reason.
import {
  ENVELOPED_VC_JWT_PREFIX, TrustError, checkCredentialStatus, createDocumentLoader, createHttpStatusListFetcher, createStatusListResolver,
  decodeJws, issuerOf, musubiTypeOf, parseCredential, parseTypedCredential, verifyCredentialAnyFormat,
  type Clock, type Credential, type KeyResolver, type StatusCheck, type StatusListResolver, type TrustStore, type TrustedAnchor,
  type TypedCredential, type VerifiedCredential,
} from '@musubi/core/trust';
import type { StatusRegistry } from '../status/status-registry.js';
import { assertCredentialDataModel, assertEnvelopedCredential, assertJsonLd } from '../vcdm/index.js';

export const ANCHOR_ISSUED_TYPES: ReadonlySet<string> = new Set(['LegalPersonCredential', 'DataspaceMembershipCredential']);

export interface VerificationContext {
  /** The current trust store (own anchor + recognised anchors); it changes as recognitions refresh. */
  trustStore: () => Promise<TrustStore>;
  /** DID-document key resolution for everyone who is not an anchor. */
  didKeys: KeyResolver;
  statusLists: StatusListResolver;
  clock: Clock;
}

export interface CredentialVerdict {
  verified: VerifiedCredential;
  typed?: TypedCredential;
  anchor?: TrustedAnchor;
  status: StatusCheck[];
}

export type RawCredential = { format: 'vc+jwt'; jwt: string } | { format: 'eddsa-rdfc-2022'; document: Record<string, unknown> };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Which securing format a received credential uses, and its secured form. */
export function readRawCredential(input: unknown, field: string): RawCredential {
  if (typeof input === 'string') {
    const jwt = input.startsWith(ENVELOPED_VC_JWT_PREFIX) ? input.slice(ENVELOPED_VC_JWT_PREFIX.length) : input;
    return { format: 'vc+jwt', jwt };
  }
  if (!isObject(input)) throw new TrustError('MalformedInput', `${field} must be a credential object, an EnvelopedVerifiableCredential or a vc+jwt string`);
  const types = Array.isArray(input.type) ? input.type : [input.type];
  if (types.includes('EnvelopedVerifiableCredential')) return { format: 'vc+jwt', jwt: assertEnvelopedCredential(input, field) };
  if (input.proof === undefined) throw new TrustError('MalformedInput', `${field}.proof is missing: the credential is not secured`);
  return { format: 'eddsa-rdfc-2022', document: input };
}

/** The unverified credential inside, to check its shape and pick its keys before the proof is checked. */
export function peekCredential(raw: RawCredential, field: string): Record<string, unknown> {
  if (raw.format === 'eddsa-rdfc-2022') return raw.document;
  const decoded = decodeJws(raw.jwt, { typ: 'vc+jwt', what: field });
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(decoded.payload).toString('utf8'));
  } catch (cause) {
    throw new TrustError('MalformedInput', `${field} payload is not JSON`, { cause });
  }
  if (!isObject(payload)) throw new TrustError('MalformedInput', `${field} payload must be a JSON object`);
  return payload;
}

export async function verifyCredential(input: unknown, context: VerificationContext, field = 'verifiableCredential'): Promise<CredentialVerdict> {
  const raw = readRawCredential(input, field);
  const claimed = peekCredential(raw, field);
  assertCredentialDataModel(claimed, field);
  const trustStore = await context.trustStore();
  const keys = trustStore.keyResolver(context.didKeys);
  const documentLoader = createDocumentLoader({ keys });
  await assertJsonLd(claimed, field, documentLoader);
  const credential: Credential = parseCredential(claimed, field);
  const type = musubiTypeOf(credential);
  // Decided before any key is fetched: a credential from an unknown anchor costs no network.
  const anchor = (type && ANCHOR_ISSUED_TYPES.has(type)) || trustStore.isAnchor(issuerOf(credential)) ? trustStore.assertAcceptable(issuerOf(credential)) : undefined;
  const verified = await verifyCredentialAnyFormat(raw.format === 'vc+jwt' ? raw.jwt : raw.document, { keys, documentLoader, clock: context.clock });
  const typed = parseTypedCredential(verified.credential);
  const status = await checkCredentialStatus(verified.credential, context.statusLists);
  return { verified, ...(typed ? { typed } : {}), ...(anchor ? { anchor } : {}), status };
}

/**
 * Status lists: this service's own lists are read from its registry on every check (a revocation is seen
 * at once); other issuers' lists are fetched over HTTPS and verified like any credential, cached briefly.
 */
export function createStatusListResolverFor(options: {
  own?: StatusRegistry;
  trustStore: () => Promise<TrustStore>;
  didKeys: KeyResolver;
  clock: Clock;
  allowHttpLoopback: boolean;
  cacheTtlMs?: number;
}): StatusListResolver {
  const verify = async (raw: string | object): Promise<VerifiedCredential> =>
    verifyCredentialAnyFormat(raw, { keys: (await options.trustStore()).keyResolver(options.didKeys), clock: options.clock });
  const remote = createStatusListResolver({
    fetch: createHttpStatusListFetcher({ allowHttpLoopback: options.allowHttpLoopback }),
    verify,
    clock: options.clock,
    cacheTtlMs: options.cacheTtlMs ?? 30_000,
  });
  const own = options.own;
  if (!own) return remote;
  const local = createStatusListResolver({ fetch: (url) => own.publication(url), verify, clock: options.clock, cacheTtlMs: 0 });
  return (url) => (own.has(url) ? local(url) : remote(url));
}
