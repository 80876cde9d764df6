import { issueSelfIssuedIdToken } from '@musubi/core/trust';
import { typeScope } from '../dcp/messages.js';
import { ACME } from '../testing/dataspace.js';
import { accessTokenOf, stsToken } from '../testing/dcp-client.js';
import { http, openSlot, startIssuer, startWallet, type RunningIssuer, type RunningWallet } from '../testing/harness.js';

const DCP = ['https://w3id.org/dspace-dcp/v1.0/dcp.jsonld'];

describe('wallet service', () => {
  let jp: RunningIssuer;
  let acme: RunningWallet;
  let verifier: RunningWallet;

  beforeAll(async () => {
    jp = await startIssuer(await openSlot(), { jurisdiction: 'JP', schemes: ['jp-corporate-number'], registry: [{ ...ACME.identifier, legalName: ACME.legalName, country: 'JP' }] });
    acme = await startWallet(await openSlot(), { anchor: jp, legalName: ACME.legalName, country: 'JP', identifiers: [ACME.identifier], members: [{ id: 'hanako', roles: ['auditor'] }] });
    verifier = await startWallet(await openSlot(), { anchor: jp, legalName: 'Verifier', country: 'JP', requested: false });
  }, 30_000);
  afterAll(async () => {
    for (const service of [acme, verifier, jp]) await service.stop();
  });

  async function providerToken(scopes: string[]): Promise<string> {
    const consumer = await stsToken(acme, { audience: verifier.did, scopes });
    return stsToken(verifier, { audience: acme.did, token: accessTokenOf(consumer) });
  }

  test('serves the company and member DID documents with their Credential Service endpoints', async () => {
    const company = await http('GET', `${acme.url}/.well-known/did.json`);
    expect(company.body).toMatchObject({ id: acme.did, service: [{ type: 'CredentialService', serviceEndpoint: acme.url }] });
    const member = await http('GET', `${acme.url}/members/hanako/did.json`);
    expect(member.body).toMatchObject({ id: acme.memberDid('hanako'), service: [{ type: 'CredentialService', serviceEndpoint: `${acme.url}/members/hanako` }] });
  });

  test('the STS needs the right client secret and an audience', async () => {
    const wrong = await http('POST', `${acme.url}/sts/token`, { json: { grant_type: 'client_credentials', client_id: acme.stsClientId, client_secret: 'not-the-secret', audience: verifier.did } });
    expect({ status: wrong.status, reason: wrong.body.reason }).toEqual({ status: 401, reason: 'Unauthorized' });
    const form = await http('POST', `${acme.url}/sts/token`, {
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: acme.stsClientId, client_secret: acme.stsSecret, audience: verifier.did }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(200);
    expect(form.body).toMatchObject({ token_type: 'Bearer', expires_in: 300 });
  });

  test('query rules of DCP §5.4: presentationDefinition → 501, scope and definition → 400, no scope → 400, no access token → 401', async () => {
    const definition = await http('POST', `${acme.url}/presentations/query`, { token: await providerToken([typeScope('LegalPersonCredential')]), json: { '@context': DCP, type: 'PresentationQueryMessage', presentationDefinition: { id: 'pd' } } });
    expect({ status: definition.status, reason: definition.body.reason }).toEqual({ status: 501, reason: 'NotImplemented' });
    const both = await http('POST', `${acme.url}/presentations/query`, { token: await providerToken([typeScope('LegalPersonCredential')]), json: { '@context': DCP, type: 'PresentationQueryMessage', scope: [typeScope('LegalPersonCredential')], presentationDefinition: { id: 'pd' } } });
    expect({ status: both.status, field: both.body.field }).toEqual({ status: 400, field: 'presentationDefinition' });
    const empty = await http('POST', `${acme.url}/presentations/query`, { token: await providerToken([typeScope('LegalPersonCredential')]), json: { '@context': DCP, type: 'PresentationQueryMessage', scope: [] } });
    expect({ status: empty.status, field: empty.body.field }).toEqual({ status: 400, field: 'scope' });
    const bare = await stsToken(verifier, { audience: acme.did });
    const noToken = await http('POST', `${acme.url}/presentations/query`, { token: bare, json: { '@context': DCP, type: 'PresentationQueryMessage', scope: [typeScope('LegalPersonCredential')] } });
    expect(noToken.status).toBe(401);
    const wrongType = await http('POST', `${acme.url}/presentations/query`, { token: await providerToken([typeScope('LegalPersonCredential')]), json: { '@context': DCP, type: 'PresentationRequest', scope: [typeScope('LegalPersonCredential')] } });
    expect({ status: wrongType.status, field: wrongType.body.field }).toEqual({ status: 400, field: 'type' });
  });

  test('scopes the holder never granted are left out, answered 200 with fewer presentations', async () => {
    const answer = await http('POST', `${acme.url}/presentations/query`, {
      token: await providerToken([typeScope('DataspaceMembershipCredential')]),
      json: { '@context': DCP, type: 'PresentationQueryMessage', scope: [typeScope('LegalPersonCredential')] },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ '@context': DCP, type: 'PresentationResponseMessage', presentation: [] });
  });

  test('a credential offer from the anchor is accepted; one naming another issuer than its sender is refused', async () => {
    const offer = (issuer: string) => ({ '@context': DCP, type: 'CredentialOfferMessage', issuer, credentials: [{ id: 'LegalPersonCredential', type: 'CredentialObject' }] });
    const fromAnchor = await http('POST', `${acme.url}/offers`, { token: await issueSelfIssuedIdToken({ holderKey: jp.key, audience: acme.did }), json: offer(jp.did) });
    expect(fromAnchor.body).toEqual({ accepted: ['LegalPersonCredential'] });
    const spoofed = await http('POST', `${acme.url}/offers`, { token: await issueSelfIssuedIdToken({ holderKey: jp.key, audience: acme.did }), json: offer('did:web:other.example') });
    expect({ status: spoofed.status, field: spoofed.body.field }).toEqual({ status: 403, field: 'issuer' });
  });

  test('the status report needs the wallet API token', async () => {
    expect((await http('GET', `${acme.url}/status`)).status).toBe(401);
    expect((await http('GET', `${acme.url}/status`, { token: acme.apiToken })).body.did).toBe(acme.did);
  });
});
