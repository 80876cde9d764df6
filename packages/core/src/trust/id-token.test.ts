import { InMemoryReplayGuard, issueSelfIssuedIdToken, verifySelfIssuedIdToken } from './id-token.js';
import { decodeJws } from './jws.js';
import { DID, createWorld } from './test-fixtures.js';

async function setup() {
  const world = await createWorld();
  const replayGuard = new InMemoryReplayGuard({ clock: world.time.clock });
  const options = { keys: world.dids, audience: DID.provider, replayGuard, clock: world.time.clock };
  return { world, replayGuard, options };
}

describe('self-issued ID tokens', () => {
  test('iss = sub = holder, aud = verifier, jti, short exp and the wallet access token', async () => {
    const { world, options } = await setup();
    const jwt = await issueSelfIssuedIdToken({ holderKey: world.keys.acme, audience: DID.provider, token: 'wallet-access-token', lifetimeSeconds: 120, clock: world.time.clock });
    const claims = JSON.parse(Buffer.from(decodeJws(jwt, { typ: 'jwt' }).payload).toString());
    expect(claims).toEqual({ iss: DID.acme, sub: DID.acme, aud: DID.provider, jti: expect.any(String), iat: expect.any(Number), exp: claims.iat + 120, token: 'wallet-access-token' });
    await expect(verifySelfIssuedIdToken(jwt, options)).resolves.toMatchObject({ holder: DID.acme, token: 'wallet-access-token' });
  });

  test('a token is accepted once: ReplayedToken the second time, while it is unexpired', async () => {
    const { world, options } = await setup();
    const jwt = await issueSelfIssuedIdToken({ holderKey: world.keys.taro, audience: DID.provider, clock: world.time.clock });
    await verifySelfIssuedIdToken(jwt, options);
    await expect(verifySelfIssuedIdToken(jwt, options)).rejects.toMatchObject({ reason: 'ReplayedToken' });
  });

  test('wrong audience, expired, future, too long-lived and foreign-signed tokens are refused', async () => {
    const { world, options } = await setup();
    const other = await issueSelfIssuedIdToken({ holderKey: world.keys.acme, audience: DID.otherProvider, clock: world.time.clock });
    await expect(verifySelfIssuedIdToken(other, options)).rejects.toMatchObject({ reason: 'WrongAudience' });
    const old = await issueSelfIssuedIdToken({ holderKey: world.keys.acme, audience: DID.provider, lifetimeSeconds: 60, clock: world.time.clock });
    world.time.advance(5 * 60_000);
    await expect(verifySelfIssuedIdToken(old, options)).rejects.toMatchObject({ reason: 'Expired' });
    const future = await issueSelfIssuedIdToken({ holderKey: world.keys.acme, audience: DID.provider, clock: () => new Date(world.time.now.getTime() + 10 * 60_000) });
    await expect(verifySelfIssuedIdToken(future, options)).rejects.toMatchObject({ reason: 'NotYetValid' });
    await expect(issueSelfIssuedIdToken({ holderKey: world.keys.acme, audience: DID.provider, lifetimeSeconds: 301 })).rejects.toMatchObject({ reason: 'TokenLifetimeTooLong' });
    const { signJws } = await import('./jws.js');
    const now = Math.floor(world.time.now.getTime() / 1000);
    const claims = { iss: DID.acme, sub: DID.acme, aud: DID.provider, jti: 'j', iat: now, exp: now + 3600 };
    const long = await signJws(new TextEncoder().encode(JSON.stringify(claims)), { typ: 'jwt' }, world.keys.acme);
    await expect(verifySelfIssuedIdToken(long, options)).rejects.toMatchObject({ reason: 'TokenLifetimeTooLong' });
    const impersonation = await signJws(new TextEncoder().encode(JSON.stringify({ ...claims, exp: now + 60 })), { typ: 'jwt' }, world.keys.mallory);
    await expect(verifySelfIssuedIdToken(impersonation, options)).rejects.toMatchObject({ reason: 'HolderMismatch' });
  });
});

describe('InMemoryReplayGuard', () => {
  test('remembers ids until they expire, stays within its bound, and refuses rather than forgets when full', async () => {
    const { world } = await setup();
    const guard = new InMemoryReplayGuard({ maxEntries: 2, clock: world.time.clock });
    const soon = new Date(world.time.now.getTime() + 60_000);
    expect(guard.claim('a', soon)).toBe(true);
    expect(guard.claim('a', soon)).toBe(false);
    expect(guard.claim('b', soon)).toBe(true);
    expect(() => guard.claim('c', soon)).toThrow(expect.objectContaining({ reason: 'ReplayCacheFull' }));
    world.time.advance(61_000);
    expect(guard.claim('c', new Date(world.time.now.getTime() + 60_000))).toBe(true);
    expect(guard.size).toBeLessThanOrEqual(2);
    expect(guard.claim('a', new Date(world.time.now.getTime() + 60_000))).toBe(true);
  });
});
