// Compact JWS for everything Musubi signs with JOSE (vc+jwt, vp+jwt, ID tokens, trust lists). jose does
// EdDSA and ES256; ES256K, which jose 6 dropped, takes the same shape by hand over the KeyPair's
// noble-curves signer. The key is always the caller's (resolved from a DID or pinned): embedded
// `jwk`/`jku`/`x5u`/`x5c` headers are never used, and `alg` must be the key's own algorithm.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { CompactSign, compactVerify, errors as joseErrors } from 'jose';
import { TrustError, describeError } from './errors.js';
import { JOSE_ALGS, type JoseAlg, type KeyPair, type VerificationKey } from './keys.js';

export const DEFAULT_MAX_JWS_BYTES = 64 * 1024;
const MAX_HEADER_BYTES = 4 * 1024;

export interface JwsHeader {
  alg: JoseAlg;
  kid: string;
  typ?: string;
  cty?: string;
}

export interface DecodedJws {
  header: JwsHeader & Record<string, unknown>;
  payload: Uint8Array;
  token: string;
}

/** Sign `payload` as a compact JWS with `typ` (and `cty`), kid = the key's kid. */
export async function signJws(payload: Uint8Array, header: { typ: string; cty?: string }, key: KeyPair): Promise<string> {
  const protectedHeader: JwsHeader & Record<string, unknown> = { alg: key.alg, kid: key.kid, typ: header.typ, ...(header.cty ? { cty: header.cty } : {}) };
  const joseKeys = key.joseKeys;
  if (joseKeys) return new CompactSign(payload).setProtectedHeader(protectedHeader).sign(joseKeys.privateKey);
  const signingInput = `${b64u(Buffer.from(JSON.stringify(protectedHeader)))}.${b64u(payload)}`;
  const signature = await key.sign(new TextEncoder().encode(signingInput));
  return `${signingInput}.${b64u(signature)}`;
}

function b64u(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

function fromB64u(part: string, what: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(part)) throw new TrustError('MalformedInput', `JWS ${what} is not base64url`);
  return new Uint8Array(Buffer.from(part, 'base64url'));
}

function normaliseTyp(typ: unknown): string | undefined {
  return typeof typ === 'string' ? typ.toLowerCase().replace(/^application\//, '') : undefined;
}

/**
 * Split and decode a compact JWS without checking the signature, enforcing the size limit first
 * (before any base64 or JSON work) and the expected `typ`.
 */
export function decodeJws(token: unknown, options: { typ: string; maxBytes?: number; what?: string }): DecodedJws {
  const what = options.what ?? options.typ;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_JWS_BYTES;
  if (typeof token !== 'string') throw new TrustError('MalformedInput', `${what} must be a compact JWS string`);
  if (token.length > maxBytes) {
    throw new TrustError('PayloadTooLarge', `${what} is ${token.length} bytes, more than the limit of ${maxBytes} bytes`);
  }
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => p.length === 0)) {
    throw new TrustError('MalformedInput', `${what} is not a compact JWS (three non-empty base64url parts separated by ".")`);
  }
  const [headerPart, payloadPart] = parts as [string, string, string];
  if (headerPart.length > MAX_HEADER_BYTES) throw new TrustError('PayloadTooLarge', `${what} protected header is larger than ${MAX_HEADER_BYTES} bytes`);
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(fromB64u(headerPart, 'header')).toString('utf8'));
  } catch (cause) {
    throw new TrustError('MalformedInput', `${what} protected header is not JSON`, { cause });
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new TrustError('MalformedInput', `${what} protected header must be a JSON object`);
  }
  const h = header as Record<string, unknown>;
  if (!JOSE_ALGS.includes(h.alg as JoseAlg)) {
    throw new TrustError('UnsupportedAlgorithm', `${what} alg ${JSON.stringify(h.alg)} is not accepted; use EdDSA, ES256 or ES256K`);
  }
  if (typeof h.kid !== 'string' || h.kid.length === 0) throw new TrustError('MalformedInput', `${what} protected header has no kid`);
  if (normaliseTyp(h.typ) !== options.typ) {
    throw new TrustError('MalformedInput', `${what} has typ ${JSON.stringify(h.typ)}; expected "${options.typ}"`);
  }
  if (h.crit !== undefined) throw new TrustError('MalformedInput', `${what} uses critical header parameters (crit), which are not supported`);
  if (h.b64 !== undefined) throw new TrustError('MalformedInput', `${what} uses the b64 header parameter, which is not supported`);
  return { header: h as JwsHeader & Record<string, unknown>, payload: fromB64u(payloadPart, 'payload'), token };
}

/** Parse the JWS payload as a JSON object. */
export function jsonPayload(decoded: DecodedJws, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(decoded.payload).toString('utf8'));
  } catch (cause) {
    throw new TrustError('MalformedInput', `${what} payload is not JSON`, { cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TrustError('MalformedInput', `${what} payload must be a JSON object`);
  return value as Record<string, unknown>;
}

// jose caches the CryptoKey it derives per key object; handing it the same KeyObject for the same JWK
// (instead of a fresh JWK literal) keeps that cache warm across verifications.
const joseKeys = new Map<string, KeyObject>();
const MAX_JOSE_KEYS = 1000;

function joseKeyOf(key: VerificationKey): KeyObject {
  const { kty, crv, x, y } = key.publicJwk;
  const id = `${crv}|${x}|${y ?? ''}`;
  let keyObject = joseKeys.get(id);
  if (!keyObject) {
    keyObject = createPublicKey({ key: { kty, crv, x, ...(y ? { y } : {}) }, format: 'jwk' });
    while (joseKeys.size >= MAX_JOSE_KEYS) joseKeys.delete(joseKeys.keys().next().value as string);
    joseKeys.set(id, keyObject);
  }
  return keyObject;
}

/** Check the signature of a decoded JWS with `key`; InvalidSignature when it does not verify. */
export async function verifyJwsSignature(decoded: DecodedJws, key: VerificationKey, what: string): Promise<void> {
  if (decoded.header.alg !== key.alg) {
    throw new TrustError('InvalidSignature', `${what} claims alg ${decoded.header.alg} but key ${key.kid} is ${key.alg}`);
  }
  if (key.alg === 'ES256K') {
    const [h, p, s] = decoded.token.split('.') as [string, string, string];
    const ok = await key.verify(new TextEncoder().encode(`${h}.${p}`), fromB64u(s, 'signature'));
    if (!ok) throw new TrustError('InvalidSignature', `${what} signature does not verify with key ${key.kid}`);
    return;
  }
  try {
    await compactVerify(decoded.token, joseKeyOf(key), { algorithms: [key.alg] });
  } catch (cause) {
    if (cause instanceof joseErrors.JWSSignatureVerificationFailed) {
      throw new TrustError('InvalidSignature', `${what} signature does not verify with key ${key.kid}`, { cause });
    }
    throw new TrustError('MalformedInput', `${what} is not a valid JWS: ${describeError(cause)}`, { cause });
  }
}
