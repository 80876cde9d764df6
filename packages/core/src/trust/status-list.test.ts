import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import { checkStatus as libraryCheckStatus } from '@digitalbazaar/vc-bitstring-status-list';
import { MIN_STATUS_LIST_LENGTH, StatusList, checkCredentialStatus } from './status-list.js';
import { issueCredentialDataIntegrity, type SecuredCredential } from './data-integrity.js';
import { createDocumentLoader } from './document-loader.js';
import { issueCredentialJwt } from './vc-jwt.js';
import { DID, JP_ANCHOR_STATUS, T0, createWorld } from './test-fixtures.js';

describe('StatusList (issuer side)', () => {
  test('allocates distinct random indices, sets and clears bits, survives storage', async () => {
    const list = StatusList.create({ id: 'https://issuer.example/status/1', purpose: 'suspension' });
    expect(list.length).toBe(MIN_STATUS_LIST_LENGTH);
    const indices = new Set(Array.from({ length: 200 }, () => list.allocate()));
    expect(indices.size).toBe(200);
    const [first, second] = [...indices] as [number, number];
    list.set(first, true);
    expect(list.isSet(first)).toBe(true);
    expect(list.entry(first)).toEqual({
      id: `https://issuer.example/status/1#${first}`, type: 'BitstringStatusListEntry', statusPurpose: 'suspension',
      statusListIndex: String(first), statusListCredential: 'https://issuer.example/status/1',
    });
    const restored = StatusList.restore(JSON.parse(JSON.stringify(await list.toState())));
    expect(restored.isSet(first)).toBe(true);
    expect(restored.isSet(second)).toBe(false);
    expect(restored.allocatedCount).toBe(200);
    restored.set(first, false);
    expect(restored.isSet(first)).toBe(false);
  });

  test('refuses what would corrupt the list', () => {
    expect(() => StatusList.create({ id: 'https://issuer.example/s', purpose: 'revocation', length: 8 })).toThrow(/length must be a multiple of 8 from 131072/);
    expect(() => StatusList.create({ id: 'not a url', purpose: 'revocation' })).toThrow(/https URL/);
    const list = StatusList.create({ id: 'https://issuer.example/s', purpose: 'revocation' });
    expect(() => list.set(5, true)).toThrow(/never allocated/);
    const index = list.allocate();
    list.set(index, true);
    expect(() => list.set(index, false)).toThrow(/revocation is final/);
  });

  test('the published credential is a BitstringStatusListCredential', async () => {
    const list = StatusList.create({ id: 'https://issuer.example/status/1', purpose: 'revocation' });
    expect(await list.credential({ issuer: 'did:web:issuer.example', validFrom: T0 })).toMatchObject({
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      credentialSubject: { id: 'https://issuer.example/status/1#list', type: 'BitstringStatusList', statusPurpose: 'revocation', encodedList: expect.stringMatching(/^u/) },
    });
  });
});

describe('checkCredentialStatus (verifier side)', () => {
  test('passing the library checkStatus to verifyCredential accepts a revoked credential; our check refuses it', async () => {
    const world = await createWorld();
    const lp = await world.legalPerson({ format: 'eddsa-rdfc-2022', status: true });
    world.revocations.set(lp.revocationIndex as number, true);
    // no validUntil: the library checks the list against the wall clock, not the test clock
    const listCredential = await world.revocations.credential({ issuer: DID.jpAnchor, validFrom: T0 });
    const signedList = await issueCredentialDataIntegrity(listCredential, world.keys.jpAnchor, { clock: world.time.clock });
    const suspensionList = await issueCredentialDataIntegrity(await world.suspensions.credential({ issuer: DID.jpAnchor, validFrom: T0 }), world.keys.jpAnchor, { clock: world.time.clock });
    const ours = createDocumentLoader({ keys: world.trustStore.keyResolver(world.dids) });
    const documentLoader = async (url: string) =>
      url === JP_ANCHOR_STATUS ? { contextUrl: null, documentUrl: url, document: signedList }
        : url === world.suspensions.id ? { contextUrl: null, documentUrl: url, document: suspensionList } : ours(url);
    const suite = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 });
    const naive = await vc.verifyCredential({ credential: lp.raw as SecuredCredential, suite, documentLoader, now: world.time.now, checkStatus: libraryCheckStatus as never });
    expect(naive.verified).toBe(true); // the pitfall: the bit is reported, not judged
    expect((naive as { statusResult?: { results: { status: boolean }[] } }).statusResult?.results.map((r) => r.status)).toContain(true);

    world.published.set(JP_ANCHOR_STATUS, signedList);
    world.published.set(world.suspensions.id, suspensionList);
    await expect(checkCredentialStatus(lp.credential, world.statusLists)).rejects.toMatchObject({ reason: 'Revoked' });
  });

  test('suspended: Suspended; cleared: accepted, with what was checked', async () => {
    const world = await createWorld();
    const lp = await world.legalPerson({ status: true });
    world.suspensions.set(lp.suspensionIndex as number, true);
    await world.publishStatusLists();
    await expect(checkCredentialStatus(lp.credential, world.statusLists)).rejects.toMatchObject({ reason: 'Suspended' });
    world.suspensions.set(lp.suspensionIndex as number, false);
    await world.publishStatusLists();
    await expect(checkCredentialStatus(lp.credential, world.statusLists)).resolves.toEqual([
      { purpose: 'revocation', statusListCredential: JP_ANCHOR_STATUS, index: lp.revocationIndex, set: false },
      { purpose: 'suspension', statusListCredential: world.suspensions.id, index: lp.suspensionIndex, set: false },
    ]);
  });

  test("a status list signed by someone else, tampered, expired or of another issuer is not believed: StatusCheckFailed", async () => {
    const world = await createWorld();
    const lp = await world.legalPerson({ status: true });
    const listCredential = await world.revocations.credential({ issuer: DID.jpAnchor, validFrom: T0 });
    // signed by mallory with a key claiming to be the anchor's
    world.published.set(JP_ANCHOR_STATUS, await issueCredentialJwt(listCredential, world.keys.mallory.withKid(`${DID.jpAnchor}#key-1`)));
    await expect(checkCredentialStatus(lp.credential, world.statusLists)).rejects.toMatchObject({ reason: 'StatusCheckFailed', message: expect.stringContaining('InvalidSignature') });
    // issued (validly) by another party
    const foreign = await world.revocations.credential({ issuer: DID.acme, validFrom: T0 });
    world.published.set(JP_ANCHOR_STATUS, await issueCredentialJwt(foreign, world.keys.acme));
    await expect(checkCredentialStatus(lp.credential, world.statusLists)).rejects.toMatchObject({ reason: 'StatusCheckFailed', message: expect.stringContaining('not by the credential\'s issuer') });
    // expired list
    const stale = await world.revocations.credential({ issuer: DID.jpAnchor, validFrom: T0, validUntil: new Date(T0.getTime() + 1000) });
    world.published.set(JP_ANCHOR_STATUS, await issueCredentialJwt(stale, world.keys.jpAnchor));
    world.time.advance(3600_000);
    await expect(checkCredentialStatus(lp.credential, world.statusLists)).rejects.toMatchObject({ reason: 'StatusCheckFailed', message: expect.stringContaining('Expired') });
    // unreachable list
    world.published.delete(JP_ANCHOR_STATUS);
    await expect(checkCredentialStatus(lp.credential, world.statusLists)).rejects.toMatchObject({ reason: 'StatusCheckFailed' });
  });

  test('a gzip bomb in encodedList is refused', async () => {
    const world = await createWorld();
    const lp = await world.legalPerson({ status: true });
    const { gzipSync } = await import('node:zlib');
    const bomb = `u${gzipSync(Buffer.alloc(8 * 1024 * 1024)).toString('base64url')}`;
    const listCredential = await world.revocations.credential({ issuer: DID.jpAnchor, validFrom: T0 });
    listCredential.credentialSubject.encodedList = bomb;
    world.published.set(JP_ANCHOR_STATUS, await issueCredentialJwt(listCredential, world.keys.jpAnchor));
    await expect(checkCredentialStatus(lp.credential, world.statusLists)).rejects.toMatchObject({ reason: 'StatusCheckFailed', message: expect.stringContaining('at most') });
  });
});
