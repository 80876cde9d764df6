import { decodeJws, verifyChain } from '@musubi/core/trust';
import { ACME, startDataspace, walletHolds, type Dataspace } from './testing/dataspace.js';
import { queryPresentation } from './testing/dcp-client.js';
import { http } from './testing/harness.js';

function vpPayload(vp: string): { holder: string; aud: string; nonce: string; verifiableCredential: { id: string }[] } {
  return JSON.parse(Buffer.from(decodeJws(vp, { typ: 'vp+jwt' }).payload).toString());
}

function typesIn(vp: string): string[] {
  return vpPayload(vp).verifiableCredential.map((envelope) => {
    const jwt = envelope.id.slice('data:application/vc+jwt,'.length);
    const credential = JSON.parse(Buffer.from(decodeJws(jwt, { typ: 'vc+jwt' }).payload).toString()) as { type: string[] };
    return credential.type.filter((t) => t !== 'VerifiableCredential')[0] as string;
  });
}

describe('a Japanese company proves itself to an EU provider through mutual recognition', () => {
  let ds: Dataspace;

  beforeAll(async () => {
    ds = await startDataspace();
    await walletHolds(ds.acme, ['LegalPersonCredential', 'DataspaceMembershipCredential', 'RelationshipCredential']);
    await walletHolds(ds.acme, ['EmployeeCredential'], ds.acme.memberDid('taro'));
  }, 60_000);
  afterAll(async () => ds.stop());

  test('the anchors see each other as fresh and publish it', async () => {
    const recognition = await http('GET', `${ds.eu.url}/recognition`);
    expect(recognition.body.recognised).toEqual([expect.objectContaining({ did: ds.jp.did, state: 'Fresh', jurisdiction: 'JP', consecutiveFailures: 0 })]);
    const status = await http('GET', `${ds.eu.url}/status`, { token: ds.eu.adminToken });
    expect(status.body).toMatchObject({ did: ds.eu.did, signingKeyID: ds.eu.key.thumbprint, recognised: [{ name: 'jp', state: 'Fresh' }] });
    const list = await http('GET', `${ds.eu.url}/trust-list`);
    const subject = JSON.parse(Buffer.from(decodeJws(list.text, { typ: 'vc+jwt' }).payload).toString()).credentialSubject;
    expect(subject.recognises).toEqual([expect.objectContaining({ did: ds.jp.did, jurisdiction: 'JP', maxStalenessSeconds: 3600 })]);
  });

  test('ACME got its credentials over DCP after the JP registry check, and its wallet reports them', async () => {
    const status = await http('GET', `${ds.acme.url}/status`, { token: ds.acme.apiToken });
    expect(status.status).toBe(200);
    const held = status.body.credentials as { type: string; issuer: string; state: string; holder?: string }[];
    expect(held).toEqual(expect.arrayContaining([
      expect.objectContaining({ type: 'LegalPersonCredential', issuer: ds.jp.did, state: 'Active' }),
      expect.objectContaining({ type: 'DataspaceMembershipCredential', issuer: ds.jp.did, state: 'Active' }),
      expect.objectContaining({ type: 'RelationshipCredential', issuer: ds.blue.did, state: 'Active' }),
      expect.objectContaining({ type: 'EmployeeCredential', issuer: ds.acme.did, holder: ds.acme.memberDid('taro'), state: 'Active' }),
    ]));
    expect(status.body.missing).toEqual([]);
  });

  test('a presentation query returns only the credentials asked for and granted, bound to the verifier and its challenge', async () => {
    const answer = await queryPresentation(ds.acme, ds.blue, { grant: ['LegalPersonCredential', 'RelationshipCredential'], ask: ['LegalPersonCredential', 'RelationshipCredential', 'DataspaceMembershipCredential'], nonce: 'n-1' });
    expect(answer.status).toBe(200);
    expect(answer.body.type).toBe('PresentationResponseMessage');
    expect(answer.body.presentation).toHaveLength(1);
    const vp = answer.body.presentation[0] as string;
    // Membership was asked for but not granted: it is left out, not an error (DCP §5.4.1.2).
    expect(typesIn(vp).sort()).toEqual(['LegalPersonCredential', 'RelationshipCredential']);
    expect(vpPayload(vp)).toMatchObject({ holder: ds.acme.did, aud: ds.blue.did, nonce: 'n-1' });
  });

  test('the EU anchor verifies the presentation: JP credential accepted through recognition, logged on the transparency log', async () => {
    const before = (await http('GET', `${ds.eu.url}/transparency-log/head`)).body;
    const answer = await queryPresentation(ds.acme, ds.blue, { grant: ['LegalPersonCredential', 'RelationshipCredential'], ask: ['LegalPersonCredential', 'RelationshipCredential'], nonce: 'n-2' });
    const verified = await http('POST', `${ds.eu.url}/presentations/verify`, {
      json: { verifiablePresentation: answer.body.presentation[0], options: { challenge: 'n-2', domain: ds.blue.did, expectedHolder: ds.acme.did } },
    });
    expect(verified.status).toBe(200);
    expect(verified.body.consumer).toMatchObject({
      did: ds.acme.did, country: 'JP', jurisdictions: ['JP'], issuerAnchors: [ds.jp.did], relationships: ['recyclerOf'],
      identifierSchemes: expect.arrayContaining(['jp-corporate-number', 'iso6523:0188', 'gx:local']),
    });
    const log = await http('GET', `${ds.eu.url}/transparency-log?from=${before.seq + 1}`);
    expect(log.body.entries.map((e: { event: { type: string } }) => e.event.type)).toEqual(['CrossBorderAcceptance', 'IdentifierMapping', 'IdentifierMapping']);
    const all = await http('GET', `${ds.eu.url}/transparency-log?limit=1000`);
    expect(verifyChain(all.body.entries)).toMatchObject({ valid: true, head: { seq: all.body.head.seq, hash: all.body.head.hash } });
    const head = await http('GET', `${ds.eu.url}/transparency-log/head`);
    expect(decodeJws(head.body.signature, { typ: 'tlh+jwt' }).header.kid).toBe(ds.eu.key.kid);
  });

  test('an employee presents its EmployeeCredential chained to ACME\'s LegalPersonCredential and acts for ACME', async () => {
    const answer = await queryPresentation(ds.acme, ds.blue, { grant: ['EmployeeCredential', 'LegalPersonCredential'], ask: ['EmployeeCredential', 'LegalPersonCredential'], nonce: 'n-3', holderPath: '/members/taro' });
    expect(answer.status).toBe(200);
    const vp = answer.body.presentation[0] as string;
    expect(vpPayload(vp).holder).toBe(ds.acme.memberDid('taro'));
    const verified = await http('POST', `${ds.eu.url}/presentations/verify`, { json: { verifiablePresentation: vp, options: { challenge: 'n-3', domain: ds.blue.did } } });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ holder: ds.acme.memberDid('taro'), actingFor: ds.acme.did, consumer: { memberRoles: ['purchaser'], country: 'JP' } });
  });

  test('the JP anchor accepts the EU company\'s credentials the other way round', async () => {
    await walletHolds(ds.blue, ['LegalPersonCredential']);
    const blueLp = ds.blue.service.core.store.about(ds.blue.did).find((c) => c.types.includes('LegalPersonCredential'));
    const verified = await http('POST', `${ds.jp.url}/credentials/verify`, { json: { verifiableCredential: blueLp?.raw } });
    expect(verified.status).toBe(200);
    expect(verified.body.anchor).toEqual({ did: ds.eu.did, kind: 'recognised', jurisdiction: 'EU' });
  });

  test('metrics count issuance by type and verification by result and reason', async () => {
    const jpMetrics = (await http('GET', `${ds.jp.url}/metrics`)).text;
    expect(jpMetrics).toMatch(/musubi_credentials_issued_total\{[^}]*type="LegalPersonCredential",format="vc\+jwt"[^}]*\} [1-9]/);
    const euMetrics = (await http('GET', `${ds.eu.url}/metrics`)).text;
    expect(euMetrics).toMatch(/musubi_verifications_total\{[^}]*kind="presentation",result="verified"[^}]*\} [1-9]/);
    expect(ACME.country).toBe('JP');
  });
});
