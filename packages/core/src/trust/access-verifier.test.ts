import { validateIdentifier } from '../identifiers/index.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTrustedStatusListResolver, verifyPresentationForAccess, type AccessVerifierOptions } from './access-verifier.js';
import { buildLegalPersonCredential } from './credential-types.js';
import { StatusList } from './status-list.js';
import { issueCredentialJwt as signJwt } from './vc-jwt.js';
import { createPresentationDataIntegrity, type SecuredCredential } from './data-integrity.js';
import { TransparencyLog, verifyChain } from './transparency-log.js';
import { createPresentationJwt } from './vc-jwt.js';
import { ACME_CORPORATE_NUMBER, DAY, DID, createWorld, didKey, type World } from './test-fixtures.js';

const CHALLENGE = 'challenge-8f3a';

function verifierOptions(world: World, log?: TransparencyLog): AccessVerifierOptions {
  return {
    trustStore: world.trustStore, keys: world.dids, statusLists: world.statusLists, verifierDid: DID.provider,
    clock: world.time.clock, ...(log ? { transparencyLog: log } : {}),
  };
}

async function present(world: World, credentials: string[], holder = world.keys.acme): Promise<string> {
  return createPresentationJwt({ holderKey: holder, credentials, audience: DID.provider, nonce: CHALLENGE, clock: world.time.clock });
}

describe('verifyPresentationForAccess', () => {
  test('the fixture identifier is a valid corporate number', () => {
    expect(validateIdentifier('jp-corporate-number', ACME_CORPORATE_NUMBER)).toMatchObject({ valid: true });
  });

  test('accepts a Japanese company at an EU provider through mutual recognition and reports the verified facts', async () => {
    const world = await createWorld();
    const log = new TransparencyLog({ clock: world.time.clock });
    const lp = await world.legalPerson({ status: true });
    const vp = await present(world, [lp.raw as string, await world.membership(), await world.relationship(), await world.relationship({ grantorKey: world.keys.otherProvider, type: 'supplierOf' })]);
    const result = await verifyPresentationForAccess({ presentation: vp, challenge: CHALLENGE, providerDid: DID.provider }, verifierOptions(world, log));
    expect(result.consumer).toEqual({
      did: DID.acme,
      credentialTypes: ['LegalPersonCredential', 'DataspaceMembershipCredential', 'RelationshipCredential'],
      issuerAnchors: [DID.jpAnchor, DID.euAnchor],
      jurisdictions: ['JP', 'EU'],
      identifierSchemes: ['jp-corporate-number', 'iso6523:0188', 'gx:local'],
      memberRoles: [],
      // supplierOf was granted by another provider: it says nothing about this one.
      relationships: ['recyclerOf'],
      memberships: ['circular-batteries'],
      country: 'JP',
    });
    expect(result.actingFor).toBeUndefined();
    expect(result.credentials.find((c) => c.type === 'LegalPersonCredential')?.anchor).toMatchObject({ kind: 'recognised', jurisdiction: 'JP' });
    // Every cross-border acceptance and mapping is on the hash chain.
    const events = log.entries().map((e) => e.event);
    expect(events).toEqual([
      expect.objectContaining({ type: 'CrossBorderAcceptance', issuer: DID.jpAnchor, anchorJurisdiction: 'JP', subject: DID.acme, credentialType: 'LegalPersonCredential' }),
      expect.objectContaining({ type: 'IdentifierMapping', from: 'jp-corporate-number', to: 'iso6523:0188' }),
      expect.objectContaining({ type: 'IdentifierMapping', from: 'jp-corporate-number', to: 'gx:local' }),
    ]);
    expect(verifyChain(log.entries())).toMatchObject({ valid: true });
    expect(result.transparencyEntries).toHaveLength(3);
  });

  test('accepts Data Integrity presentations of Data Integrity credentials', async () => {
    const world = await createWorld();
    const lp = await world.legalPerson({ format: 'eddsa-rdfc-2022', status: true });
    const vp = await createPresentationDataIntegrity({ holderKey: world.keys.acme, credentials: [lp.raw as SecuredCredential], challenge: CHALLENGE, domain: DID.provider, clock: world.time.clock });
    const result = await verifyPresentationForAccess({ presentation: vp, challenge: CHALLENGE, providerDid: DID.provider }, verifierOptions(world));
    expect(result.consumer).toMatchObject({ did: DID.acme, credentialTypes: ['LegalPersonCredential'], country: 'JP' });
    expect(result.credentials[0]?.format).toBe('eddsa-rdfc-2022');
  });

  test('an employee acts for the employer when the chain holds: employee credential by the employer, employer credential from an anchor', async () => {
    const world = await createWorld();
    const lp = await world.legalPerson();
    const employee = await world.employee({ employerCredential: lp.credential.id as string, roles: ['purchaser', 'sustainability-officer'] });
    const vp = await present(world, [lp.raw as string, employee, await world.relationship()], world.keys.taro);
    const result = await verifyPresentationForAccess({ presentation: vp, challenge: CHALLENGE, providerDid: DID.provider }, verifierOptions(world));
    expect(result.actingFor).toBe(DID.acme);
    expect(result.consumer).toMatchObject({
      did: DID.taro, memberRoles: ['purchaser', 'sustainability-officer'], relationships: ['recyclerOf'], country: 'JP',
      credentialTypes: ['LegalPersonCredential', 'EmployeeCredential', 'RelationshipCredential'],
    });
  });

  describe('refuses attacks with a specific reason', () => {
    test('tampered credential: InvalidSignature', async () => {
      const world = await createWorld();
      const jwt = (await world.legalPerson()).raw as string;
      const [h, p, s] = jwt.split('.') as [string, string, string];
      const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
      payload.credentialSubject.country = 'DE';
      const tampered = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
      await expect(verifyPresentationForAccess({ presentation: await present(world, [tampered]), challenge: CHALLENGE, providerDid: DID.provider }, verifierOptions(world)))
        .rejects.toMatchObject({ reason: 'InvalidSignature' });
    });

    test('credential signed with a key that is not pinned for the anchor: WrongIssuerKey', async () => {
      const world = await createWorld();
      const rogue = await didKey(DID.jpAnchor);
      const { raw } = await world.legalPerson({ issuerKey: rogue.withKid(`${DID.jpAnchor}#rogue`) });
      await expect(verifyPresentationForAccess({ presentation: await present(world, [raw as string]), challenge: CHALLENGE, providerDid: DID.provider }, verifierOptions(world)))
        .rejects.toMatchObject({ reason: 'WrongIssuerKey' });
    });

    test('legal-person credential from an anchor nobody recognises: UnrecognisedAnchor, decided before any key lookup', async () => {
      const world = await createWorld();
      const { raw } = await world.legalPerson({ issuerKey: world.keys.mallory });
      const lookups: string[] = [];
      const keys = { ...world.dids, resolveKey: async (kid: string, rel: 'assertionMethod' | 'authentication') => { lookups.push(kid); return world.dids.resolveKey(kid, rel); } };
      await expect(verifyPresentationForAccess({ presentation: await present(world, [raw as string]), challenge: CHALLENGE, providerDid: DID.provider }, { ...verifierOptions(world), keys }))
        .rejects.toMatchObject({ reason: 'UnrecognisedAnchor' });
      expect(lookups).toEqual([world.keys.acme.kid]); // only the holder's key, for the presentation
    });

    test('recognised anchor whose trust list is older than the allowed staleness: StaleRecognition', async () => {
      const world = await createWorld({ maxStalenessSeconds: 3600 });
      const { raw } = await world.legalPerson();
      world.time.advance(2 * 3600 * 1000);
      await expect(verifyPresentationForAccess({ presentation: await present(world, [raw as string]), challenge: CHALLENGE, providerDid: DID.provider }, verifierOptions(world)))
        .rejects.toMatchObject({ reason: 'StaleRecognition', message: expect.stringContaining('allowed 3600 s') });
    });

    test('expired and not-yet-valid credentials: Expired, NotYetValid', async () => {
      const world = await createWorld();
      const { raw } = await world.legalPerson({ validUntil: new Date(world.time.now.getTime() + 3600_000) });
      world.time.advance(2 * 3600_000);
      await expect(verifyPresentationForAccess({ presentation: await present(world, [raw as string]), challenge: CHALLENGE, providerDid: DID.provider }, verifierOptions(world)))
        .rejects.toMatchObject({ reason: 'Expired' });
      const early = await createWorld();
      const future = await early.legalPerson();
      early.time.advance(-DAY);
      await expect(verifyPresentationForAccess({ presentation: await present(early, [future.raw as string]), challenge: CHALLENGE, providerDid: DID.provider }, verifierOptions(early)))
        .rejects.toMatchObject({ reason: 'NotYetValid' });
    });

    test('revoked and suspended credentials: Revoked, Suspended; reinstated after suspension is accepted again', async () => {
      const world = await createWorld();
      const lp = await world.legalPerson({ status: true });
      const request = { presentation: await present(world, [lp.raw as string]), challenge: CHALLENGE, providerDid: DID.provider };
      await expect(verifyPresentationForAccess(request, verifierOptions(world))).resolves.toBeDefined();
      world.suspensions.set(lp.suspensionIndex as number, true);
      await world.publishStatusLists();
      await expect(verifyPresentationForAccess(request, verifierOptions(world))).rejects.toMatchObject({ reason: 'Suspended' });
      world.suspensions.set(lp.suspensionIndex as number, false);
      world.revocations.set(lp.revocationIndex as number, true);
      await world.publishStatusLists();
      await expect(verifyPresentationForAccess(request, verifierOptions(world))).rejects.toMatchObject({ reason: 'Revoked' });
    });

    test('presentation addressed to another verifier: WrongAudience', async () => {
      const world = await createWorld();
      const { raw } = await world.legalPerson();
      const vp = await createPresentationJwt({ holderKey: world.keys.acme, credentials: [raw as string], audience: DID.otherProvider, nonce: CHALLENGE, clock: world.time.clock });
      await expect(verifyPresentationForAccess({ presentation: vp, challenge: CHALLENGE, providerDid: DID.provider }, verifierOptions(world)))
        .rejects.toMatchObject({ reason: 'WrongAudience' });
    });

    test('presentation answering another challenge: WrongChallenge; DI presentation for another domain: WrongDomain', async () => {
      const world = await createWorld();
      const lp = await world.legalPerson({ format: 'eddsa-rdfc-2022' });
      const vp = await present(world, []);
      await expect(verifyPresentationForAccess({ presentation: vp, challenge: 'another', providerDid: DID.provider }, verifierOptions(world)))
        .rejects.toMatchObject({ reason: 'WrongChallenge' });
      const di = await createPresentationDataIntegrity({ holderKey: world.keys.acme, credentials: [lp.raw as SecuredCredential], challenge: CHALLENGE, domain: DID.otherProvider, clock: world.time.clock });
      await expect(verifyPresentationForAccess({ presentation: di, challenge: CHALLENGE, providerDid: DID.provider }, verifierOptions(world)))
        .rejects.toMatchObject({ reason: 'WrongDomain' });
    });

    test("someone else's credential in a presentation: HolderMismatch", async () => {
      const world = await createWorld();
      const { raw } = await world.legalPerson();
      const vp = await present(world, [raw as string], world.keys.mallory);
      await expect(verifyPresentationForAccess({ presentation: vp, challenge: CHALLENGE, providerDid: DID.provider }, verifierOptions(world)))
        .rejects.toMatchObject({ reason: 'HolderMismatch', message: expect.stringContaining(`not about the presenting holder ${DID.mallory}`) });
      // and a presentation by a DID other than the one the handshake authenticated
      const own = await present(world, [raw as string]);
      await expect(verifyPresentationForAccess({ presentation: own, challenge: CHALLENGE, providerDid: DID.provider, expectedHolder: DID.mallory }, verifierOptions(world)))
        .rejects.toMatchObject({ reason: 'HolderMismatch' });
    });

    test('employee credential not issued by the employer, or without the employer credential: BrokenChain', async () => {
      const world = await createWorld();
      const lp = await world.legalPerson();
      const forged = await world.employee({ employerCredential: lp.credential.id as string, issuerKey: world.keys.mallory });
      // mallory issues a credential naming itself employer; acme's LegalPersonCredential is not mallory's
      await expect(verifyPresentationForAccess({ presentation: await present(world, [lp.raw as string, forged], world.keys.taro), challenge: CHALLENGE, providerDid: DID.provider }, verifierOptions(world)))
        .rejects.toMatchObject({ reason: 'BrokenChain' });
      const genuine = await world.employee({ employerCredential: lp.credential.id as string });
      await expect(verifyPresentationForAccess({ presentation: await present(world, [genuine], world.keys.taro), challenge: CHALLENGE, providerDid: DID.provider }, verifierOptions(world)))
        .rejects.toMatchObject({ reason: 'BrokenChain', message: expect.stringContaining('does not carry') });
    });

    test('relationship claimed towards a party that did not sign it: UntrustedIssuer', async () => {
      const world = await createWorld();
      // mallory signs "acme is recyclerOf mallory" — fine, but cannot make acme recyclerOf the provider
      const { buildRelationshipCredential } = await import('./credential-types.js');
      const { issueCredentialJwt } = await import('./vc-jwt.js');
      const credential = buildRelationshipCredential({ issuer: DID.mallory, validFrom: world.time.now, type: 'recyclerOf', subject: DID.acme });
      (credential.credentialSubject.relationship as { object: string }).object = DID.provider;
      const jwt = await issueCredentialJwt(credential, world.keys.mallory);
      await expect(verifyPresentationForAccess({ presentation: await present(world, [jwt]), challenge: CHALLENGE, providerDid: DID.provider }, verifierOptions(world)))
        .rejects.toMatchObject({ reason: 'UntrustedIssuer' });
    });

    test('oversized presentation: PayloadTooLarge before any parsing', async () => {
      const world = await createWorld();
      await expect(verifyPresentationForAccess({ presentation: 'a'.repeat(600 * 1024), challenge: CHALLENGE, providerDid: DID.provider }, verifierOptions(world)))
        .rejects.toMatchObject({ reason: 'PayloadTooLarge' });
      await expect(verifyPresentationForAccess({ presentation: `{"x":"${'a'.repeat(600 * 1024)}"}`, challenge: CHALLENGE, providerDid: DID.provider }, verifierOptions(world)))
        .rejects.toMatchObject({ reason: 'PayloadTooLarge' });
    });
  });

  test('status lists come over (loopback) HTTP through the trusted resolver and a revocation there is seen', async () => {
    const world = await createWorld();
    let body = '';
    const server = createServer((_req, res) => res.end(body));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const listUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/status/1`;
      const list = StatusList.create({ id: listUrl, purpose: 'revocation' });
      const index = list.allocate();
      const publish = async () => {
        body = await signJwt(await list.credential({ issuer: DID.jpAnchor, validFrom: world.time.now }), world.keys.jpAnchor);
      };
      await publish();
      const lp = buildLegalPersonCredential({
        issuer: DID.jpAnchor, validFrom: world.time.now, credentialStatus: [list.entry(index)],
        subject: { id: DID.acme, legalName: 'ACME', country: 'JP', identifiers: [{ scheme: 'jp-corporate-number', value: ACME_CORPORATE_NUMBER }], verification: { dataSource: 'NTA', checkedAt: world.time.now.toISOString() } },
      });
      const request = { presentation: await present(world, [await signJwt(lp, world.keys.jpAnchor)]), challenge: CHALLENGE, providerDid: DID.provider };
      const resolver = (allowHttpLoopback: boolean) => createTrustedStatusListResolver({ trustStore: world.trustStore, keys: world.dids, allowHttpLoopback, clock: world.time.clock, cacheTtlMs: 0 });
      await expect(verifyPresentationForAccess(request, { ...verifierOptions(world), statusLists: resolver(false) })).rejects.toMatchObject({ reason: 'StatusCheckFailed', message: expect.stringContaining('InsecureTransport') });
      await expect(verifyPresentationForAccess(request, { ...verifierOptions(world), statusLists: resolver(true) })).resolves.toBeDefined();
      list.set(index, true);
      await publish();
      await expect(verifyPresentationForAccess(request, { ...verifierOptions(world), statusLists: resolver(true) })).rejects.toMatchObject({ reason: 'Revoked' });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
