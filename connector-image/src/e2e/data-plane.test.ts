// The HTTP pull data plane: access tokens are short-lived and renewed with the single-use refresh
// token, suspension revokes access, and a repeated DSP message is acknowledged without being applied
// twice. The audit log detects tampering.
import Database from 'better-sqlite3';
import { DSP_CONTEXT } from '../protocol/index.js';
import { TestDataspace, compiledPolicy, eventually, type TestConnector } from '../testing/harness.test-support.js';

const PROVIDER = 'did:web:maker.example.jp';
const CONSUMER = 'did:web:recycler.example.de';
const open = compiledPolicy('dataspace/open', [{ action: 'use', constraints: [] }]);

type Json = Record<string, unknown>;

describe('pull access, repeats and the audit chain', () => {
  let space: TestDataspace;
  let provider: TestConnector;
  let consumer: TestConnector;
  let now = Date.now();
  let agreementId: string;

  beforeAll(async () => {
    space = new TestDataspace();
    space.realm.register({ did: CONSUMER });
    space.realm.register({ did: PROVIDER });
    provider = await space.start({ name: 'provider', did: PROVIDER, offers: [{ assetId: 'pcf', policy: open, data: '{"pcf":7}' }], clock: () => new Date(now) });
    consumer = await space.start({ name: 'consumer', did: CONSUMER });
    const catalog = await consumer.manage('POST', '/catalog/request', { providerUrl: provider.publicUrl, providerDid: PROVIDER });
    const offer = ((catalog.json.dataset as Json[])[0]?.hasPolicy as Json[])[0];
    const started = await consumer.manage('POST', '/negotiations', { providerUrl: provider.publicUrl, providerDid: PROVIDER, datasetId: 'pcf', offer });
    const done = await eventually(() => consumer.manage('GET', `/negotiations/${encodeURIComponent(started.json.localPid as string)}`), (r) => r.json.state === 'FINALIZED', 'the agreement');
    agreementId = done.json.agreementId as string;
  });
  afterAll(async () => {
    await space.close();
  });

  test('an expired access token is renewed with the refresh token; suspension revokes access', async () => {
    const started = await consumer.manage('POST', '/transfers', { agreementId, format: 'HttpData-PULL' });
    const pid = encodeURIComponent(started.json.localPid as string);
    await eventually(() => consumer.manage('GET', `/transfers/${pid}`), (r) => r.json.state === 'STARTED', 'the transfer to start');
    expect((await consumer.manage('GET', `/transfers/${pid}/data`)).text).toBe('{"pcf":7}');

    now += 61_000; // past the 60 s access token lifetime of the test connectors
    const direct = await fetch(`${provider.publicUrl}/data/pull/${encodeURIComponent(started.json.localPid as string)}`, { headers: { authorization: 'Bearer invented' } });
    expect(direct.status).toBe(401);
    expect((await consumer.manage('GET', `/transfers/${pid}/data`)).text).toBe('{"pcf":7}');
    const audit = (await provider.manage('GET', '/audit')).text.trim().split('\n').map((line) => JSON.parse(line) as Json);
    expect(audit.map((e) => e.event)).toContain('transfer.access-renewed');

    const suspended = await consumer.manage('POST', `/transfers/${pid}/suspend`, { reason: 'maintenance window' });
    expect(suspended.json.state).toBe('SUSPENDED');
    const providerPid = (await eventually(async () => (await provider.manage('GET', '/transfers')).json as unknown as Json[], (list) => list[0]?.state === 'SUSPENDED', 'the provider to suspend'))[0]?.localPid as string;
    const refused = await consumer.manage('GET', `/transfers/${pid}/data`);
    expect(refused).toMatchObject({ status: 409, json: { error: 'TransferNotStarted' } });
    expect(providerPid).toBeDefined();
  });

  test('a repeated initial request gets the same negotiation; the same consumerPid with other content is refused', async () => {
    const authorization = await space.realm.credentialsFor(CONSUMER).authorizationFor(PROVIDER);
    const offerId = ((await provider.manage('GET', '/offers')).json as unknown as Json[])[0]?.offerId as string;
    const message = {
      '@context': [DSP_CONTEXT], '@type': 'ContractRequestMessage', consumerPid: 'urn:uuid:repeat-1', callbackAddress: 'http://127.0.0.1:9/cb',
      offer: { '@id': offerId, '@type': 'Offer', target: 'pcf', permission: [{ action: 'use' }] },
    };
    const send = async (body: object) => {
      const response = await fetch(`${provider.publicUrl}/negotiations/request`, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify(body) });
      return { status: response.status, json: (await response.json()) as Json };
    };
    const first = await send(message);
    const again = await send(message);
    expect(first.status).toBe(201);
    expect(again).toEqual({ status: 201, json: expect.objectContaining({ providerPid: first.json.providerPid }) });
    const other = await send({ ...message, offer: { ...message.offer, permission: [{ action: 'odrl:read' }] } });
    expect(other).toMatchObject({ status: 400, json: { code: 'DuplicateConsumerPid' } });
  });

  test('editing a stored audit entry is detected by verification', async () => {
    expect((await consumer.manage('GET', '/audit/verify')).json).toMatchObject({ valid: true });
    const db = new Database(consumer.dbPath);
    try {
      db.prepare("UPDATE audit_log SET detail = '{\"forged\":true}' WHERE seq = 2").run();
    } finally {
      db.close();
    }
    const verdict = await consumer.manage('GET', '/audit/verify');
    expect(verdict.json).toMatchObject({ valid: false, brokenAt: 2, problem: expect.stringContaining('entry 2 was altered') });
  });
});
