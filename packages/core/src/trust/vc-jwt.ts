// VC-JOSE-COSE: credentials as `vc+jwt` (the JWS payload is the credential itself) and presentations as
// `vp+jwt`, bound to the verifier by `aud` (its DID, the "domain") and `nonce` (its challenge). A
// credential inside a presentation travels as an EnvelopedVerifiableCredential data: URL.
import { TrustError } from './errors.js';
import { decodeJws, jsonPayload, signJws, verifyJwsSignature } from './jws.js';
import { splitDidUrl, type KeyResolver } from './key-resolver.js';
import type { KeyPair } from './keys.js';
import {
  CREDENTIALS_V2_CONTEXT, assertCredentialTimely, describeCredential, issuerOf, parseCredential, parsePresentation,
  type Credential, type Presentation,
} from './credential.js';
import { DEFAULT_CLOCK_SKEW_SECONDS, assertWithinValidity, epochSeconds, systemClock, type Clock } from './time.js';

export const DEFAULT_MAX_CREDENTIAL_BYTES = 64 * 1024;
export const DEFAULT_MAX_PRESENTATION_BYTES = 512 * 1024;
export const MAX_PRESENTATION_LIFETIME_SECONDS = 300;
export const ENVELOPED_VC_JWT_PREFIX = 'data:application/vc+jwt,';

const encoder = new TextEncoder();

export interface VerifiedCredential {
  format: 'vc+jwt' | 'eddsa-rdfc-2022';
  credential: Credential;
  issuer: string;
  /** Key that signed it (DID URL). */
  kid: string;
}

export interface CredentialVerificationOptions {
  keys: KeyResolver;
  clock?: Clock;
  clockSkewSeconds?: number;
  maxBytes?: number;
}

function didOfKey(key: KeyPair): string {
  return splitDidUrl(key.kid).did;
}

/** Sign `credential` as a vc+jwt with the issuer's key (kid must be a DID URL of the credential's issuer). */
export async function issueCredentialJwt(credential: Credential, issuerKey: KeyPair): Promise<string> {
  const parsed = parseCredential(credential);
  if (parsed.proof !== undefined) throw new TrustError('MalformedInput', 'credential already has a Data Integrity proof; a vc+jwt carries the unsecured credential');
  if (didOfKey(issuerKey) !== issuerOf(parsed)) {
    throw new TrustError('WrongIssuerKey', `credential issuer is ${issuerOf(parsed)} but the key ${issuerKey.kid} belongs to ${didOfKey(issuerKey)}`);
  }
  return signJws(encoder.encode(JSON.stringify(parsed)), { typ: 'vc+jwt', cty: 'vc' }, issuerKey);
}

function numericClaim(payload: Record<string, unknown>, claim: string, what: string): Date | undefined {
  const value = payload[claim];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TrustError('MalformedInput', `${what} claim ${claim} must be a number of seconds`);
  return new Date(value * 1000);
}

/** Verify a vc+jwt: size, header, issuer key (assertionMethod of the issuer's DID), signature, validity. */
export async function verifyCredentialJwt(jwt: string, options: CredentialVerificationOptions): Promise<VerifiedCredential> {
  const decoded = decodeJws(jwt, { typ: 'vc+jwt', maxBytes: options.maxBytes ?? DEFAULT_MAX_CREDENTIAL_BYTES, what: 'credential (vc+jwt)' });
  const payload = jsonPayload(decoded, 'credential (vc+jwt)');
  const credential = parseCredential(payload);
  const issuer = issuerOf(credential);
  const { kid } = decoded.header;
  if (splitDidUrl(kid).did !== issuer) {
    throw new TrustError('WrongIssuerKey', `credential ${describeCredential(credential)} is signed with ${kid}, a key of another DID than its issuer`);
  }
  const key = await options.keys.resolveKey(kid, 'assertionMethod');
  await verifyJwsSignature(decoded, key, `credential ${describeCredential(credential)}`);
  if (payload.iss !== undefined && payload.iss !== issuer) throw new TrustError('MalformedInput', `credential JWT iss ${String(payload.iss)} differs from its issuer ${issuer}`);
  const now = (options.clock ?? systemClock)();
  assertWithinValidity(
    `credential ${describeCredential(credential)}`,
    { validFrom: numericClaim(payload, 'nbf', 'credential'), validUntil: numericClaim(payload, 'exp', 'credential') },
    now,
    options.clockSkewSeconds,
  );
  assertCredentialTimely(credential, now, options.clockSkewSeconds);
  return { format: 'vc+jwt', credential, issuer, kid };
}

export interface PresentationJwtInput {
  holderKey: KeyPair;
  /** vc+jwt credentials to present. */
  credentials: string[];
  /** The verifier's DID (domain). */
  audience: string;
  /** The verifier's challenge. */
  nonce: string;
  clock?: Clock;
  lifetimeSeconds?: number;
  id?: string;
}

/** A vp+jwt presenting `credentials`, signed with the holder's authentication key. */
export async function createPresentationJwt(input: PresentationJwtInput): Promise<string> {
  const lifetime = input.lifetimeSeconds ?? MAX_PRESENTATION_LIFETIME_SECONDS;
  if (lifetime <= 0 || lifetime > MAX_PRESENTATION_LIFETIME_SECONDS) {
    throw new TrustError('TokenLifetimeTooLong', `presentation lifetime must be 1..${MAX_PRESENTATION_LIFETIME_SECONDS} s, got ${lifetime}`);
  }
  if (!input.nonce) throw new TrustError('MalformedInput', 'a presentation needs the verifier\'s nonce (challenge)');
  const iat = epochSeconds((input.clock ?? systemClock)());
  const presentation: Presentation & Record<string, unknown> = {
    '@context': [CREDENTIALS_V2_CONTEXT],
    ...(input.id ? { id: input.id } : {}),
    type: ['VerifiablePresentation'],
    holder: didOfKey(input.holderKey),
    verifiableCredential: input.credentials.map((jwt) => ({
      '@context': CREDENTIALS_V2_CONTEXT,
      id: `${ENVELOPED_VC_JWT_PREFIX}${jwt}`,
      type: 'EnvelopedVerifiableCredential',
    })),
    aud: input.audience,
    nonce: input.nonce,
    iat,
    exp: iat + lifetime,
  };
  return signJws(encoder.encode(JSON.stringify(presentation)), { typ: 'vp+jwt', cty: 'vp' }, input.holderKey);
}

export interface VerifiedPresentationJwt {
  holder: string;
  kid: string;
  presentation: Presentation;
  /** The vc+jwt credentials it carries (not yet verified). */
  credentialJwts: string[];
}

export interface PresentationVerificationOptions {
  keys: KeyResolver;
  /** This verifier's DID; the presentation's aud must name it. */
  audience: string;
  /** The challenge this verifier issued. */
  nonce: string;
  clock?: Clock;
  clockSkewSeconds?: number;
  maxBytes?: number;
}

/** Verify a vp+jwt's envelope: holder key (authentication), signature, audience, nonce, lifetime. */
export async function verifyPresentationJwt(jwt: string, options: PresentationVerificationOptions): Promise<VerifiedPresentationJwt> {
  const what = 'presentation (vp+jwt)';
  const decoded = decodeJws(jwt, { typ: 'vp+jwt', maxBytes: options.maxBytes ?? DEFAULT_MAX_PRESENTATION_BYTES, what });
  const payload = jsonPayload(decoded, what);
  const presentation = parsePresentation(payload);
  const holder = presentation.holder;
  if (!holder) throw new TrustError('MalformedInput', `${what} has no holder`);
  const { kid } = decoded.header;
  if (splitDidUrl(kid).did !== holder) {
    throw new TrustError('HolderMismatch', `${what} names holder ${holder} but is signed by ${kid}, a key of another DID`);
  }
  const key = await options.keys.resolveKey(kid, 'authentication');
  await verifyJwsSignature(decoded, key, what);
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!audiences.includes(options.audience)) {
    throw new TrustError('WrongAudience', `${what} is addressed to ${JSON.stringify(payload.aud)?.slice(0, 200)}, not to this verifier ${options.audience}`);
  }
  if (payload.nonce !== options.nonce) throw new TrustError('WrongChallenge', `${what} answers another challenge (nonce) than the one this verifier issued`);
  const iat = numericClaim(payload, 'iat', what);
  const exp = numericClaim(payload, 'exp', what);
  if (!iat || !exp) throw new TrustError('MalformedInput', `${what} needs iat and exp`);
  if (exp.getTime() - iat.getTime() > MAX_PRESENTATION_LIFETIME_SECONDS * 1000) {
    throw new TrustError('TokenLifetimeTooLong', `${what} is valid for more than ${MAX_PRESENTATION_LIFETIME_SECONDS} s`);
  }
  const now = (options.clock ?? systemClock)();
  const skew = options.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS;
  assertWithinValidity(what, { validFrom: iat, validUntil: exp }, now, skew);
  const credentialJwts = (presentation.verifiableCredential ?? []).map((entry, i) => {
    const envelope = entry as { type?: unknown; id?: unknown };
    const types = Array.isArray(envelope.type) ? envelope.type : [envelope.type];
    if (!types.includes('EnvelopedVerifiableCredential') || typeof envelope.id !== 'string' || !envelope.id.startsWith(ENVELOPED_VC_JWT_PREFIX)) {
      throw new TrustError('MalformedInput', `${what}.verifiableCredential[${i}] must be an EnvelopedVerifiableCredential whose id is a ${ENVELOPED_VC_JWT_PREFIX}… URL`);
    }
    return envelope.id.slice(ENVELOPED_VC_JWT_PREFIX.length);
  });
  return { holder, kid, presentation, credentialJwts };
}
