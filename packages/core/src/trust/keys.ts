// Signing keys of anchors, participants and employees. Ed25519 and P-256 use Node's OpenSSL through
// KeyObjects (also what `jose` signs with); secp256k1 (ES256K) is not in jose 6, so it is done with
// @noble/curves: an audited, dependency-free implementation that enforces low-S signatures on both
// signing and verification, which closes ECDSA malleability (a second valid signature over the same
// JWS) that OpenSSL's secp256k1 would accept, and behaves the same on runtimes whose OpenSSL build
// leaves the curve out.
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { inspect } from 'node:util';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { calculateJwkThumbprint } from 'jose';
import { JOSE_ALG, type KeyAlgorithm } from '../vocabulary/index.js';
import { TrustError } from './errors.js';

export type JoseAlg = 'EdDSA' | 'ES256' | 'ES256K';
export const JOSE_ALGS: readonly JoseAlg[] = ['EdDSA', 'ES256', 'ES256K'];
export type Curve = 'Ed25519' | 'P-256' | 'secp256k1';

export interface PublicJwk {
  kty: 'OKP' | 'EC';
  crv: Curve;
  x: string;
  y?: string;
  kid?: string;
  alg?: JoseAlg;
}

export interface PrivateJwk extends PublicJwk {
  d: string;
}

/** A public key able to check signatures; `kid` is how signers refer to it (a DID URL once bound to a DID). */
export interface VerificationKey {
  readonly kid: string;
  readonly alg: JoseAlg;
  readonly publicJwk: PublicJwk;
  verify(data: Uint8Array, signature: Uint8Array): Promise<boolean>;
}

/** Node KeyObjects for jose; absent for ES256K, which jose cannot use. */
export interface JoseKeys {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export interface KeyPair extends VerificationKey {
  /** RFC 7638 JWK thumbprint (SHA-256, base64url) of the public key. */
  readonly thumbprint: string;
  readonly joseKeys: JoseKeys | undefined;
  sign(data: Uint8Array): Promise<Uint8Array>;
  /** The same key under another key id, e.g. `did:web:example.com#<thumbprint>`. */
  withKid(kid: string): KeyPair;
  /** Same key, kid = `<did>#<fragment>` (fragment defaults to the thumbprint). */
  forDid(did: string, fragment?: string): KeyPair;
  /** The private JWK (with kid and alg) for storage in a Kubernetes Secret; the only way key material leaves. */
  exportPrivateJwk(): PrivateJwk;
}

const CURVE_OF: Record<JoseAlg, Curve> = { EdDSA: 'Ed25519', ES256: 'P-256', ES256K: 'secp256k1' };
const ALG_OF: Record<Curve, JoseAlg> = { Ed25519: 'EdDSA', 'P-256': 'ES256', secp256k1: 'ES256K' };

export function curveOf(alg: JoseAlg): Curve {
  return CURVE_OF[alg];
}

export function algOf(crv: Curve): JoseAlg {
  return ALG_OF[crv];
}

/** Accepts Musubi's Kubernetes-facing names (Ed25519, P-256, secp256k1) and JOSE names. */
/** A key algorithm by its Kubernetes-facing name (Ed25519, P-256, secp256k1) or its JOSE name. */
export type KeyAlgorithmInput = KeyAlgorithm | JoseAlg;

export function toJoseAlg(algorithm: KeyAlgorithmInput): JoseAlg {
  if ((JOSE_ALGS as readonly string[]).includes(algorithm)) return algorithm as JoseAlg;
  const alg: JoseAlg | undefined = JOSE_ALG[algorithm as KeyAlgorithm];
  if (!alg) throw new TrustError('UnsupportedAlgorithm', `unsupported key algorithm "${algorithm}"; use Ed25519, P-256 or secp256k1`);
  return alg;
}

function fromB64u(value: string, field: string, bytes: number): Uint8Array {
  if (!/^[A-Za-z0-9_-]+$/.test(value)) throw new TrustError('MalformedInput', `JWK ${field} must be base64url without padding`);
  const decoded = new Uint8Array(Buffer.from(value, 'base64url'));
  if (decoded.length !== bytes) throw new TrustError('MalformedInput', `JWK ${field} must be ${bytes} bytes, got ${decoded.length}`);
  return decoded;
}

/** Validate a public JWK's shape and return only its public members (never d). */
export function parsePublicJwk(input: unknown): PublicJwk {
  if (typeof input !== 'object' || input === null) throw new TrustError('MalformedInput', 'a JWK must be a JSON object');
  const jwk = input as Record<string, unknown>;
  const { kty, crv, x, y, kid } = jwk;
  if (crv !== 'Ed25519' && crv !== 'P-256' && crv !== 'secp256k1') {
    throw new TrustError('UnsupportedAlgorithm', `JWK crv must be Ed25519, P-256 or secp256k1, got ${JSON.stringify(crv)}`);
  }
  const expectedKty = crv === 'Ed25519' ? 'OKP' : 'EC';
  if (kty !== expectedKty) throw new TrustError('MalformedInput', `JWK kty must be ${expectedKty} for crv ${crv}, got ${JSON.stringify(kty)}`);
  if (typeof x !== 'string') throw new TrustError('MalformedInput', 'JWK x is missing');
  fromB64u(x, 'x', 32);
  const result: PublicJwk = { kty: expectedKty, crv, x };
  if (expectedKty === 'EC') {
    if (typeof y !== 'string') throw new TrustError('MalformedInput', `JWK y is missing; ${crv} keys need x and y`);
    fromB64u(y, 'y', 32);
    result.y = y;
  } else if (y !== undefined) {
    throw new TrustError('MalformedInput', 'JWK y must not be set for an OKP key');
  }
  if (jwk.alg !== undefined && jwk.alg !== ALG_OF[crv]) {
    throw new TrustError('UnsupportedAlgorithm', `JWK alg ${JSON.stringify(jwk.alg)} does not fit crv ${crv} (expected ${ALG_OF[crv]})`);
  }
  if (typeof kid === 'string') result.kid = kid;
  return result;
}

function secp256k1Point(jwk: PublicJwk): Uint8Array {
  const point = Uint8Array.from([0x04, ...fromB64u(jwk.x, 'x', 32), ...fromB64u(jwk.y ?? '', 'y', 32)]);
  try {
    secp256k1.Point.fromBytes(point).assertValidity();
  } catch (cause) {
    throw new TrustError('MalformedInput', 'JWK x/y is not a point on secp256k1', { cause });
  }
  return point;
}

function nodePublicKey(jwk: PublicJwk): KeyObject {
  try {
    return createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, ...(jwk.y ? { y: jwk.y } : {}) }, format: 'jwk' });
  } catch (cause) {
    throw new TrustError('MalformedInput', `JWK is not a valid ${jwk.crv} public key`, { cause });
  }
}

/** Check a signature in JOSE form: Ed25519 raw, ECDSA as r||s (IEEE P1363), as JWS uses them. */
function verifier(jwk: PublicJwk): (data: Uint8Array, signature: Uint8Array) => boolean {
  if (jwk.crv === 'secp256k1') {
    const point = secp256k1Point(jwk);
    return (data, signature) => {
      if (signature.length !== 64) return false;
      try {
        return secp256k1.verify(signature, data, point, { lowS: true, prehash: true });
      } catch {
        return false;
      }
    };
  }
  const key = nodePublicKey(jwk);
  if (jwk.crv === 'Ed25519') return (data, signature) => signature.length === 64 && nodeVerify(null, data, key, signature);
  return (data, signature) => signature.length === 64 && nodeVerify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature);
}

class PublicVerificationKey implements VerificationKey {
  readonly alg: JoseAlg;
  readonly #verify: (data: Uint8Array, signature: Uint8Array) => boolean;

  constructor(
    readonly kid: string,
    readonly publicJwk: PublicJwk,
  ) {
    this.alg = ALG_OF[publicJwk.crv];
    this.#verify = verifier(publicJwk);
  }

  async verify(data: Uint8Array, signature: Uint8Array): Promise<boolean> {
    return this.#verify(data, signature);
  }
}

/** A verification key from a public JWK; kid defaults to the JWK's kid, then its thumbprint. */
export async function importPublicKey(jwk: unknown, kid?: string): Promise<VerificationKey> {
  const parsed = parsePublicJwk(jwk);
  const { kid: jwkKid, ...bare } = parsed;
  return new PublicVerificationKey(kid ?? jwkKid ?? (await thumbprintOf(bare)), bare);
}

export async function thumbprintOf(jwk: PublicJwk): Promise<string> {
  const members = jwk.kty === 'OKP' ? { kty: jwk.kty, crv: jwk.crv, x: jwk.x } : { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
  return calculateJwkThumbprint(members, 'sha256');
}

type PrivateMaterial = { kind: 'node'; privateKey: KeyObject; publicKey: KeyObject } | { kind: 'noble'; secretKey: Uint8Array };

const REDACTED = '[REDACTED]';

class SigningKeyPair implements KeyPair {
  readonly alg: JoseAlg;
  readonly #material: PrivateMaterial;
  readonly #publicKey: PublicVerificationKey;

  constructor(
    readonly kid: string,
    readonly thumbprint: string,
    readonly publicJwk: PublicJwk,
    material: PrivateMaterial,
  ) {
    this.alg = ALG_OF[publicJwk.crv];
    this.#material = material;
    this.#publicKey = new PublicVerificationKey(kid, publicJwk);
  }

  get joseKeys(): JoseKeys | undefined {
    const material = this.#material;
    return material.kind === 'node' ? { privateKey: material.privateKey, publicKey: material.publicKey } : undefined;
  }

  async sign(data: Uint8Array): Promise<Uint8Array> {
    const material = this.#material;
    if (material.kind === 'noble') return secp256k1.sign(data, material.secretKey, { lowS: true, prehash: true, format: 'compact' });
    if (this.alg === 'EdDSA') return new Uint8Array(nodeSign(null, data, material.privateKey));
    return new Uint8Array(nodeSign('sha256', data, { key: material.privateKey, dsaEncoding: 'ieee-p1363' }));
  }

  verify(data: Uint8Array, signature: Uint8Array): Promise<boolean> {
    return this.#publicKey.verify(data, signature);
  }

  withKid(kid: string): KeyPair {
    return new SigningKeyPair(kid, this.thumbprint, this.publicJwk, this.#material);
  }

  forDid(did: string, fragment = this.thumbprint): KeyPair {
    return this.withKid(`${did}#${fragment}`);
  }

  exportPrivateJwk(): PrivateJwk {
    const material = this.#material;
    const d =
      material.kind === 'noble'
        ? Buffer.from(material.secretKey).toString('base64url')
        : String((material.privateKey.export({ format: 'jwk' }) as { d?: string }).d);
    return { ...this.publicJwk, d, kid: this.kid, alg: this.alg };
  }

  toJSON(): { kid: string; alg: JoseAlg; publicJwk: PublicJwk; privateKey: string } {
    return { kid: this.kid, alg: this.alg, publicJwk: this.publicJwk, privateKey: REDACTED };
  }

  toString(): string {
    return `KeyPair(${this.alg}, kid=${this.kid}, private key ${REDACTED})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/** Generate a key pair: Ed25519 (EdDSA) unless asked otherwise. kid defaults to the JWK thumbprint. */
export async function generateKeyPair(options: { algorithm?: KeyAlgorithmInput; kid?: string } = {}): Promise<KeyPair> {
  const alg = toJoseAlg(options.algorithm ?? 'Ed25519');
  if (alg === 'ES256K') {
    const secretKey = secp256k1.utils.randomSecretKey();
    return fromSecp256k1Secret(secretKey, options.kid);
  }
  const { privateKey, publicKey } = alg === 'EdDSA' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return fromNodeKeys(privateKey, publicKey, options.kid);
}

async function fromNodeKeys(privateKey: KeyObject, publicKey: KeyObject, kid: string | undefined): Promise<KeyPair> {
  const exported = publicKey.export({ format: 'jwk' });
  const publicJwk = parsePublicJwk(exported);
  const thumbprint = await thumbprintOf(publicJwk);
  return new SigningKeyPair(kid ?? thumbprint, thumbprint, publicJwk, { kind: 'node', privateKey, publicKey });
}

async function fromSecp256k1Secret(secretKey: Uint8Array, kid: string | undefined): Promise<KeyPair> {
  const point = secp256k1.getPublicKey(secretKey, false);
  const publicJwk: PublicJwk = {
    kty: 'EC',
    crv: 'secp256k1',
    x: Buffer.from(point.subarray(1, 33)).toString('base64url'),
    y: Buffer.from(point.subarray(33, 65)).toString('base64url'),
  };
  const thumbprint = await thumbprintOf(publicJwk);
  return new SigningKeyPair(kid ?? thumbprint, thumbprint, publicJwk, { kind: 'noble', secretKey });
}

/**
 * A key pair from a stored private JWK (as written by exportPrivateJwk). Refuses a JWK whose d does not
 * belong to its x/y, so a Secret edited by hand cannot pair one key's public half with another's private.
 */
export async function importKeyPair(input: unknown, kid?: string): Promise<KeyPair> {
  const publicJwk = parsePublicJwk(input);
  const d = (input as { d?: unknown }).d;
  if (typeof d !== 'string') throw new TrustError('MalformedInput', 'the stored JWK has no private key (d); expected a private JWK');
  const secret = fromB64u(d, 'd', 32);
  const useKid = kid ?? publicJwk.kid;
  let pair: KeyPair;
  if (publicJwk.crv === 'secp256k1') {
    try {
      pair = await fromSecp256k1Secret(secret, useKid);
    } catch (cause) {
      throw new TrustError('MalformedInput', 'the stored JWK d is not a valid secp256k1 private key', { cause });
    }
  } else {
    let privateKey: KeyObject;
    try {
      privateKey = createPrivateKey({ key: { kty: publicJwk.kty, crv: publicJwk.crv, x: publicJwk.x, ...(publicJwk.y ? { y: publicJwk.y } : {}), d }, format: 'jwk' });
    } catch (cause) {
      throw new TrustError('MalformedInput', `the stored JWK is not a valid ${publicJwk.crv} private key`, { cause });
    }
    pair = await fromNodeKeys(privateKey, createPublicKey(privateKey), useKid);
  }
  // Node takes x/y of an EC JWK as given, so the pairing is proven by a signature, not by comparing x/y.
  const probe = randomBytes(32);
  if (pair.publicJwk.x !== publicJwk.x || pair.publicJwk.y !== publicJwk.y || !verifier(publicJwk)(probe, await pair.sign(probe))) {
    throw new TrustError('MalformedInput', 'the stored JWK is inconsistent: its public part (x/y) does not belong to its private key (d)');
  }
  return pair;
}
