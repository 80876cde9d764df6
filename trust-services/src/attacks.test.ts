// Every attack the trust library refuses, end to end over HTTP against the real services, each refused
// with its specific reason (and never answered 200 {verified: false}).
import {
  CREDENTIALS_V2_CONTEXT, MUSUBI_CREDENTIALS_CONTEXT, buildLegalPersonCredential, createPresentationJwt, generateKeyPair, issueCredentialJwt,
  issueSelfIssuedIdToken, type Credential,
} from '@musubi/core/trust';
import { typeScope } from './dcp/messages.js';
import { ACME, HANBIT, startDataspace, walletHolds, type Dataspace } from './testing/dataspace.js';
import { accessTokenOf, queryPresentation, stsToken } from './testing/dcp-client.js';
import { eventually, http, openSlot, startWallet, type RunningIssuer } from './testing/harness.js';

const DAY = 86_400_000;

async function verifyAt(anchor: RunningIssuer, verifiableCredential: unknown) {
  return http('POST', `${anchor.url}/credentials/verify`, { json: { verifiableCredential } });
}

type Answer = Awaited<ReturnType<typeof http>>;

function expectRefused(answer: Answer, status: number, reason: string): void {
  expect({ status: answer.status, reason: answer.body?.reason }).toEqual({ status, reason });
  if (answer.body && 'verified' in answer.body) expect(answer.body.verified).toBe(false);
}

async function issueVia(anchor: RunningIssuer, credential: Record<string, unknown>, format?: string) {
  return http('POST', `${anchor.url}/credentials/issue`, { json: { credential, ...(format ? { options: { format } } : {}) }, token: anchor.adminToken });
}

function jwtOf(issued: Answer): string {
  return (issued.body.verifiableCredential.id as string).slice('data:application/vc+jwt,'.length);
}

describe('attacks are refused end to end with a specific reason', () => {
  let ds: Dataspace;
  let acmeLp: string;

  beforeAll(async () => {
    ds = await startDataspace();
    await walletHolds(ds.acme, ['LegalPersonCredential', 'RelationshipCredential']);
    acmeLp = ds.acme.service.core.store.about(ds.acme.did).find((c) => c.types.includes('LegalPersonCredential'))?.raw as string;
  }, 60_000);
  afterAll(async () => ds.stop());

  test('sanity: the untouched credential verifies at the EU anchor', async () => {
    expect((await verifyAt(ds.eu, acmeLp)).status).toBe(200);
  });

  test('tampered credential → 422 InvalidSignature', async () => {
    const [h, p, s] = acmeLp.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    payload.credentialSubject.legalName = 'Mallory Holdings K.K.';
    expectRefused(await verifyAt(ds.eu, `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`), 422, 'InvalidSignature');
  });

  test('credential signed with a key that is not the anchor\'s pinned key → 422 WrongIssuerKey', async () => {
    const rogue = (await generateKeyPair()).forDid(ds.jp.did, 'rogue');
    const forged = buildLegalPersonCredential({
      issuer: ds.jp.did, validFrom: new Date(), validUntil: new Date(Date.now() + DAY),
      subject: { id: 'did:web:mallory.example', legalName: ACME.legalName, country: 'JP', identifiers: [ACME.identifier], verification: { dataSource: 'forged', checkedAt: new Date().toISOString() } },
    });
    expectRefused(await verifyAt(ds.eu, await issueCredentialJwt(forged, rogue)), 422, 'WrongIssuerKey');
  });

  test('credential from an anchor nobody recognises → 422 UnrecognisedAnchor', async () => {
    const issued = await issueVia(ds.kr, {
      '@context': [CREDENTIALS_V2_CONTEXT, MUSUBI_CREDENTIALS_CONTEXT], type: ['VerifiableCredential', 'LegalPersonCredential'],
      credentialSubject: { id: 'did:web:hanbit.example', legalName: HANBIT.legalName, country: HANBIT.country, identifiers: [HANBIT.identifier] },
    });
    expect(issued.status).toBe(201);
    expectRefused(await verifyAt(ds.eu, issued.body.verifiableCredential), 422, 'UnrecognisedAnchor');
  });

  test('recognition older than its maxStaleness → 422 StaleRecognition', async () => {
    const saved = ds.euClock.now;
    // Two hours without a successful refresh, with one hour allowed (the trust list itself is still valid).
    ds.euClock.advance(2 * 3_600_000);
    try {
      const answer = await verifyAt(ds.eu, acmeLp);
      expectRefused(answer, 422, 'StaleRecognition');
      expect(answer.body.message).toContain('allowed 3600 s');
      expect((await http('GET', `${ds.eu.url}/recognition`)).body.recognised[0].state).toBe('Stale');
    } finally {
      ds.euClock.now = saved;
    }
  });

  test('expired credential → 422 Expired', async () => {
    const issued = await issueVia(ds.jp, {
      '@context': [CREDENTIALS_V2_CONTEXT], type: ['VerifiableCredential'], credentialSubject: { id: ds.acme.did, name: 'old news' },
      validFrom: '2020-01-01T00:00:00Z', validUntil: '2021-01-01T00:00:00Z',
    });
    expect(issued.status).toBe(201);
    expectRefused(await verifyAt(ds.eu, issued.body.verifiableCredential), 422, 'Expired');
  });

  test('credential revoked at the JP anchor → 422 Revoked at the EU anchor (status list fetched over HTTP)', async () => {
    const issued = await issueVia(ds.jp, {
      '@context': [CREDENTIALS_V2_CONTEXT, MUSUBI_CREDENTIALS_CONTEXT], type: ['VerifiableCredential', 'LegalPersonCredential'],
      credentialSubject: { id: 'did:web:acme-branch.jp.example', legalName: ACME.legalName, country: 'JP', identifiers: [ACME.identifier] },
    });
    const jwt = jwtOf(issued);
    expect((await verifyAt(ds.eu, jwt)).status).toBe(200);
    const id = JSON.parse(Buffer.from(jwt.split('.')[1] as string, 'base64url').toString()).id;
    const revoked = await http('POST', `${ds.jp.url}/credentials/status`, { token: ds.jp.adminToken, json: { credentialId: id, credentialStatus: [{ statusPurpose: 'revocation', status: true }] } });
    expect(revoked.status).toBe(200);
    expectRefused(await verifyAt(ds.eu, jwt), 422, 'Revoked');
    const reinstate = await http('POST', `${ds.jp.url}/credentials/status`, { token: ds.jp.adminToken, json: { credentialId: id, credentialStatus: [{ statusPurpose: 'revocation', status: false }] } });
    expect(reinstate.status).toBe(400);
    expect(reinstate.body.message).toContain('revocation is final');
  });

  test('suspended credential → 422 Suspended, and it verifies again once the suspension is lifted', async () => {
    const issued = await issueVia(ds.jp, { '@context': [CREDENTIALS_V2_CONTEXT], type: ['VerifiableCredential'], credentialSubject: { id: ds.acme.did, name: 'on hold' } });
    const id = JSON.parse(Buffer.from(jwtOf(issued).split('.')[1] as string, 'base64url').toString()).id;
    await http('POST', `${ds.jp.url}/credentials/status`, { token: ds.jp.adminToken, json: { credentialId: id, credentialStatus: [{ type: 'BitstringStatusListEntry', status: 'suspended' }] } });
    expectRefused(await verifyAt(ds.eu, issued.body.verifiableCredential), 422, 'Suspended');
    await http('POST', `${ds.jp.url}/credentials/status`, { token: ds.jp.adminToken, json: { credentialId: id, credentialStatus: [{ statusPurpose: 'suspension', status: false }] } });
    expect((await verifyAt(ds.eu, issued.body.verifiableCredential)).status).toBe(200);
  });

  test('replayed ID token → 401 ReplayedToken (wallet query and issuer request)', async () => {
    const consumerToken = await stsToken(ds.acme, { audience: ds.blue.did, scopes: [typeScope('LegalPersonCredential')] });
    const providerToken = await stsToken(ds.blue, { audience: ds.acme.did, token: accessTokenOf(consumerToken) });
    const query = { '@context': ['https://w3id.org/dspace-dcp/v1.0/dcp.jsonld'], type: 'PresentationQueryMessage', scope: [typeScope('LegalPersonCredential')] };
    expect((await http('POST', `${ds.acme.url}/presentations/query`, { token: providerToken, json: query })).status).toBe(200);
    expectRefused(await http('POST', `${ds.acme.url}/presentations/query`, { token: providerToken, json: query }), 401, 'ReplayedToken');
    const idToken = await issueSelfIssuedIdToken({ holderKey: ds.acme.key, audience: ds.jp.did });
    const request = { '@context': ['https://w3id.org/dspace-dcp/v1.0/dcp.jsonld'], type: 'CredentialRequestMessage', holderPid: 'h-1', credentials: [{ id: 'DataspaceMembershipCredential' }] };
    expect((await http('POST', `${ds.jp.url}/credentials`, { token: idToken, json: request })).status).toBe(201);
    expectRefused(await http('POST', `${ds.jp.url}/credentials`, { token: idToken, json: request }), 401, 'ReplayedToken');
  });

  test('wrong audience → 401 for an ID token meant for someone else, 403 for an access token granted to someone else, 422 for a presentation bound to another verifier', async () => {
    const misaddressed = await stsToken(ds.blue, { audience: ds.jp.did, token: 'irrelevant' });
    expectRefused(await http('POST', `${ds.acme.url}/presentations/query`, { token: misaddressed, json: { '@context': ['https://w3id.org/dspace-dcp/v1.0/dcp.jsonld'], type: 'PresentationQueryMessage', scope: [typeScope('LegalPersonCredential')] } }), 401, 'WrongAudience');
    const grantedToOther = await stsToken(ds.acme, { audience: 'did:web:other-provider.example', scopes: [typeScope('LegalPersonCredential')] });
    const relayed = await stsToken(ds.blue, { audience: ds.acme.did, token: accessTokenOf(grantedToOther) });
    expectRefused(await http('POST', `${ds.acme.url}/presentations/query`, { token: relayed, json: { '@context': ['https://w3id.org/dspace-dcp/v1.0/dcp.jsonld'], type: 'PresentationQueryMessage', scope: [typeScope('LegalPersonCredential')] } }), 403, 'WrongAudience');
    const answer = await queryPresentation(ds.acme, ds.blue, { grant: ['LegalPersonCredential'], ask: ['LegalPersonCredential'], nonce: 'aud-1' });
    expectRefused(await http('POST', `${ds.eu.url}/presentations/verify`, { json: { verifiablePresentation: answer.body.presentation[0], options: { challenge: 'aud-1', domain: ds.eu.did } } }), 422, 'WrongAudience');
  });

  test('wrong challenge → 422 WrongChallenge', async () => {
    const answer = await queryPresentation(ds.acme, ds.blue, { grant: ['LegalPersonCredential'], ask: ['LegalPersonCredential'], nonce: 'right' });
    expectRefused(await http('POST', `${ds.eu.url}/presentations/verify`, { json: { verifiablePresentation: answer.body.presentation[0], options: { challenge: 'wrong', domain: ds.blue.did } } }), 422, 'WrongChallenge');
  });

  test('presentation for another DID → 422 HolderMismatch (handshake DID differs; credential about someone else)', async () => {
    const answer = await queryPresentation(ds.acme, ds.blue, { grant: ['LegalPersonCredential'], ask: ['LegalPersonCredential'], nonce: 'h-1' });
    expectRefused(await http('POST', `${ds.eu.url}/presentations/verify`, { json: { verifiablePresentation: answer.body.presentation[0], options: { challenge: 'h-1', domain: ds.blue.did, expectedHolder: ds.kr.did } } }), 422, 'HolderMismatch');
    // BlueRecycle presents ACME's credential as if it were its own.
    const stolen = await createPresentationJwt({ holderKey: ds.blue.key, credentials: [acmeLp], audience: ds.eu.did, nonce: 'h-2' });
    expectRefused(await http('POST', `${ds.eu.url}/presentations/verify`, { json: { verifiablePresentation: stolen, options: { challenge: 'h-2' } } }), 422, 'HolderMismatch');
  });

  test('credential with undefined terms → 400 MalformedJsonLd, at issuance and at verification', async () => {
    const credential = { '@context': [CREDENTIALS_V2_CONTEXT], type: ['VerifiableCredential'], issuer: ds.jp.did, credentialSubject: { id: ds.acme.did, shoeSize: 44 } };
    expectRefused(await issueVia(ds.jp, credential), 400, 'MalformedJsonLd');
    expectRefused(await issueVia(ds.jp, credential, 'eddsa-rdfc-2022'), 400, 'MalformedJsonLd');
    const signed = await issueCredentialJwt({ ...credential, id: 'urn:uuid:1f0c9a43-2d63-4c3e-9a55-8a1b7f2e6c11' } as Credential, ds.jp.key);
    expectRefused(await verifyAt(ds.eu, signed), 400, 'MalformedJsonLd');
  });

  test('credential with an unknown or inline context → 400 UnknownContext / MalformedJsonLd, never fetched', async () => {
    const unknown = { '@context': [CREDENTIALS_V2_CONTEXT, 'https://attacker.example/context/v1'], type: ['VerifiableCredential'], issuer: ds.jp.did, credentialSubject: { id: ds.acme.did } };
    expectRefused(await issueVia(ds.jp, unknown), 400, 'UnknownContext');
    const signed = await issueCredentialJwt({ ...unknown, id: 'urn:uuid:6a0e7c1d-0b7e-4a55-9d5e-3b3f1c2a9e01' } as Credential, ds.jp.key);
    expectRefused(await verifyAt(ds.eu, signed), 400, 'UnknownContext');
    const inline = { '@context': [CREDENTIALS_V2_CONTEXT, { VerifiableCredential: 'https://attacker.example/#Other' }], type: ['VerifiableCredential'], issuer: ds.jp.did, credentialSubject: { id: ds.acme.did } };
    expectRefused(await issueVia(ds.jp, inline), 400, 'MalformedJsonLd');
  });

  test('oversized payload → 413 PayloadTooLarge (request body, and a credential above the credential limit)', async () => {
    const huge = 'x'.repeat(600 * 1024);
    expectRefused(await http('POST', `${ds.eu.url}/credentials/verify`, { json: { verifiableCredential: huge } }), 413, 'PayloadTooLarge');
    expectRefused(await verifyAt(ds.eu, `eyJhbGciOiJFZERTQSJ9.${'A'.repeat(100 * 1024)}.sig`), 413, 'PayloadTooLarge');
  });

  test('bad input → 400 naming the field', async () => {
    const malformed = await http('POST', `${ds.eu.url}/credentials/verify`, { body: '{"verifiableCredential": ' });
    expectRefused(malformed, 400, 'MalformedInput');
    expect(malformed.body.message).toContain('not valid JSON');
    const missing = await http('POST', `${ds.eu.url}/credentials/verify`, { json: {} });
    expect(missing.body).toMatchObject({ reason: 'MalformedInput', field: 'verifiableCredential' });
    const noChallenge = await http('POST', `${ds.eu.url}/presentations/verify`, { json: { verifiablePresentation: 'a.b.c', options: {} } });
    expect(noChallenge.body).toMatchObject({ reason: 'MalformedInput', field: 'options.challenge' });
    const noIssuerField = await issueVia(ds.jp, { '@context': [CREDENTIALS_V2_CONTEXT], credentialSubject: { id: ds.acme.did } });
    expect(noIssuerField.body).toMatchObject({ reason: 'MalformedInput', field: 'credential.type' });
    const idToken = await issueSelfIssuedIdToken({ holderKey: ds.acme.key, audience: ds.jp.did });
    const noHolderPid = await http('POST', `${ds.jp.url}/credentials`, { token: idToken, json: { '@context': ['https://w3id.org/dspace-dcp/v1.0/dcp.jsonld'], type: 'CredentialRequestMessage', credentials: [{ id: 'LegalPersonCredential' }] } });
    expect({ status: noHolderPid.status, ...noHolderPid.body }).toMatchObject({ status: 400, field: 'holderPid' });
    const sts = await http('POST', `${ds.acme.url}/sts/token`, { json: { grant_type: 'client_credentials', client_id: ds.acme.stsClientId, client_secret: ds.acme.stsSecret } });
    expect({ status: sts.status, ...sts.body }).toMatchObject({ status: 400, field: 'audience' });
  });

  test('the wallet refuses credentials pushed by a party not entitled to issue them → 422 UntrustedIssuer', async () => {
    const issued = await issueVia(ds.kr, { '@context': [CREDENTIALS_V2_CONTEXT], type: ['VerifiableCredential'], credentialSubject: { id: ds.acme.did, name: 'unsolicited' } });
    const idToken = await issueSelfIssuedIdToken({ holderKey: ds.kr.key, audience: ds.acme.did });
    const pushed = await http('POST', `${ds.acme.url}/credentials`, {
      token: idToken,
      json: { '@context': ['https://w3id.org/dspace-dcp/v1.0/dcp.jsonld'], type: 'CredentialMessage', issuerPid: 'x', status: 'ISSUED', credentials: [{ credentialType: 'VerifiableCredential', format: 'vc20-bssl/jwt', payload: jwtOf(issued) }] },
    });
    expect({ status: pushed.status, reason: pushed.body.reason, field: pushed.body.field }).toEqual({ status: 422, reason: 'UntrustedIssuer', field: 'credentials[0].payload' });
  });

  test('a company whose name the registry does not confirm is REJECTED over DCP, and its wallet learns why', async () => {
    const impostor = await startWallet(await openSlot(), { anchor: ds.jp, legalName: 'ACME Holdings Ltd.', country: 'JP', identifiers: [ACME.identifier] });
    try {
      const rejected = await eventually(async () => {
        await impostor.service.reconcile();
        return impostor.service.requester.requests().find((r) => r.state === 'REJECTED');
      }, { what: 'the impostor\'s request to be rejected', timeoutMs: 15_000 });
      expect(rejected.rejectionReason).toContain('RegistryMismatch');
      expect(impostor.service.core.store.about(impostor.did)).toEqual([]);
    } finally {
      await impostor.stop();
    }
  });
});
