import { createPresentationJwt, issueCredentialJwt, verifyCredentialJwt, verifyPresentationJwt } from './vc-jwt.js';
import { decodeJws } from './jws.js';
import { DAY, DID, createWorld } from './test-fixtures.js';

describe('vc+jwt credentials', () => {
  test.each(['acme', 'euAnchor', 'taro'] as const)('issued with the %s key verifies; header and payload follow VC-JOSE-COSE', async (who) => {
    const world = await createWorld();
    const key = world.keys[who];
    const issuer = key.kid.split('#')[0] as string;
    if (who === 'euAnchor') world.registry.register((await import('./did-web.js')).buildDidDocument({ did: issuer, keys: [{ key }] }));
    const { buildDataspaceMembershipCredential } = await import('./credential-types.js');
    const credential = buildDataspaceMembershipCredential({ issuer, validFrom: world.time.now, subject: { id: DID.acme, dataspace: 'ds', since: world.time.now.toISOString() } });
    const jwt = await issueCredentialJwt(credential, key);
    const decoded = decodeJws(jwt, { typ: 'vc+jwt' });
    expect(decoded.header).toEqual({ alg: key.alg, kid: key.kid, typ: 'vc+jwt', cty: 'vc' });
    expect(JSON.parse(Buffer.from(decoded.payload).toString())).toEqual(credential);
    await expect(verifyCredentialJwt(jwt, { keys: world.trustStore.keyResolver(world.dids), clock: world.time.clock })).resolves.toMatchObject({ issuer, kid: key.kid, format: 'vc+jwt' });
  });

  test('a key of another DID cannot issue for the issuer; a key the issuer does not list is WrongIssuerKey', async () => {
    const world = await createWorld();
    const { buildRelationshipCredential } = await import('./credential-types.js');
    const credential = buildRelationshipCredential({ issuer: DID.provider, validFrom: world.time.now, type: 'recyclerOf', subject: DID.acme });
    await expect(issueCredentialJwt(credential, world.keys.mallory)).rejects.toMatchObject({ reason: 'WrongIssuerKey' });
    const unlisted = world.keys.mallory.withKid(`${DID.provider}#stolen`);
    const jwt = await issueCredentialJwt(credential, unlisted);
    await expect(verifyCredentialJwt(jwt, { keys: world.dids, clock: world.time.clock })).rejects.toMatchObject({ reason: 'WrongIssuerKey' });
  });

  test('validity: validFrom/validUntil and JWT exp are enforced with a bounded skew', async () => {
    const world = await createWorld();
    const { raw } = await world.legalPerson({ validUntil: new Date(world.time.now.getTime() + DAY) });
    const keys = world.trustStore.keyResolver(world.dids);
    world.time.advance(DAY + 30_000); // within the 60 s skew
    await expect(verifyCredentialJwt(raw as string, { keys, clock: world.time.clock })).resolves.toBeDefined();
    world.time.advance(60_000);
    await expect(verifyCredentialJwt(raw as string, { keys, clock: world.time.clock })).rejects.toMatchObject({ reason: 'Expired' });
  });

  test('oversized or malformed tokens are refused before any key lookup', async () => {
    const world = await createWorld();
    await expect(verifyCredentialJwt('x'.repeat(70 * 1024), { keys: world.dids })).rejects.toMatchObject({ reason: 'PayloadTooLarge' });
    await expect(verifyCredentialJwt('abc', { keys: world.dids })).rejects.toMatchObject({ reason: 'MalformedInput' });
  });
});

describe('vp+jwt presentations', () => {
  test('bound to audience and nonce; holder must be the signer', async () => {
    const world = await createWorld();
    const { raw } = await world.legalPerson();
    const options = { keys: world.dids, audience: DID.provider, nonce: 'n-1', clock: world.time.clock };
    const vp = await createPresentationJwt({ holderKey: world.keys.acme, credentials: [raw as string], audience: DID.provider, nonce: 'n-1', clock: world.time.clock });
    await expect(verifyPresentationJwt(vp, options)).resolves.toMatchObject({ holder: DID.acme, credentialJwts: [raw] });
    await expect(verifyPresentationJwt(vp, { ...options, audience: DID.otherProvider })).rejects.toMatchObject({ reason: 'WrongAudience' });
    await expect(verifyPresentationJwt(vp, { ...options, nonce: 'n-2' })).rejects.toMatchObject({ reason: 'WrongChallenge' });
    world.time.advance(10 * 60_000);
    await expect(verifyPresentationJwt(vp, options)).rejects.toMatchObject({ reason: 'Expired' });
  });

  test('a presentation naming another holder than its signer: HolderMismatch', async () => {
    const world = await createWorld();
    const { signJws } = await import('./jws.js');
    const iat = Math.floor(world.time.now.getTime() / 1000);
    const forged = await signJws(
      new TextEncoder().encode(JSON.stringify({ '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiablePresentation'], holder: DID.acme, aud: DID.provider, nonce: 'n', iat, exp: iat + 60 })),
      { typ: 'vp+jwt' },
      world.keys.mallory,
    );
    await expect(verifyPresentationJwt(forged, { keys: world.dids, audience: DID.provider, nonce: 'n', clock: world.time.clock })).rejects.toMatchObject({ reason: 'HolderMismatch' });
  });

  test('lifetime is at most five minutes', async () => {
    const world = await createWorld();
    await expect(createPresentationJwt({ holderKey: world.keys.acme, credentials: [], audience: DID.provider, nonce: 'n', lifetimeSeconds: 3600 })).rejects.toMatchObject({ reason: 'TokenLifetimeTooLong' });
  });
});
