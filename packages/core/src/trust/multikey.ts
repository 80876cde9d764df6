// Multikey (W3C Controlled Identifiers) encoding of public keys: multibase base58-btc ('z') over a
// multicodec prefix and the raw key. Written here rather than pulled from three key libraries because
// the whole format is a prefix table and a base58 codec.
import { p256 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { TrustError } from './errors.js';
import type { PublicJwk } from './keys.js';

const BASE58_ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const BASE58_INDEX = new Map([...BASE58_ALPHABET].map((c, i) => [c, i]));

// Multicodec varint prefixes: ed25519-pub 0xed, p256-pub 0x1200, secp256k1-pub 0xe7.
const PREFIX = {
  Ed25519: Uint8Array.of(0xed, 0x01),
  'P-256': Uint8Array.of(0x80, 0x24),
  secp256k1: Uint8Array.of(0xe7, 0x01),
} as const;

export function base58btcEncode(bytes: Uint8Array): string {
  let zeros = 0;
  while (zeros < bytes.length && bytes[zeros] === 0) zeros++;
  const digits: number[] = [];
  for (const byte of bytes) {
    let carry = byte;
    for (let i = 0; i < digits.length; i++) {
      carry += (digits[i] ?? 0) << 8;
      digits[i] = carry % 58;
      carry = Math.floor(carry / 58);
    }
    while (carry > 0) {
      digits.push(carry % 58);
      carry = Math.floor(carry / 58);
    }
  }
  return '1'.repeat(zeros) + digits.reverse().map((d) => BASE58_ALPHABET[d]).join('');
}

export function base58btcDecode(text: string): Uint8Array {
  if (text.length > 256) throw new TrustError('MalformedInput', 'base58 value is too long for a key');
  let zeros = 0;
  while (zeros < text.length && text[zeros] === '1') zeros++;
  const bytes: number[] = [];
  for (const char of text) {
    const value = BASE58_INDEX.get(char);
    if (value === undefined) throw new TrustError('MalformedInput', `"${char}" is not a base58 character`);
    let carry = value;
    for (let i = 0; i < bytes.length; i++) {
      carry += (bytes[i] ?? 0) * 58;
      bytes[i] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push(carry & 0xff);
      carry >>= 8;
    }
  }
  return Uint8Array.from([...new Array<number>(zeros).fill(0), ...bytes.reverse()]);
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

const b64u = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
const fromB64u = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64url'));

/** `publicKeyMultibase` of a public JWK. */
export function publicJwkToMultibase(jwk: PublicJwk): string {
  const x = fromB64u(jwk.x);
  if (jwk.crv === 'Ed25519') return 'z' + base58btcEncode(Uint8Array.from([...PREFIX.Ed25519, ...x]));
  const y = fromB64u(jwk.y ?? '');
  const uncompressed = Uint8Array.from([0x04, ...x, ...y]);
  const curve = jwk.crv === 'P-256' ? p256 : secp256k1;
  const compressed = curve.Point.fromBytes(uncompressed).toBytes(true);
  return 'z' + base58btcEncode(Uint8Array.from([...PREFIX[jwk.crv], ...compressed]));
}

/** Public JWK of a `publicKeyMultibase` value; refuses codecs other than Ed25519, P-256 and secp256k1. */
export function multibaseToPublicJwk(multibase: string): PublicJwk {
  if (!multibase.startsWith('z')) {
    throw new TrustError('MalformedInput', 'publicKeyMultibase must be base58-btc (start with "z")');
  }
  const bytes = base58btcDecode(multibase.slice(1));
  if (startsWith(bytes, PREFIX.Ed25519) && bytes.length === 34) {
    return { kty: 'OKP', crv: 'Ed25519', x: b64u(bytes.subarray(2)) };
  }
  for (const crv of ['P-256', 'secp256k1'] as const) {
    if (startsWith(bytes, PREFIX[crv]) && bytes.length === 35) {
      const curve = crv === 'P-256' ? p256 : secp256k1;
      let point;
      try {
        point = curve.Point.fromBytes(bytes.subarray(2));
      } catch (cause) {
        throw new TrustError('MalformedInput', `publicKeyMultibase is not a point on ${crv}`, { cause });
      }
      const uncompressed = point.toBytes(false);
      return { kty: 'EC', crv, x: b64u(uncompressed.subarray(1, 33)), y: b64u(uncompressed.subarray(33, 65)) };
    }
  }
  throw new TrustError('UnsupportedAlgorithm', 'publicKeyMultibase holds a key type other than Ed25519, P-256 or secp256k1');
}
