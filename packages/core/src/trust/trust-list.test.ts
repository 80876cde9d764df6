import { issueTrustList, trustStoreFromTrustList, verifyTrustList } from './trust-list.js';
import { DAY, DID, T0, TestClock, didKey, pinned } from './test-fixtures.js';

async function setup() {
  const time = new TestClock();
  const anchorKey = await didKey(DID.euAnchor);
  const jpKey = await didKey(DID.jpAnchor, 'secp256k1');
  const jwt = await issueTrustList({
    anchorKey, jurisdiction: 'EU', keys: [pinned(anchorKey)], validFrom: T0, validUntil: new Date(T0.getTime() + DAY),
    recognises: [{
      did: DID.jpAnchor, jurisdiction: 'JP', keys: [pinned(jpKey)], trustListFetchedAt: T0.toISOString(), maxStalenessSeconds: 3600,
      attributeMapping: [{ from: 'jp-corporate-number', to: 'local' }],
    }],
  });
  return { time, anchorKey, jpKey, jwt };
}

describe('signed trust lists', () => {
  test('verify against the pinned anchor keys and become the verifier\'s TrustStore', async () => {
    const { time, anchorKey, jwt } = await setup();
    const list = await verifyTrustList(jwt, { did: DID.euAnchor, jurisdiction: 'EU', keys: [pinned(anchorKey)] }, { clock: time.clock });
    expect(list.recognised).toEqual([expect.objectContaining({ did: DID.jpAnchor, jurisdiction: 'JP', maxStalenessSeconds: 3600 })]);
    const store = await trustStoreFromTrustList(list, { clock: time.clock });
    expect(store.assertAcceptable(DID.jpAnchor)).toMatchObject({ kind: 'recognised', jurisdiction: 'JP' });
    expect(store.assertAcceptable(DID.euAnchor)).toMatchObject({ kind: 'own' });
    expect(() => store.assertAcceptable(DID.mallory)).toThrow(expect.objectContaining({ reason: 'UnrecognisedAnchor' }));
    time.advance(2 * 3600_000);
    expect(() => store.assertAcceptable(DID.jpAnchor)).toThrow(expect.objectContaining({ reason: 'StaleRecognition' }));
    time.advance(DAY);
    expect(() => store.assertAcceptable(DID.euAnchor)).toThrow(expect.objectContaining({ reason: 'StaleRecognition', message: expect.stringContaining('fetch a fresh trust list') }));
  });

  test('a list signed by a key that is not pinned, or expired, is refused', async () => {
    const { time, jwt } = await setup();
    const other = await didKey(DID.euAnchor);
    await expect(verifyTrustList(jwt, { did: DID.euAnchor, jurisdiction: 'EU', keys: [pinned(other)] }, { clock: time.clock })).rejects.toMatchObject({ reason: 'InvalidSignature' });
    const renamed = await didKey(DID.euAnchor);
    await expect(verifyTrustList(jwt, { did: DID.euAnchor, jurisdiction: 'EU', keys: [pinned(renamed.withKid(`${DID.euAnchor}#key-2`))] }, { clock: time.clock })).rejects.toMatchObject({ reason: 'WrongIssuerKey' });
    const fresh = await setup();
    fresh.time.advance(2 * DAY);
    await expect(verifyTrustList(fresh.jwt, { did: DID.euAnchor, jurisdiction: 'EU', keys: [pinned(fresh.anchorKey)] }, { clock: fresh.time.clock })).rejects.toMatchObject({ reason: 'Expired' });
  });

  test('maps identifiers both ways through the recognition\'s attributeMapping', async () => {
    const { time, anchorKey, jwt } = await setup();
    const store = await trustStoreFromTrustList(await verifyTrustList(jwt, { did: DID.euAnchor, jurisdiction: 'EU', keys: [pinned(anchorKey)] }, { clock: time.clock }), { clock: time.clock });
    const jp = store.assertAcceptable(DID.jpAnchor);
    expect(store.mapIdentifiers(jp, [{ scheme: 'gx:local', value: '1180301018771' }])).toEqual({
      identifiers: [{ scheme: 'jp-corporate-number', value: '1180301018771', iso6523: '0188:1180301018771' }],
      schemes: ['jp-corporate-number', 'iso6523:0188', 'gx:local'],
      mappings: [
        { from: 'gx:local', to: 'jp-corporate-number' },
        { from: 'jp-corporate-number', to: 'iso6523:0188' },
        { from: 'jp-corporate-number', to: 'gx:local' },
      ],
    });
    expect(() => store.mapIdentifiers(jp, [{ scheme: 'vatID', value: 'DE129273398' }])).toThrow(/no attributeMapping/);
    expect(() => store.mapIdentifiers(jp, [{ scheme: 'jp-corporate-number', value: '1180301018772' }])).toThrow(expect.objectContaining({ reason: 'InvalidCredentialSubject' }));
  });
});
