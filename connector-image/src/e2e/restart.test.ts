// Durability: state and outgoing messages commit together, so a connector that stops in the middle of
// a negotiation (crash, pod deletion) loses nothing; after a restart its dispatcher resumes delivery
// and the negotiation completes.
import { TestDataspace, TcpGate, compiledPolicy, eventually, freePort, type TestConnector } from '../testing/harness.test-support.js';

const PROVIDER = 'did:web:maker.example.jp';
const CONSUMER = 'did:web:recycler.example.de';
const open = compiledPolicy('dataspace/open', [{ action: 'use', constraints: [] }]);

type Json = Record<string, unknown>;

describe('restart in the middle of a negotiation', () => {
  let space: TestDataspace;
  let offer: Json;

  beforeEach(() => {
    space = new TestDataspace();
    space.realm.register({ did: CONSUMER });
    space.realm.register({ did: PROVIDER });
  });
  afterEach(async () => {
    await space.close();
  });

  async function catalogOffer(consumer: TestConnector, provider: TestConnector): Promise<Json> {
    const catalog = await consumer.manage('POST', '/catalog/request', { providerUrl: provider.publicUrl, providerDid: provider.did });
    return ((catalog.json.dataset as Json[])[0]?.hasPolicy as Json[])[0] as Json;
  }

  test('provider and consumer both down while the request is pending: after restarts it reaches FINALIZED', async () => {
    let provider = await space.start({ name: 'provider', did: PROVIDER, offers: [{ assetId: 'pcf', policy: open, data: '{"v":1}' }] });
    let consumer = await space.start({ name: 'consumer', did: CONSUMER });
    offer = await catalogOffer(consumer, provider);
    await space.stop(provider);

    const started = await consumer.manage('POST', '/negotiations', { providerUrl: provider.publicUrl, providerDid: PROVIDER, datasetId: 'pcf', offer });
    const pid = encodeURIComponent(started.json.localPid as string);
    await eventually(() => consumer.manage('GET', `/negotiations/${pid}`), (r) => ((r.json.deliveries as Json[])[0]?.attempts as number) >= 1, 'a failed delivery attempt');
    await space.stop(consumer);

    provider = await space.restart(provider);
    consumer = await space.restart(consumer);
    const done = await eventually(() => consumer.manage('GET', `/negotiations/${pid}`), (r) => r.json.state === 'FINALIZED', 'the negotiation to finish after restarts');
    expect(done.json.deliveries).toEqual(expect.arrayContaining([expect.objectContaining({ messageType: 'ContractRequestMessage', status: 'done' })]));
    const providerSide = (await provider.manage('GET', '/negotiations')).json as unknown as Json[];
    expect(providerSide).toEqual([expect.objectContaining({ state: 'FINALIZED', agreementId: done.json.agreementId })]);
  });

  test('provider stops with its agreement undelivered: the restarted provider delivers it and the negotiation finishes', async () => {
    let provider = await space.start({ name: 'provider', did: PROVIDER, offers: [{ assetId: 'pcf', policy: open, data: '{"v":1}' }] });
    const consumerPort = await freePort();
    const gate = await TcpGate.open(consumerPort);
    const consumer = await space.start({ name: 'consumer', did: CONSUMER, port: consumerPort, publicPort: gate.port });
    offer = await catalogOffer(consumer, provider);
    await gate.cut();

    const started = await consumer.manage('POST', '/negotiations', { providerUrl: provider.publicUrl, providerDid: PROVIDER, datasetId: 'pcf', offer });
    const pid = encodeURIComponent(started.json.localPid as string);
    const pending = await eventually(async () => (await provider.manage('GET', '/negotiations')).json as unknown as Json[],
      (list) => list.length === 1 && list[0]?.state === 'AGREED', 'the provider to agree');
    const providerPid = encodeURIComponent(pending[0]?.localPid as string);
    await eventually(() => provider.manage('GET', `/negotiations/${providerPid}`),
      (r) => (r.json.deliveries as Json[]).some((d) => d.messageType === 'ContractAgreementMessage' && (d.attempts as number) >= 1 && d.status === 'pending'), 'the agreement delivery to fail once');
    await space.stop(provider);
    await gate.restore();

    provider = await space.restart(provider);
    const done = await eventually(() => consumer.manage('GET', `/negotiations/${pid}`), (r) => r.json.state === 'FINALIZED', 'the negotiation to finish after the provider restarted');
    expect(done.json.agreementId).toBe(pending[0]?.agreementId);
    const after = await provider.manage('GET', `/negotiations/${providerPid}`);
    expect(after.json.state).toBe('FINALIZED');
    expect((await provider.manage('GET', '/audit/verify')).json).toMatchObject({ valid: true });
    await gate.cut();
  });
});
