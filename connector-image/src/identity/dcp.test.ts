// The DCP handshake end to end with the real trust library: a consumer's wallet issues the ID token and
// presents a legal-person credential from a trusted anchor; the provider's authenticator turns it into
// the VerifiedConsumer its policies see, and refuses tokens for another audience, replays, and
// credentials from anchors it does not trust.
import {
  InMemoryReplayGuard, LocalDidRegistry, TrustStore, buildDidDocument, buildLegalPersonCredential, createKeyResolver, createStatusListResolver,
  generateKeyPair, issueCredentialJwt, type KeyPair,
} from '@musubi/core/trust';
import { CallerUnauthenticated } from './caller.js';
import { DcpCallerAuthenticator, StsCallerCredentials, credentialServicePresentations } from './dcp.js';
import { TestWallet } from './test-wallet.test-support.js';

const ANCHOR = 'did:web:anchor.jp.example';
const ROGUE_ANCHOR = 'did:web:rogue.example';
const CONSUMER = 'did:web:recycler.example.jp';
const PROVIDER = 'did:web:maker.example.jp';
const outbound = { allowHttp: true, allowPrivateNetwork: true };

async function keyFor(did: string): Promise<KeyPair> {
  return (await generateKeyPair({ algorithm: 'Ed25519' })).forDid(did, 'key-1');
}

async function legalPerson(issuer: KeyPair, subject: string): Promise<string> {
  const issuerDid = issuer.kid.split('#')[0] as string;
  return issueCredentialJwt(buildLegalPersonCredential({
    issuer: issuerDid, validFrom: new Date(Date.now() - 60_000), validUntil: new Date(Date.now() + 86_400_000),
    subject: {
      id: subject, legalName: 'Recycler K.K.', country: 'JP', identifiers: [{ scheme: 'jp-corporate-number', value: '1180301018771' }],
      verification: { dataSource: 'National Tax Agency corporate number registry', checkedAt: new Date().toISOString() },
    },
  }), issuer);
}

describe('DCP caller authentication', () => {
  let wallet: TestWallet;
  let rogueWallet: TestWallet;
  let authenticator: DcpCallerAuthenticator;
  let credentials: StsCallerCredentials;

  beforeAll(async () => {
    const anchorKey = await keyFor(ANCHOR);
    const rogueKey = await keyFor(ROGUE_ANCHOR);
    const holderKey = await keyFor(CONSUMER);
    const rogueHolder = await keyFor('did:web:rogue-customer.example');
    wallet = await new TestWallet(holderKey, [await legalPerson(anchorKey, CONSUMER)]).start();
    rogueWallet = await new TestWallet(rogueHolder, [await legalPerson(rogueKey, 'did:web:rogue-customer.example')]).start();
    const registry = new LocalDidRegistry();
    registry.register(buildDidDocument({ did: CONSUMER, keys: [{ key: holderKey }], services: [{ id: `${CONSUMER}#cs`, type: 'CredentialService', serviceEndpoint: `${wallet.url}/cs` }] }));
    registry.register(buildDidDocument({ did: 'did:web:rogue-customer.example', keys: [{ key: rogueHolder }], services: [{ id: 'did:web:rogue-customer.example#cs', type: 'CredentialService', serviceEndpoint: `${rogueWallet.url}/cs` }] }));
    const keys = createKeyResolver(registry);
    const trustStore = await TrustStore.create({ own: [{ did: ANCHOR, jurisdiction: 'JP', keys: [{ ...anchorKey.publicJwk, kid: anchorKey.kid }] }] });
    const statusLists = createStatusListResolver({ fetch: async (url) => { throw new Error(`no status list ${url} in this test`); }, verify: async () => { throw new Error('unused'); } });
    authenticator = new DcpCallerAuthenticator({
      keys, replayGuard: new InMemoryReplayGuard(),
      presentations: credentialServicePresentations({ dids: registry, outbound, timeoutMs: 5_000 }),
      access: { trustStore, statusLists, verifierDid: PROVIDER },
    });
    credentials = new StsCallerCredentials({ stsUrl: `${wallet.url}/sts/token`, walletToken: async () => wallet.walletToken, outbound, timeoutMs: 5_000 });
  });
  afterAll(async () => {
    await wallet.stop();
    await rogueWallet.stop();
  });

  test('a consumer with a legal-person credential from a trusted anchor is verified with its facts', async () => {
    const authorization = await credentials.authorizationFor(PROVIDER);
    const consumer = await authenticator.verify(authorization, { audience: PROVIDER });
    expect(consumer).toMatchObject({ did: CONSUMER, credentialTypes: ['LegalPersonCredential'], issuerAnchors: [ANCHOR], jurisdictions: ['JP'], identifierSchemes: expect.arrayContaining(['jp-corporate-number']), country: 'JP' });
    expect(wallet.queries.at(-1)).toMatchObject({ audience: PROVIDER });
  });

  test('the same token twice is a replay; a token for another connector is refused', async () => {
    const authorization = await credentials.authorizationFor(PROVIDER);
    await authenticator.verify(authorization, { audience: PROVIDER });
    await expect(authenticator.verify(authorization, { audience: PROVIDER })).rejects.toMatchObject({ reason: 'InvalidToken', message: expect.stringContaining('ReplayedToken') });
    const elsewhere = await credentials.authorizationFor('did:web:other-provider.example');
    await expect(authenticator.verify(elsewhere, { audience: PROVIDER })).rejects.toMatchObject({ reason: 'WrongAudience' });
  });

  test('credentials from an anchor the trust store does not know are refused', async () => {
    const rogue = new StsCallerCredentials({ stsUrl: `${rogueWallet.url}/sts/token`, walletToken: async () => rogueWallet.walletToken, outbound, timeoutMs: 5_000 });
    const attempt = authenticator.verify(await rogue.authorizationFor(PROVIDER), { audience: PROVIDER });
    await expect(attempt).rejects.toBeInstanceOf(CallerUnauthenticated);
    await expect(attempt).rejects.toMatchObject({ reason: 'UntrustedCredentials' });
  });

  test('no header, or not a bearer token: MissingAuthorization / MalformedAuthorization', async () => {
    await expect(authenticator.verify(undefined, { audience: PROVIDER })).rejects.toMatchObject({ reason: 'MissingAuthorization' });
    await expect(authenticator.verify('Basic abc', { audience: PROVIDER })).rejects.toMatchObject({ reason: 'MalformedAuthorization' });
  });
});
