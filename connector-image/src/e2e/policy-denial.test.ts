// A consumer the policy does not allow is refused with the reason, never silently: the termination
// message carries code PolicyDenied and the failed constraints, the consumer sees them on its
// negotiation, the provider records the denial in its management API and metrics. Transfers are
// checked again at every start, so an agreement does not outlive the policy's conditions.
import { TestDataspace, compiledPolicy, eventually, type TestConnector } from '../testing/harness.test-support.js';

const PROVIDER = 'did:web:maker.example.jp';
const CONSUMER = 'did:web:trader.example.fr';

const recyclersOnly = compiledPolicy('dataspace/pcf-recyclers-only', [{
  action: 'use',
  constraints: [{ leftOperand: 'relationship', operator: 'eq', rightOperand: 'recyclerOf' }],
}]);
const twoTransfers = compiledPolicy('dataspace/two-transfers', [{ action: 'use', constraints: [{ leftOperand: 'count', operator: 'lt', rightOperand: 2 }] }]);

type Json = Record<string, unknown>;

async function startNegotiation(consumer: TestConnector, provider: TestConnector, datasetId: string): Promise<string> {
  const catalog = await consumer.manage('POST', '/catalog/request', { providerUrl: provider.publicUrl, providerDid: provider.did });
  const dataset = (catalog.json.dataset as Json[]).find((d) => d['@id'] === datasetId) as Json;
  const started = await consumer.manage('POST', '/negotiations', { providerUrl: provider.publicUrl, providerDid: provider.did, datasetId, offer: (dataset.hasPolicy as Json[])[0] });
  expect(started.status).toBe(201);
  return encodeURIComponent(started.json.localPid as string);
}

describe('policy enforcement at the provider\'s edge', () => {
  let space: TestDataspace;
  let provider: TestConnector;
  let consumer: TestConnector;

  beforeAll(async () => {
    space = new TestDataspace();
    space.realm.register({ did: CONSUMER, credentialTypes: ['LegalPersonCredential'], relationships: ['customerOf'], jurisdictions: ['EU'] });
    space.realm.register({ did: PROVIDER, credentialTypes: ['LegalPersonCredential'] });
    provider = await space.start({ name: 'provider', did: PROVIDER, offers: [
      { assetId: 'pcf', policy: recyclersOnly, data: '{"pcf":1}' },
      { assetId: 'limited', policy: twoTransfers, data: '{"limited":true}' },
    ] });
    consumer = await space.start({ name: 'consumer', did: CONSUMER });
  });
  afterAll(async () => {
    await space.close();
  });

  test('a consumer without the required relationship gets TERMINATED with the failed constraint, on both sides', async () => {
    const pid = await startNegotiation(consumer, provider, 'pcf');
    const ended = await eventually(() => consumer.manage('GET', `/negotiations/${pid}`), (r) => r.json.state === 'TERMINATED', 'the refusal to arrive');
    expect(ended.json.termination).toEqual({
      by: 'counter-party',
      code: 'PolicyDenied',
      reason: [expect.objectContaining({ reason: 'ConstraintNotSatisfied', policy: 'dataspace/pcf-recyclers-only', path: 'permissions[0].constraints[0]', leftOperand: 'relationship', operator: 'eq', expected: 'recyclerOf', actual: ['customerOf'] })],
    });

    const denials = await provider.manage('GET', '/denials');
    expect(denials.json).toEqual([expect.objectContaining({ stage: 'negotiation', consumerDid: CONSUMER, datasetId: 'pcf', policyId: 'dataspace/pcf-recyclers-only', denials: [expect.objectContaining({ reason: 'ConstraintNotSatisfied', leftOperand: 'relationship' })] })]);
    const providerSide = (await provider.manage('GET', '/negotiations?role=provider')).json as unknown as Json[];
    const refused = providerSide.find((n) => n.counterPartyDid === CONSUMER && n.datasetId === 'pcf') as Json;
    expect(refused).toMatchObject({ state: 'TERMINATED', termination: { by: 'self', code: 'PolicyDenied' } });
    const detail = await provider.manage('GET', `/negotiations/${encodeURIComponent(refused.localPid as string)}`);
    expect(detail.json.denials).toHaveLength(1);
    expect(detail.json.deliveries).toEqual([expect.objectContaining({ messageType: 'ContractNegotiationTerminationMessage', status: 'done' })]);

    const metrics = await provider.running.ctx.metrics.registry.getSingleMetricAsString('musubi_connector_policy_denials_total');
    expect(metrics).toContain('stage="negotiation",reason="ConstraintNotSatisfied"} 1');
  });

  test('the policy is evaluated again before every transfer start: a usage limit ends the third transfer', async () => {
    const pid = await startNegotiation(consumer, provider, 'limited');
    const finalized = await eventually(() => consumer.manage('GET', `/negotiations/${pid}`), (r) => r.json.state === 'FINALIZED', 'the agreement');
    const agreementId = finalized.json.agreementId as string;
    for (let i = 0; i < 2; i++) {
      const started = await consumer.manage('POST', '/transfers', { agreementId, format: 'HttpData-PUSH' });
      const completed = await eventually(() => consumer.manage('GET', `/transfers/${encodeURIComponent(started.json.localPid as string)}`), (r) => ['COMPLETED', 'TERMINATED'].includes(r.json.state as string), `transfer ${i + 1}`);
      expect(completed.json.state).toBe('COMPLETED');
    }
    const third = await consumer.manage('POST', '/transfers', { agreementId, format: 'HttpData-PULL' });
    const refused = await eventually(() => consumer.manage('GET', `/transfers/${encodeURIComponent(third.json.localPid as string)}`), (r) => r.json.state === 'TERMINATED', 'the third transfer to be refused');
    expect(refused.json.termination).toMatchObject({
      by: 'counter-party', code: 'PolicyDenied',
      reason: [expect.objectContaining({ leftOperand: 'count', operator: 'lt', expected: 2, actual: 2 })],
    });
    const denials = (await provider.manage('GET', '/denials')).json as unknown as Json[];
    expect(denials[0]).toMatchObject({ stage: 'transfer', agreementId });
  });
});
