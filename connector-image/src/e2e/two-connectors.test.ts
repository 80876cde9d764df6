// Two connectors on 127.0.0.1 doing what participants do: browse the catalog, negotiate to FINALIZED,
// transfer by pull and by push, in both directions; every DSP message on the wire checked against the
// official 2025-1 schemas.
import { dspMessageIssues, type DspMessageName } from '../protocol/index.js';
import { TestDataspace, compiledPolicy, eventually, type TestConnector } from '../testing/harness.test-support.js';

const MAKER = 'did:web:maker.example.jp';
const RECYCLER = 'did:web:recycler.example.de';
const PCF = JSON.stringify({ productId: 'urn:jp:vehicle:example-hybrid-2026', pcfExcludingBiogenic: 8123.4, unit: 'kgCO2e' });
const SCRAP = JSON.stringify({ batch: 'B-17', recoveredLithiumKg: 12.5 });

const recyclersOnly = compiledPolicy('dataspace/pcf-recyclers-only', [{
  action: 'use',
  constraints: [
    { leftOperand: 'credentialType', operator: 'eq', rightOperand: 'LegalPersonCredential' },
    { leftOperand: 'relationship', operator: 'eq', rightOperand: 'recyclerOf' },
    { leftOperand: 'purpose', operator: 'eq', rightOperand: 'end-of-life-recycling' },
  ],
}], [{ action: 'distribute', constraints: [] }]);
const membersOnly = compiledPolicy('dataspace/members', [{ action: 'use', constraints: [{ leftOperand: 'jurisdiction', operator: 'isAnyOf', rightOperand: ['JP', 'EU'] }] }]);

type Json = Record<string, unknown>;

async function negotiate(consumer: TestConnector, provider: TestConnector, datasetId: string, purpose?: string): Promise<Json> {
  const catalog = await consumer.manage('POST', '/catalog/request', { providerUrl: provider.publicUrl, providerDid: provider.did });
  expect(catalog.status).toBe(200);
  const dataset = (catalog.json.dataset as Json[]).find((d) => d['@id'] === datasetId) as Json;
  expect(dataset).toBeDefined();
  const offer = (dataset.hasPolicy as Json[])[0] as Json;
  const started = await consumer.manage('POST', '/negotiations', { providerUrl: provider.publicUrl, providerDid: provider.did, datasetId, offer, ...(purpose && { purpose }) });
  expect(started.status).toBe(201);
  const pid = started.json.localPid as string;
  return (await eventually(() => consumer.manage('GET', `/negotiations/${encodeURIComponent(pid)}`), (r) => ['FINALIZED', 'TERMINATED'].includes(r.json.state as string), `negotiation ${pid} to end`)).json;
}

async function transfer(consumer: TestConnector, agreementId: string, format: 'HttpData-PULL' | 'HttpData-PUSH'): Promise<{ transfer: Json; data: string }> {
  const started = await consumer.manage('POST', '/transfers', { agreementId, format });
  expect(started.status).toBe(201);
  const pid = encodeURIComponent(started.json.localPid as string);
  const until = format === 'HttpData-PULL' ? ['STARTED', 'TERMINATED'] : ['COMPLETED', 'TERMINATED'];
  const seen = await eventually(() => consumer.manage('GET', `/transfers/${pid}`), (r) => until.includes(r.json.state as string), `transfer ${pid}`);
  const data = await consumer.manage('GET', `/transfers/${pid}/data`);
  return { transfer: seen.json, data: data.text };
}

describe('two connectors on 127.0.0.1', () => {
  let space: TestDataspace;
  let maker: TestConnector;
  let recycler: TestConnector;

  beforeAll(async () => {
    space = new TestDataspace();
    space.realm.register({ did: RECYCLER, credentialTypes: ['LegalPersonCredential'], relationships: ['recyclerOf'], jurisdictions: ['EU'], country: 'DE' });
    space.realm.register({ did: MAKER, credentialTypes: ['LegalPersonCredential'], jurisdictions: ['JP'], country: 'JP' });
    maker = await space.start({ name: 'maker', did: MAKER, offers: [{ assetId: 'pcf-hybrid-2026', policy: recyclersOnly, data: PCF }] });
    recycler = await space.start({ name: 'recycler', did: RECYCLER, offers: [{ assetId: 'recovered-materials', policy: membersOnly, data: SCRAP }] });
  });
  afterAll(async () => {
    await space.close();
  });

  test('recycler: catalog → negotiation FINALIZED → pull and push transfers deliver the maker\'s data', async () => {
    const negotiation = await negotiate(recycler, maker, 'pcf-hybrid-2026', 'end-of-life-recycling');
    expect(negotiation).toMatchObject({ state: 'FINALIZED', role: 'consumer', datasetId: 'pcf-hybrid-2026' });
    const agreementId = negotiation.agreementId as string;
    const providerSide = await maker.manage('GET', '/negotiations?role=provider');
    expect(providerSide.json).toEqual(expect.arrayContaining([expect.objectContaining({ state: 'FINALIZED', agreementId, counterPartyDid: RECYCLER })]));
    const agreement = await recycler.manage('GET', `/agreements/${encodeURIComponent(agreementId)}`);
    expect(agreement.json).toMatchObject({ agreementId, providerDid: MAKER, consumerDid: RECYCLER, agreement: { '@type': 'Agreement', assigner: MAKER, assignee: RECYCLER, target: 'pcf-hybrid-2026' } });

    const pulled = await transfer(recycler, agreementId, 'HttpData-PULL');
    expect(pulled.transfer.state).toBe('STARTED');
    expect(pulled.data).toBe(PCF);
    // The management view never shows the data-plane tokens it holds.
    const properties = (pulled.transfer.dataAddress as { endpointProperties: Array<{ name: string; value: string }> }).endpointProperties;
    expect(properties.filter((p) => ['authorization', 'refreshToken'].includes(p.name)).map((p) => p.value)).toEqual(['[redacted]', '[redacted]']);

    const pushed = await transfer(recycler, agreementId, 'HttpData-PUSH');
    expect(pushed.transfer.state).toBe('COMPLETED');
    expect(pushed.data).toBe(PCF);
  });

  test('maker: the other direction works with the same connectors', async () => {
    const negotiation = await negotiate(maker, recycler, 'recovered-materials');
    expect(negotiation.state).toBe('FINALIZED');
    const pulled = await transfer(maker, negotiation.agreementId as string, 'HttpData-PULL');
    expect(pulled.data).toBe(SCRAP);
  });

  test('every DSP message sent or received conforms to the DSP 2025-1 schemas', () => {
    expect(space.wire.length).toBeGreaterThan(20);
    const problems = space.wire.flatMap((w) => dspMessageIssues(w.messageType as DspMessageName, w.message).map((issue) => `${w.connector} ${w.direction} ${w.messageType}: ${issue.message}`));
    expect(problems).toEqual([]);
    const types = new Set(space.wire.map((w) => w.messageType));
    for (const type of ['ContractRequestMessage', 'ContractAgreementMessage', 'ContractAgreementVerificationMessage', 'ContractNegotiationEventMessage', 'TransferRequestMessage', 'TransferStartMessage', 'TransferCompletionMessage', 'ContractNegotiation', 'TransferProcess', 'CatalogRequestMessage']) {
      expect(types).toContain(type);
    }
  });

  test('the audit log of each connector verifies as an unbroken hash chain', async () => {
    for (const connector of [maker, recycler]) {
      const verdict = await connector.manage('GET', '/audit/verify');
      expect(verdict.json).toMatchObject({ valid: true });
      expect(verdict.json.entries as number).toBeGreaterThan(5);
    }
  });
});
