// Signed events: what a provider signs verifies against its DID document; an event altered on the way,
// signed with a key its DID document does not list, or by another DID is rejected with the reason.
import { LocalDidRegistry, buildDidDocument, createKeyResolver, generateKeyPair, type KeyPair } from '@musubi/core/trust';
import type { NotificationClaims } from '../store/records.js';
import { EventRejected, readEvent, signEvent, verifyEventSignature } from './events.js';

const PROVIDER = 'did:web:maker.example.jp';
const OTHER = 'did:web:other.example';

const claims: NotificationClaims = {
  iss: PROVIDER, aud: 'did:web:recycler.example.de', sub: 'urn:uuid:s1', jti: 'urn:uuid:e1', iat: 1_770_000_000, type: 'DatasetChanged', seq: 1,
  consumerSubscriptionId: 'urn:uuid:c1', agreementId: 'urn:uuid:a1', datasetId: 'pcf', changedAt: '2026-02-02T00:00:00.000Z', version: 'sha256:ab', trigger: 'content-digest',
};

describe('signed change events', () => {
  let key: KeyPair;
  let unlisted: KeyPair;
  let other: KeyPair;
  let keys: ReturnType<typeof createKeyResolver>;

  beforeAll(async () => {
    key = (await generateKeyPair({ algorithm: 'Ed25519' })).forDid(PROVIDER, 'key-1');
    unlisted = (await generateKeyPair({ algorithm: 'Ed25519' })).forDid(PROVIDER, 'key-2');
    other = (await generateKeyPair({ algorithm: 'ES256' })).forDid(OTHER, 'key-1');
    const registry = new LocalDidRegistry();
    registry.register(buildDidDocument({ did: PROVIDER, keys: [{ key }] }));
    registry.register(buildDidDocument({ did: OTHER, keys: [{ key: other }] }));
    keys = createKeyResolver(registry);
  });

  test('an event signed with the provider\'s listed key verifies, and reads back as signed', async () => {
    const jws = await signEvent(claims, key);
    const { decoded, claims: read } = readEvent(jws);
    expect(read).toEqual(claims);
    expect(decoded.header).toMatchObject({ alg: 'EdDSA', kid: `${PROVIDER}#key-1`, typ: 'musubi-event+jwt' });
    await expect(verifyEventSignature(decoded, PROVIDER, keys)).resolves.toBeUndefined();
  });

  test('a payload altered after signing does not verify', async () => {
    const [header, , signature] = (await signEvent(claims, key)).split('.');
    const forged = Buffer.from(JSON.stringify({ ...claims, version: 'sha256:forged' })).toString('base64url');
    const { decoded } = readEvent(`${header}.${forged}.${signature}`);
    await expect(verifyEventSignature(decoded, PROVIDER, keys)).rejects.toMatchObject({ code: 'InvalidSignature', status: 401, message: expect.stringContaining('does not verify') });
  });

  test('a key the provider\'s DID document does not list, or another DID\'s key, is refused', async () => {
    const withUnlisted = readEvent(await signEvent(claims, unlisted));
    await expect(verifyEventSignature(withUnlisted.decoded, PROVIDER, keys)).rejects.toMatchObject({ code: 'InvalidSignature', message: expect.stringContaining('does not list key') });
    const byOther = readEvent(await signEvent({ ...claims, iss: OTHER }, other));
    await expect(verifyEventSignature(byOther.decoded, PROVIDER, keys)).rejects.toMatchObject({ code: 'InvalidSignature', message: expect.stringContaining(`not of the provider ${PROVIDER}`) });
  });

  test('malformed events name what is wrong', async () => {
    expect(() => readEvent('not-a-jws')).toThrow(EventRejected);
    expect(() => readEvent(42)).toThrow('must be a compact JWS string');
    const jws = await signEvent({ ...claims, seq: 0 }, key);
    expect(() => readEvent(jws)).toThrow('the event claims are invalid: seq: ');
  });
});
