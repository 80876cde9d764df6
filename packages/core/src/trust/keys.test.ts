import { inspect } from 'node:util';
import { CompactSign, compactVerify, importJWK } from 'jose';
import { generateKeyPair, importKeyPair, importPublicKey, parsePublicJwk, type KeyPair } from './keys.js';
import { multibaseToPublicJwk, publicJwkToMultibase } from './multikey.js';
import { decodeJws, signJws, verifyJwsSignature } from './jws.js';

const data = new TextEncoder().encode('musubi');
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

describe('key pairs', () => {
  test.each(['Ed25519', 'P-256', 'secp256k1'] as const)('%s: sign, verify, store as JWK and load again', async (algorithm) => {
    const key = await generateKeyPair({ algorithm });
    expect(key.alg).toBe({ Ed25519: 'EdDSA', 'P-256': 'ES256', secp256k1: 'ES256K' }[algorithm]);
    expect(key.kid).toBe(key.thumbprint);
    const signature = await key.sign(data);
    expect(signature).toHaveLength(64);
    await expect(key.verify(data, signature)).resolves.toBe(true);
    await expect(key.verify(new TextEncoder().encode('other'), signature)).resolves.toBe(false);

    const stored = JSON.parse(JSON.stringify(key.forDid('did:web:a.example').exportPrivateJwk()));
    const loaded = await importKeyPair(stored);
    expect(loaded.kid).toBe(`did:web:a.example#${key.thumbprint}`);
    expect(loaded.publicJwk).toEqual(key.publicJwk);
    await expect(key.verify(data, await loaded.sign(data))).resolves.toBe(true);

    const publicOnly = await importPublicKey(key.publicJwk, 'k');
    await expect(publicOnly.verify(data, signature)).resolves.toBe(true);
    expect(multibaseToPublicJwk(publicJwkToMultibase(key.publicJwk))).toEqual(key.publicJwk);
  });

  test('Ed25519 is the default', async () => {
    expect((await generateKeyPair()).alg).toBe('EdDSA');
  });

  test('private keys never appear in JSON, toString or inspect output', async () => {
    for (const algorithm of ['Ed25519', 'P-256', 'secp256k1'] as const) {
      const key = await generateKeyPair({ algorithm });
      const { d } = key.exportPrivateJwk();
      const outputs = [JSON.stringify(key), String(key), `${key}`, inspect(key, { depth: 10, showHidden: true }), inspect({ nested: key }), JSON.stringify({ key })];
      for (const output of outputs) {
        expect(output).not.toContain(d);
        expect(output).toContain(key.kid);
      }
      expect(JSON.parse(JSON.stringify(key))).toEqual({ kid: key.kid, alg: key.alg, publicJwk: key.publicJwk, privateKey: '[REDACTED]' });
      expect(Object.keys(key)).not.toContain('d');
    }
  });

  test('a stored JWK whose private part does not belong to its public part is refused', async () => {
    for (const algorithm of ['Ed25519', 'P-256', 'secp256k1'] as const) {
      const a = (await generateKeyPair({ algorithm })).exportPrivateJwk();
      const b = (await generateKeyPair({ algorithm })).exportPrivateJwk();
      await expect(importKeyPair({ ...a, d: b.d })).rejects.toMatchObject({ reason: 'MalformedInput', message: expect.stringContaining('inconsistent') });
    }
  });

  test('bad JWKs are refused with the field named', async () => {
    expect(() => parsePublicJwk({ kty: 'OKP', crv: 'X25519', x: 'AA' })).toThrow(/crv must be Ed25519, P-256 or secp256k1/);
    expect(() => parsePublicJwk({ kty: 'EC', crv: 'Ed25519', x: 'AA' })).toThrow(/kty must be OKP/);
    expect(() => parsePublicJwk({ kty: 'EC', crv: 'P-256', x: Buffer.alloc(32).toString('base64url') })).toThrow(/y is missing/);
    expect(() => parsePublicJwk({ kty: 'OKP', crv: 'Ed25519', x: 'abc' })).toThrow(/x must be 32 bytes/);
    await expect(importKeyPair({ kty: 'OKP', crv: 'Ed25519', x: Buffer.alloc(32).toString('base64url') })).rejects.toThrow(/no private key/);
    await expect(generateKeyPair({ algorithm: 'RSA' as never })).rejects.toMatchObject({ reason: 'UnsupportedAlgorithm' });
  });

  test('ES256K refuses a high-S twin of a valid signature (no malleability)', async () => {
    const key = await generateKeyPair({ algorithm: 'secp256k1' });
    const signature = await key.sign(data);
    const r = signature.subarray(0, 32);
    const s = BigInt(`0x${Buffer.from(signature.subarray(32)).toString('hex')}`);
    const twin = Uint8Array.from([...r, ...Buffer.from((SECP256K1_N - s).toString(16).padStart(64, '0'), 'hex')]);
    await expect(key.verify(data, signature)).resolves.toBe(true);
    await expect(key.verify(data, twin)).resolves.toBe(false);
  });
});

describe('JWS', () => {
  async function roundTrip(key: KeyPair): Promise<string> {
    const token = await signJws(data, { typ: 'test+jwt' }, key);
    const decoded = decodeJws(token, { typ: 'test+jwt' });
    await verifyJwsSignature(decoded, key, 'test token');
    return token;
  }

  test.each(['Ed25519', 'P-256', 'secp256k1'] as const)('%s JWS signs and verifies; the header names alg and kid', async (algorithm) => {
    const key = await generateKeyPair({ algorithm });
    const token = await roundTrip(key);
    expect(decodeJws(token, { typ: 'test+jwt' }).header).toMatchObject({ alg: key.alg, kid: key.kid, typ: 'test+jwt' });
  });

  test('EdDSA and ES256 tokens are ordinary jose JWS (interoperable both ways)', async () => {
    for (const algorithm of ['Ed25519', 'P-256'] as const) {
      const key = await generateKeyPair({ algorithm });
      const ours = await signJws(data, { typ: 'test+jwt' }, key);
      await expect(compactVerify(ours, await importJWK({ ...key.publicJwk, alg: key.alg }, key.alg))).resolves.toBeDefined();
      const theirs = await new CompactSign(data).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'test+jwt' }).sign(key.joseKeys!.privateKey);
      await verifyJwsSignature(decodeJws(theirs, { typ: 'test+jwt' }), key, 'jose token');
    }
  });

  test('refuses alg confusion, wrong typ, crit and oversized tokens', async () => {
    const ed = await generateKeyPair();
    const p256 = await generateKeyPair({ algorithm: 'P-256' });
    const token = await signJws(data, { typ: 'test+jwt' }, ed);
    await expect(verifyJwsSignature(decodeJws(token, { typ: 'test+jwt' }), p256, 't')).rejects.toMatchObject({ reason: 'InvalidSignature' });
    expect(() => decodeJws(token, { typ: 'vc+jwt' })).toThrow(/expected "vc\+jwt"/);
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid: 'k', typ: 'test+jwt' })).toString('base64url')}.${Buffer.from('{}').toString('base64url')}.x`;
    expect(() => decodeJws(none, { typ: 'test+jwt' })).toThrow(expect.objectContaining({ reason: 'UnsupportedAlgorithm' }));
    const crit = `${Buffer.from(JSON.stringify({ alg: 'EdDSA', kid: 'k', typ: 'test+jwt', crit: ['exp'] })).toString('base64url')}.e30.x`;
    expect(() => decodeJws(crit, { typ: 'test+jwt' })).toThrow(/crit/);
    expect(() => decodeJws('a'.repeat(100), { typ: 'test+jwt', maxBytes: 50 })).toThrow(expect.objectContaining({ reason: 'PayloadTooLarge' }));
    const es256k = await generateKeyPair({ algorithm: 'secp256k1' });
    const k = await signJws(data, { typ: 'test+jwt' }, es256k);
    const [h, , s] = k.split('.');
    const forged = `${h}.${Buffer.from('forged').toString('base64url')}.${s}`;
    await expect(verifyJwsSignature(decodeJws(forged, { typ: 'test+jwt' }), es256k, 't')).rejects.toMatchObject({ reason: 'InvalidSignature' });
  });
});
