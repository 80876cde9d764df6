import { CREDENTIALS_V2_CONTEXT, MUSUBI_CREDENTIALS_CONTEXT, decodeJws } from '@musubi/core/trust';
import { http, openSlot, startIssuer, type RunningIssuer } from '../testing/harness.js';

const ACME = { scheme: 'jp-corporate-number' as const, value: '1180301018771', legalName: 'ACME Recycling K.K.', country: 'JP' };

function legalPersonRequest(issuer: RunningIssuer, overrides: Record<string, unknown> = {}) {
  return {
    credential: {
      '@context': [CREDENTIALS_V2_CONTEXT, MUSUBI_CREDENTIALS_CONTEXT],
      type: ['VerifiableCredential', 'LegalPersonCredential'],
      issuer: issuer.did,
      credentialSubject: { id: 'did:web:acme.jp.example', legalName: ACME.legalName, country: 'JP', identifiers: [{ scheme: ACME.scheme, value: ACME.value }], ...overrides },
    },
  };
}

describe('issuer service', () => {
  let issuer: RunningIssuer;

  beforeAll(async () => {
    issuer = await startIssuer(await openSlot(), { jurisdiction: 'JP', framework: 'Japan', schemes: ['jp-corporate-number'], registry: [ACME] });
  });
  afterAll(async () => issuer.stop());

  test('publishes its DID document, DCP metadata and a signed trust list', async () => {
    const did = await http('GET', `${issuer.url}/.well-known/did.json`);
    expect(did.status).toBe(200);
    expect(did.body).toMatchObject({ id: issuer.did, assertionMethod: [issuer.key.kid] });
    const metadata = await http('GET', `${issuer.url}/metadata`);
    expect(metadata.body).toMatchObject({ type: 'IssuerMetadata', issuer: issuer.did, credentialsSupported: [{ id: 'LegalPersonCredential', profile: 'vc20-bssl/jwt' }, { id: 'DataspaceMembershipCredential' }] });
    const list = await http('GET', `${issuer.url}/trust-list`);
    expect(list.status).toBe(200);
    expect(list.headers.get('content-type')).toContain('application/vc+jwt');
    expect(decodeJws(list.text, { typ: 'vc+jwt' }).header.kid).toBe(issuer.key.kid);
  });

  test('issues a LegalPersonCredential after the registry confirms the identifier, verifies it, and refuses it once revoked', async () => {
    const issued = await http('POST', `${issuer.url}/credentials/issue`, { json: legalPersonRequest(issuer), token: issuer.adminToken });
    expect(issued.status).toBe(201);
    expect(issued.body.verifiableCredential.type).toBe('EnvelopedVerifiableCredential');
    const verified = await http('POST', `${issuer.url}/credentials/verify`, { json: { verifiableCredential: issued.body.verifiableCredential } });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ verified: true, anchor: { did: issuer.did, kind: 'own' } });
    const jwt = issued.body.verifiableCredential.id.slice('data:application/vc+jwt,'.length);
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
    expect(payload.credentialSubject.verification.dataSource).toBe('JP test registry');
    const revoked = await http('POST', `${issuer.url}/credentials/status`, { json: { credentialId: payload.id, credentialStatus: [{ type: 'BitstringStatusListEntry', status: 'revoked' }] }, token: issuer.adminToken });
    expect(revoked.status).toBe(200);
    const again = await http('POST', `${issuer.url}/credentials/verify`, { json: { verifiableCredential: jwt } });
    expect(again.status).toBe(422);
    expect(again.body).toMatchObject({ verified: false, reason: 'Revoked' });
  });

  test('refuses identifiers the registry does not confirm, naming the field', async () => {
    const wrongName = await http('POST', `${issuer.url}/credentials/issue`, { json: legalPersonRequest(issuer, { legalName: 'Other K.K.' }), token: issuer.adminToken });
    expect(wrongName.status).toBe(422);
    expect(wrongName.body).toMatchObject({ reason: 'RegistryMismatch', field: 'credential.credentialSubject.legalName' });
    const badDigit = await http('POST', `${issuer.url}/credentials/issue`, {
      json: legalPersonRequest(issuer, { identifiers: [{ scheme: 'jp-corporate-number', value: '1180301018772' }] }), token: issuer.adminToken,
    });
    expect(badDigit.status).toBe(400);
    expect(badDigit.body).toMatchObject({ reason: 'IdentifierInvalid', field: 'credential.credentialSubject.identifiers[0].value' });
    const unknown = await http('POST', `${issuer.url}/credentials/issue`, {
      json: legalPersonRequest(issuer, { identifiers: [{ scheme: 'jp-corporate-number', value: '2180301018770' }] }), token: issuer.adminToken,
    });
    expect(unknown.body.reason).toMatch(/IdentifierNotRegistered|IdentifierInvalid/);
  });

  test('issuing needs the admin token', async () => {
    const anonymous = await http('POST', `${issuer.url}/credentials/issue`, { json: legalPersonRequest(issuer) });
    expect(anonymous.status).toBe(401);
    const wrong = await http('POST', `${issuer.url}/credentials/issue`, { json: legalPersonRequest(issuer), token: 'x'.repeat(32) });
    expect(wrong.status).toBe(401);
  });
});
