// The DCP handshake end to end with the real trust library: a consumer's wallet STS issues the ID token
// (granting the provider read access), the provider's own STS wraps that grant into an ID token for the
// consumer's credential service, which presents a legal-person credential from a trusted anchor. The
// provider's authenticator turns it into the VerifiedConsumer its policies see, and refuses tokens for
// another audience, replays, and credentials from anchors it does not trust.
import {
  InMemoryReplayGuard, LocalDidRegistry, TrustStore, buildDidDocument, buildLegalPersonCredential, createKeyResolver, createStatusListResolver,
  generateKeyPair, issueCredentialJwt, type KeyPair,
} from '@musubi/core/trust';
import { CallerUnauthenticated } from './caller.js';
import { DcpCallerAuthenticator, StsCallerCredentials, credentialServicePresentations } from './dcp.js';
import { StsClient } from './sts.js';
import { TestWallet } from './test-wallet.test-support.js';

const ANCHOR = 'did:web:anchor.jp.example';
const ROGUE_ANCHOR = 'did:web:rogue.example';
const CONSUMER = 'did:web:recycler.example.jp';
const PROVIDER = 'did:web:maker.example.jp';
// Counter-parties on 127.0.0.1 over plain HTTP: a local-run outbound profile. The STS client needs none of it.
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
  let providerWallet: TestWallet;
  let rogueWallet: TestWallet;
  let registry: LocalDidRegistry;
  let authenticator: DcpCallerAuthenticator;
  let credentials: StsCallerCredentials;
  let trust: { trustStore: TrustStore; statusLists: ReturnType<typeof createStatusListResolver>; verifierDid: string };

  beforeAll(async () => {
    const anchorKey = await keyFor(ANCHOR);
    const rogueKey = await keyFor(ROGUE_ANCHOR);
    const holderKey = await keyFor(CONSUMER);
    const providerKey = await keyFor(PROVIDER);
    const rogueHolder = await keyFor('did:web:rogue-customer.example');
    registry = new LocalDidRegistry();
    const keys = createKeyResolver(registry);
    wallet = await new TestWallet(holderKey, [await legalPerson(anchorKey, CONSUMER)], { keys }).start();
    providerWallet = await new TestWallet(providerKey, [], { keys }).start();
    rogueWallet = await new TestWallet(rogueHolder, [await legalPerson(rogueKey, 'did:web:rogue-customer.example')], { keys }).start();
    registry.register(buildDidDocument({ did: CONSUMER, keys: [{ key: holderKey }], services: [{ id: `${CONSUMER}#cs`, type: 'CredentialService', serviceEndpoint: `${wallet.url}/cs` }] }));
    registry.register(buildDidDocument({ did: PROVIDER, keys: [{ key: providerKey }], services: [{ id: `${PROVIDER}#cs`, type: 'CredentialService', serviceEndpoint: `${providerWallet.url}/cs` }] }));
    registry.register(buildDidDocument({ did: 'did:web:rogue-customer.example', keys: [{ key: rogueHolder }], services: [{ id: 'did:web:rogue-customer.example#cs', type: 'CredentialService', serviceEndpoint: `${rogueWallet.url}/cs` }] }));
    const trustStore = await TrustStore.create({ own: [{ did: ANCHOR, jurisdiction: 'JP', keys: [{ ...anchorKey.publicJwk, kid: anchorKey.kid }] }] });
    const statusLists = createStatusListResolver({ fetch: async (url) => { throw new Error(`no status list ${url} in this test`); }, verify: async () => { throw new Error('unused'); } });
    trust = { trustStore, statusLists, verifierDid: PROVIDER };
    authenticator = new DcpCallerAuthenticator({
      keys, replayGuard: new InMemoryReplayGuard(),
      presentations: credentialServicePresentations({ dids: registry, sts: providerWallet.stsClient(), outbound, timeoutMs: 5_000 }),
      access: () => trust,
    });
    credentials = new StsCallerCredentials({ sts: wallet.stsClient() });
  });
  afterAll(async () => {
    await wallet.stop();
    await providerWallet.stop();
    await rogueWallet.stop();
  });

  test('a consumer with a legal-person credential from a trusted anchor is verified with its facts', async () => {
    const authorization = await credentials.authorizationFor(PROVIDER);
    const consumer = await authenticator.verify(authorization, { audience: PROVIDER });
    expect(consumer).toMatchObject({ did: CONSUMER, credentialTypes: ['LegalPersonCredential'], issuerAnchors: [ANCHOR], jurisdictions: ['JP'], identifierSchemes: expect.arrayContaining(['jp-corporate-number']), country: 'JP' });
    expect(wallet.queries.at(-1)).toMatchObject({ audience: PROVIDER, presented: 1 });
    // DCP STS: client credentials, form-encoded; the consumer grants scopes, the provider carries the grant back.
    expect(wallet.tokenRequests.at(-1)).toEqual({ clientId: 'connector', audience: PROVIDER, scope: expect.stringContaining('org.eclipse.dspace.dcp.vc.type:LegalPersonCredential:read'), token: false, contentType: 'application/x-www-form-urlencoded' });
    expect(providerWallet.tokenRequests.at(-1)).toMatchObject({ audience: CONSUMER, token: true });
    expect(providerWallet.tokenRequests.at(-1)).not.toHaveProperty('scope');
  });

  test('the same token twice is a replay; a token for another connector is refused', async () => {
    const authorization = await credentials.authorizationFor(PROVIDER);
    await authenticator.verify(authorization, { audience: PROVIDER });
    await expect(authenticator.verify(authorization, { audience: PROVIDER })).rejects.toMatchObject({ reason: 'InvalidToken', message: expect.stringContaining('ReplayedToken') });
    const elsewhere = await credentials.authorizationFor('did:web:other-provider.example');
    await expect(authenticator.verify(elsewhere, { audience: PROVIDER })).rejects.toMatchObject({ reason: 'WrongAudience' });
  });

  test('credentials from an anchor the trust store does not know are refused', async () => {
    const rogue = new StsCallerCredentials({ sts: rogueWallet.stsClient() });
    const attempt = authenticator.verify(await rogue.authorizationFor(PROVIDER), { audience: PROVIDER });
    await expect(attempt).rejects.toBeInstanceOf(CallerUnauthenticated);
    await expect(attempt).rejects.toMatchObject({ reason: 'UntrustedCredentials' });
  });

  test('a consumer that grants no scope the provider asks for is only its DID: no credential facts for policies to accept', async () => {
    const stingy = new StsCallerCredentials({ sts: wallet.stsClient(), scope: ['org.eclipse.dspace.dcp.vc.type:EmployeeCredential:read'] });
    const consumer = await authenticator.verify(await stingy.authorizationFor(PROVIDER), { audience: PROVIDER });
    expect(consumer).toMatchObject({ did: CONSUMER, credentialTypes: [], issuerAnchors: [] });
    expect(wallet.queries.at(-1)).toMatchObject({ presented: 0 });
  });

  test('a wrong client secret is refused by the STS with a message that names the fix, not the secret', async () => {
    const wrong = new StsClient({ stsUrl: `${wallet.url}/sts/token`, credentials: async () => ({ clientId: 'connector', clientSecret: 'not-the-secret-0123456789' }), outbound: { allowHttp: false, allowPrivateNetwork: false }, timeoutMs: 5_000 });
    const attempt = new StsCallerCredentials({ sts: wrong }).authorizationFor(PROVIDER);
    await expect(attempt).rejects.toThrow(/refused client connector \(HTTP 401\); check identity\.dcp\.stsClient/);
    await expect(attempt).rejects.not.toThrow(/not-the-secret/);
  });

  test('the plain-HTTP exception covers the own wallet only: a counter-party credential service on http:// stays refused', async () => {
    const strict = { allowHttp: false, allowPrivateNetwork: true };
    const guarded = new DcpCallerAuthenticator({
      keys: createKeyResolver(registry), replayGuard: new InMemoryReplayGuard(),
      presentations: credentialServicePresentations({ dids: registry, sts: providerWallet.stsClient(strict), outbound: strict, timeoutMs: 5_000 }),
      access: () => trust,
    });
    // The consumer's own STS on http://127.0.0.1 works with allowHttp off...
    const authorization = await new StsCallerCredentials({ sts: wallet.stsClient(strict) }).authorizationFor(PROVIDER);
    // ...but the consumer's credential service, a counter-party URL, is not reached over plain HTTP.
    const queries = wallet.queries.length;
    await expect(guarded.verify(authorization, { audience: PROVIDER })).rejects.toMatchObject({ reason: 'PresentationUnavailable', message: expect.stringMatching(/plain HTTP; only https:\/\/ is allowed/) });
    expect(wallet.queries.length).toBe(queries);
  });

  test('no header, or not a bearer token: MissingAuthorization / MalformedAuthorization', async () => {
    await expect(authenticator.verify(undefined, { audience: PROVIDER })).rejects.toMatchObject({ reason: 'MissingAuthorization' });
    await expect(authenticator.verify('Basic abc', { audience: PROVIDER })).rejects.toMatchObject({ reason: 'MalformedAuthorization' });
  });
});
