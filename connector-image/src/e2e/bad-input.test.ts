// What a connector answers to input it must refuse: malformed JSON, messages of the wrong shape, huge
// bodies, unknown or foreign ids, illegal state transitions, missing credentials and addresses that
// point into private networks. Each gets a clear 4xx in the protocol's error format, and nothing
// stored is changed by it.
import { DSP_CONTEXT, dspMessageIssues } from '../protocol/index.js';
import { TestDataspace, compiledPolicy, eventually, type TestConnector } from '../testing/harness.test-support.js';

const PROVIDER = 'did:web:maker.example.jp';
const CONSUMER = 'did:web:recycler.example.de';
const STRANGER = 'did:web:stranger.example.com';
const open = compiledPolicy('dataspace/open', [{ action: 'use', constraints: [] }]);

type Json = Record<string, unknown>;

describe('bad input to the DSP endpoints', () => {
  let space: TestDataspace;
  let provider: TestConnector;
  let guarded: TestConnector;
  let offerId: string;

  const post = async (connector: TestConnector, path: string, body: string | object, as = CONSUMER, headers: Record<string, string> = {}) => {
    const authorization = await space.realm.credentialsFor(as).authorizationFor(connector.did);
    const response = await fetch(`${connector.publicUrl}${path}`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization, ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: (text ? JSON.parse(text) : {}) as Json };
  };
  const request = (callbackAddress: string, consumerPid = `urn:uuid:${Math.random()}`) => ({
    '@context': [DSP_CONTEXT], '@type': 'ContractRequestMessage', consumerPid, callbackAddress,
    offer: { '@id': offerId, '@type': 'Offer', target: 'pcf', permission: [{ action: 'use' }] },
  });
  const storedState = async (connector: TestConnector) => ({
    negotiations: (await connector.manage('GET', '/negotiations')).json,
    audit: (await connector.manage('GET', '/audit/verify')).json,
  });

  beforeAll(async () => {
    space = new TestDataspace();
    space.realm.register({ did: CONSUMER });
    space.realm.register({ did: STRANGER });
    space.realm.register({ did: PROVIDER });
    provider = await space.start({ name: 'provider', did: PROVIDER, offers: [{ assetId: 'pcf', policy: open, data: '{}' }], maxBodyBytes: 64 * 1024 });
    guarded = await space.start({
      name: 'guarded', did: 'did:web:guarded.example', offers: [
        { assetId: 'pcf', policy: open, source: { http: { url: 'http://127.0.0.1:9/secret', method: 'GET', authHeader: 'Authorization', allowPrivateNetwork: false, timeoutMs: 1000 } } },
      ], outbound: { allowHttp: true, allowPrivateNetwork: false },
    });
    const offers = await provider.manage('GET', '/offers');
    offerId = ((offers.json as unknown as Json[])[0] as Json).offerId as string;
  });
  afterAll(async () => {
    await space.close();
  });

  test('malformed JSON: 400 ContractNegotiationError naming the parse problem', async () => {
    const before = await storedState(provider);
    const answer = await post(provider, '/negotiations/request', '{"@type": "ContractRequestMessage",');
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ '@type': 'ContractNegotiationError', code: 'MalformedJson', reason: [expect.stringContaining('not valid JSON')] });
    expect(dspMessageIssues('ContractNegotiationError', answer.json)).toEqual([]);
    expect(await storedState(provider)).toEqual(before);
  });

  test('wrong types and missing fields: 400 listing every schema problem by path', async () => {
    const answer = await post(provider, '/negotiations/request', { '@context': [DSP_CONTEXT], '@type': 'ContractRequestMessage', consumerPid: 42, offer: { '@type': 'Offer' } });
    expect(answer.status).toBe(400);
    expect(answer.json.code).toBe('InvalidMessage');
    const reasons = (answer.json.reason as string[]).join('\n');
    expect(reasons).toContain('consumerPid must be string');
    expect(reasons).toContain("offer must have required property '@id'");
    expect(reasons).toContain('callbackAddress');
    const wrongType = await post(provider, '/transfers/request', { '@context': [DSP_CONTEXT], '@type': 'ContractRequestMessage' });
    expect(wrongType).toMatchObject({ status: 400, json: { '@type': 'TransferError', code: 'InvalidMessage', reason: ["@type must be 'TransferRequestMessage' at this endpoint, got 'ContractRequestMessage'"] } });
    const prefixed = await post(provider, '/catalog/request', { '@context': [DSP_CONTEXT], '@type': 'CatalogRequestMessage', 'dspace:filter': [] });
    expect(prefixed).toMatchObject({ status: 400, json: { '@type': 'CatalogError', reason: [expect.stringContaining('dspace:filter is not a compacted DSP 2025-1 term')] } });
  });

  test('a body over the limit: 413 before anything is parsed', async () => {
    const answer = await post(provider, '/negotiations/request', { ...request('http://127.0.0.1:1/cb'), padding: 'x'.repeat(100 * 1024) });
    expect(answer.status).toBe(413);
    expect(answer.json).toMatchObject({ '@type': 'ContractNegotiationError', code: 'PayloadTooLarge' });
  });

  test('no or a forged token: 401; a token for another connector: 401 WrongAudience', async () => {
    const none = await fetch(`${provider.publicUrl}/catalog/request`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ '@context': [DSP_CONTEXT], '@type': 'CatalogRequestMessage' }) });
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ '@type': 'CatalogError', code: 'MissingAuthorization' });
    const forged = await post(provider, '/catalog/request', { '@context': [DSP_CONTEXT], '@type': 'CatalogRequestMessage' }, CONSUMER, { authorization: 'Bearer abc.def' });
    expect(forged).toMatchObject({ status: 401, json: { code: 'InvalidToken' } });
    const elsewhere = await space.realm.credentialsFor(CONSUMER).authorizationFor('did:web:other.example');
    const misdirected = await post(provider, '/catalog/request', { '@context': [DSP_CONTEXT], '@type': 'CatalogRequestMessage' }, CONSUMER, { authorization: elsewhere });
    expect(misdirected).toMatchObject({ status: 401, json: { code: 'WrongAudience' } });
  });

  test('unknown ids, and ids of another participant\'s negotiation: 404', async () => {
    const unknown = await fetch(`${provider.publicUrl}/negotiations/urn:uuid:nope`, { headers: { authorization: await space.realm.credentialsFor(CONSUMER).authorizationFor(PROVIDER) } });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ '@type': 'ContractNegotiationError', code: 'NotFound' });

    const created = await post(provider, '/negotiations/request', request(`${provider.publicUrl.replace('/api/dsp', '')}/nowhere`));
    expect(created.status).toBe(201);
    const providerPid = created.json.providerPid as string;
    const peek = await fetch(`${provider.publicUrl}/negotiations/${providerPid}`, { headers: { authorization: await space.realm.credentialsFor(STRANGER).authorizationFor(PROVIDER) } });
    expect(peek.status).toBe(404);
    const unknownDataset = await fetch(`${provider.publicUrl}/catalog/datasets/missing`, { headers: { authorization: await space.realm.credentialsFor(CONSUMER).authorizationFor(PROVIDER) } });
    expect(unknownDataset.status).toBe(404);
    expect(await unknownDataset.json()).toMatchObject({ '@type': 'CatalogError' });
  });

  test('an unknown offer id is refused and creates nothing', async () => {
    const before = await storedState(provider);
    const answer = await post(provider, '/negotiations/request', { ...request('http://127.0.0.1:1/cb'), offer: { '@id': 'urn:offer:invented', '@type': 'Offer', target: 'pcf', permission: [{ action: 'use' }] } });
    expect(answer).toMatchObject({ status: 400, json: { code: 'UnknownOffer', reason: [expect.stringContaining("offer 'urn:offer:invented' is not in this connector's catalog")] } });
    expect(await storedState(provider)).toEqual(before);
  });

  test('an illegal transition: 400 ContractNegotiationError, state unchanged', async () => {
    const created = await post(provider, '/negotiations/request', request('http://127.0.0.1:1/cb'));
    const pids = { providerPid: created.json.providerPid as string, consumerPid: created.json.consumerPid as string };
    const pid = encodeURIComponent(pids.providerPid);
    await eventually(() => provider.manage('GET', `/negotiations/${pid}`), (r) => r.json.state === 'AGREED', 'the provider to agree');
    const finalized = await post(provider, `/negotiations/${pids.providerPid}/events`, { '@context': [DSP_CONTEXT], '@type': 'ContractNegotiationEventMessage', ...pids, eventType: 'ACCEPTED' });
    expect(finalized).toMatchObject({ status: 400, json: { '@type': 'ContractNegotiationError', ...pids, code: 'IllegalStateTransition', reason: [expect.stringContaining('not allowed when the negotiation is AGREED')] } });
    expect(dspMessageIssues('ContractNegotiationError', finalized.json)).toEqual([]);
    const mismatched = await post(provider, `/negotiations/${pids.providerPid}/agreement/verification`, { '@context': [DSP_CONTEXT], '@type': 'ContractAgreementVerificationMessage', providerPid: pids.providerPid, consumerPid: 'urn:uuid:someone-else' });
    expect(mismatched).toMatchObject({ status: 400, json: { code: 'PidMismatch' } });
    expect((await provider.manage('GET', `/negotiations/${pid}`)).json.state).toBe('AGREED');
  });

  test('SSRF: callback addresses and data backends in private ranges are refused when not allowed', async () => {
    const metadata = await post(guarded, '/negotiations/request', request('http://169.254.169.254/latest/meta-data'));
    expect(metadata).toMatchObject({ status: 400, json: { code: 'CallbackAddressRefused', reason: [expect.stringContaining('non-public address')] } });
    const viaName = await post(guarded, '/negotiations/request', request('http://localhost:8080/cb'));
    expect(viaName).toMatchObject({ status: 400, json: { code: 'CallbackAddressRefused' } });
    const scheme = await post(guarded, '/negotiations/request', request('file:///etc/passwd'));
    expect(scheme).toMatchObject({ status: 400, json: { code: 'CallbackAddressRefused', reason: [expect.stringContaining('only https:// is allowed')] } });
    expect((await guarded.manage('GET', '/negotiations')).json).toEqual([]);
  });

  test('management API: wrong token 401, invalid body 400 with paths, unknown process 404', async () => {
    const wrong = await fetch(`${provider.managementUrl}/offers`, { headers: { authorization: 'Bearer not-the-token-but-long-enough' } });
    expect(wrong.status).toBe(401);
    const invalid = await provider.manage('POST', '/negotiations', { providerUrl: 'not a url', providerDid: 'maker', datasetId: '' });
    expect(invalid.status).toBe(400);
    expect((invalid.json.issues as Array<{ path: string }>).map((i) => i.path)).toEqual(expect.arrayContaining(['body.providerUrl', 'body.providerDid', 'body.datasetId']));
    const missing = await provider.manage('GET', '/transfers/urn:uuid:none');
    expect(missing).toMatchObject({ status: 404, json: { error: 'NotFound' } });
    const openapi = await fetch(`${provider.managementUrl}/openapi.json`);
    expect(await openapi.json()).toMatchObject({ openapi: '3.1.0', paths: expect.objectContaining({ '/negotiations': expect.anything() }) });
  });
});
