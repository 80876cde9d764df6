import { generateKeyPair, issueTrustList, type PinnedJwk, type RecognisedAnchorEntry } from '@musubi/core/trust';
import { trustListContentDigest, trustListToStore } from './trust-list-copy.js';

const HOUR = 3600_000;
const T0 = new Date('2026-03-01T00:00:00Z');

async function signer() {
  const key = (await generateKeyPair()).forDid('did:web:jp-anchor.example');
  const keys: PinnedJwk[] = [{ ...key.publicJwk, kid: key.kid }];
  return (signedAt: Date, recognises: RecognisedAnchorEntry[] = []) =>
    issueTrustList({ anchorKey: key, jurisdiction: 'JP', keys, recognises, validFrom: signedAt, validUntil: new Date(signedAt.getTime() + 24 * HOUR) });
}

const eu = (fetchedAt: Date): RecognisedAnchorEntry => ({
  did: 'did:web:eu-anchor.example', jurisdiction: 'EU', keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'eu', kid: 'did:web:eu-anchor.example#k1' }], trustListFetchedAt: fetchedAt.toISOString(), maxStalenessSeconds: 86_400,
});

test('two signatures of the same list have the same content digest; a different list does not', async () => {
  const sign = await signer();
  const a = await sign(T0);
  const b = await sign(new Date(T0.getTime() + HOUR));
  expect(a).not.toBe(b);
  expect(trustListContentDigest(a)).toBe(trustListContentDigest(b));
  expect(trustListContentDigest(await sign(T0, [eu(T0)]))).not.toBe(trustListContentDigest(a));
  expect(trustListContentDigest('not a jwt')).toBeUndefined();
});

test('the stored copy is kept while it says the same and has more than a third of its validity left', async () => {
  const sign = await signer();
  const stored = await sign(T0);
  const fetched = await sign(new Date(T0.getTime() + HOUR));
  expect(trustListToStore(fetched, stored, new Date(T0.getTime() + HOUR))).toBe(stored);
  expect(trustListToStore(fetched, stored, new Date(T0.getTime() + 15 * HOUR))).toBe(stored);
  // 7 h of 24 h left: the fresh signature replaces it.
  expect(trustListToStore(fetched, stored, new Date(T0.getTime() + 17 * HOUR))).toBe(fetched);
});

test('a list that says something else, or no stored copy, takes the fetched list', async () => {
  const sign = await signer();
  const stored = await sign(T0);
  const changed = await sign(T0, [eu(T0)]);
  expect(trustListToStore(changed, stored, T0)).toBe(changed);
  expect(trustListToStore(changed, undefined, T0)).toBe(changed);
  expect(trustListToStore(changed, 'garbage', T0)).toBe(changed);
});
