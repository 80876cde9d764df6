import { jest } from '@jest/globals';
import {
  createPresentationDataIntegrity, issueCredentialDataIntegrity, verifyCredentialDataIntegrity, verifyPresentationDataIntegrity,
  type SecuredCredential,
} from './data-integrity.js';
import { BUNDLED_CONTEXTS, createDocumentLoader } from './document-loader.js';
import { buildDidDocument, LocalDidRegistry } from './did-web.js';
import { createKeyResolver } from './key-resolver.js';
import { buildLegalPersonCredential } from './credential-types.js';
import { T0, DAY, TestClock, didKey } from './test-fixtures.js';

const ISSUER = 'did:web:anchor.jp.example';
const HOLDER = 'did:web:acme.jp.example';

async function setup() {
  const time = new TestClock();
  const issuerKey = await didKey(ISSUER);
  const holderKey = await didKey(HOLDER);
  const registry = new LocalDidRegistry()
    .register(buildDidDocument({ did: ISSUER, keys: [{ key: issuerKey, type: 'Multikey' }] }))
    .register(buildDidDocument({ did: HOLDER, keys: [{ key: holderKey }] }));
  const keys = createKeyResolver(registry);
  const credential = buildLegalPersonCredential({
    issuer: ISSUER, validFrom: T0, validUntil: new Date(T0.getTime() + 30 * DAY),
    subject: {
      id: HOLDER, legalName: 'ACME K.K.', country: 'JP',
      identifiers: [{ scheme: 'jp-corporate-number', value: '1180301018771' }],
      verification: { dataSource: 'NTA', checkedAt: T0.toISOString() },
    },
  });
  const secured = await issueCredentialDataIntegrity(credential, issuerKey, { clock: time.clock });
  return { time, issuerKey, holderKey, keys, registry, credential, secured };
}

describe('eddsa-rdfc-2022 credentials', () => {
  test('issue and verify, also from JSON text', async () => {
    const { secured, keys, time } = await setup();
    expect(secured.proof).toMatchObject({ type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022', proofPurpose: 'assertionMethod', verificationMethod: `${ISSUER}#key-1` });
    await expect(verifyCredentialDataIntegrity(secured, { keys, clock: time.clock })).resolves.toMatchObject({ format: 'eddsa-rdfc-2022', issuer: ISSUER });
    await expect(verifyCredentialDataIntegrity(JSON.stringify(secured), { keys, clock: time.clock })).resolves.toMatchObject({ issuer: ISSUER });
  });

  test('tampered: InvalidSignature', async () => {
    const { secured, keys, time } = await setup();
    const tampered = structuredClone(secured) as SecuredCredential;
    (tampered.credentialSubject as { legalName: string }).legalName = 'Mallory K.K.';
    await expect(verifyCredentialDataIntegrity(tampered, { keys, clock: time.clock })).rejects.toMatchObject({ reason: 'InvalidSignature' });
  });

  test('signed by a key of another DID, or one the issuer does not list for assertions: WrongIssuerKey', async () => {
    const { credential, keys, registry, time } = await setup();
    const mallory = await didKey('did:web:mallory.example');
    registry.register(buildDidDocument({ did: 'did:web:mallory.example', keys: [{ key: mallory }] }));
    await expect(issueCredentialDataIntegrity(credential, mallory)).rejects.toMatchObject({ reason: 'WrongIssuerKey' });
    const authOnly = await didKey(ISSUER);
    const second = authOnly.withKid(`${ISSUER}#auth`);
    registry.register(buildDidDocument({ did: ISSUER, keys: [{ key: (await didKey(ISSUER)) }, { key: second, relationships: ['authentication'] }] }));
    const secured = await issueCredentialDataIntegrity(credential, second, { clock: time.clock });
    await expect(verifyCredentialDataIntegrity(secured, { keys, clock: time.clock })).rejects.toMatchObject({ reason: 'WrongIssuerKey', message: expect.stringContaining('assertionMethod') });
  });

  test('expired and not yet valid', async () => {
    const { secured, keys, time } = await setup();
    time.advance(31 * DAY);
    await expect(verifyCredentialDataIntegrity(secured, { keys, clock: time.clock })).rejects.toMatchObject({ reason: 'Expired' });
    time.advance(-32 * DAY);
    await expect(verifyCredentialDataIntegrity(secured, { keys, clock: time.clock })).rejects.toMatchObject({ reason: 'NotYetValid' });
  });

  test('an unknown context URL is refused, never fetched', async () => {
    const { credential, issuerKey, keys, time } = await setup();
    const network = jest.fn(async () => new Response('{}'));
    const realFetch = globalThis.fetch;
    globalThis.fetch = network as unknown as typeof fetch;
    try {
      const withRemote = { ...credential, '@context': [...credential['@context'], 'https://evil.example/context.jsonld'] };
      await expect(issueCredentialDataIntegrity(withRemote, issuerKey)).rejects.toMatchObject({ reason: 'UnknownContext' });
      // A proof made elsewhere over that context: refused before any JSON-LD processing…
      const { secured } = await setup();
      const forged = { ...secured, '@context': withRemote['@context'] };
      await expect(verifyCredentialDataIntegrity(forged, { keys, clock: time.clock })).rejects.toMatchObject({ reason: 'UnknownContext', message: expect.stringContaining('refused, not fetched') });
      // …and the document loader itself refuses it too, should jsonld ask (e.g. through a scoped context).
      const loader = createDocumentLoader({ keys });
      await expect(loader('https://evil.example/context.jsonld')).rejects.toMatchObject({ reason: 'UnknownContext' });
      expect(network).not.toHaveBeenCalled();
    } finally {
      globalThis.fetch = realFetch;
    }
  });

  test('the bundle holds the contexts Musubi credentials use', () => {
    expect([...BUNDLED_CONTEXTS.keys()].sort()).toEqual([
      'https://musubi.dev/ns/credentials/v1',
      'https://w3id.org/security/data-integrity/v1',
      'https://w3id.org/security/data-integrity/v2',
      'https://w3id.org/security/multikey/v1',
      'https://www.w3.org/ns/credentials/status/v1',
      'https://www.w3.org/ns/credentials/v2',
      'https://www.w3.org/ns/did/v1',
    ]);
  });

  test('malformed JSON-LD: MalformedJsonLd', async () => {
    const { credential, issuerKey, keys, secured, time } = await setup();
    const inline = { ...secured, '@context': [...secured['@context'], { legalName: 'https://evil.example/name' }] };
    await expect(verifyCredentialDataIntegrity(inline, { keys, clock: time.clock })).rejects.toMatchObject({ reason: 'MalformedJsonLd' });
    // a subject id that is not an IRI violates the data model before any JSON-LD work
    const badId = { ...credential, credentialSubject: { ...credential.credentialSubject, id: 'not an iri' } };
    await expect(issueCredentialDataIntegrity(badId, issuerKey)).rejects.toMatchObject({ reason: 'MalformedInput', message: expect.stringContaining('must be a URI') });
    const nullified = { ...secured, credentialSubject: { ...secured.credentialSubject, '@context': null } };
    await expect(verifyCredentialDataIntegrity(nullified, { keys, clock: time.clock })).rejects.toMatchObject({ reason: 'MalformedJsonLd', message: expect.stringContaining('protected terms') });
    const tamperedType = { ...secured, credentialSubject: { ...secured.credentialSubject, verification: { '@id': 5 } } };
    await expect(verifyCredentialDataIntegrity(tamperedType, { keys, clock: time.clock })).rejects.toMatchObject({ reason: 'MalformedJsonLd' });
  });

  test('oversized: PayloadTooLarge', async () => {
    const { secured, keys } = await setup();
    await expect(verifyCredentialDataIntegrity({ ...secured, padding: 'x'.repeat(70 * 1024) }, { keys })).rejects.toMatchObject({ reason: 'PayloadTooLarge' });
    await expect(verifyCredentialDataIntegrity('x'.repeat(70 * 1024), { keys })).rejects.toMatchObject({ reason: 'PayloadTooLarge' });
  });
});

describe('eddsa-rdfc-2022 presentations', () => {
  test('bound to challenge and domain; another challenge, domain or signer is refused', async () => {
    const { secured, holderKey, keys, registry, time } = await setup();
    const vp = await createPresentationDataIntegrity({ holderKey, credentials: [secured], challenge: 'c-1', domain: 'did:web:provider.example', clock: time.clock });
    await expect(verifyPresentationDataIntegrity(vp, { keys, challenge: 'c-1', domain: 'did:web:provider.example' })).resolves.toMatchObject({ holder: HOLDER, credentials: [secured] });
    await expect(verifyPresentationDataIntegrity(vp, { keys, challenge: 'c-2', domain: 'did:web:provider.example' })).rejects.toMatchObject({ reason: 'WrongChallenge' });
    await expect(verifyPresentationDataIntegrity(vp, { keys, challenge: 'c-1', domain: 'did:web:other.example' })).rejects.toMatchObject({ reason: 'WrongDomain' });
    // rewriting the challenge inside the proof breaks the signature
    const replayed = { ...vp, proof: { ...vp.proof, challenge: 'c-2' } };
    await expect(verifyPresentationDataIntegrity(replayed, { keys, challenge: 'c-2', domain: 'did:web:provider.example' })).rejects.toMatchObject({ reason: 'InvalidSignature' });
    // a presentation claiming a holder other than its signer
    const mallory = await didKey('did:web:mallory.example');
    registry.register(buildDidDocument({ did: 'did:web:mallory.example', keys: [{ key: mallory }] }));
    const stolen = await createPresentationDataIntegrity({ holderKey: mallory, credentials: [secured], challenge: 'c-1', domain: 'did:web:provider.example' });
    await expect(verifyPresentationDataIntegrity({ ...stolen, holder: HOLDER }, { keys, challenge: 'c-1', domain: 'did:web:provider.example' })).rejects.toMatchObject({ reason: 'HolderMismatch' });
  });
});
