// Replicas sharing state through PostgreSQL: a negotiation finalized through one provider replica is
// continued by another (transfer request, pull, data served) after the first is gone, the way a
// Service moves traffic between pods.
import { SqlConnectorStore } from '../store/sql-store.js';
import { openPostgresDriver } from '../store/postgres-driver.js';
import { POSTGRES_MISSING, postgresAvailable, startThrowawayPostgres, type ThrowawayPostgres } from '../store/postgres-cluster.test-support.js';
import { TestDataspace, TcpGate, compiledPolicy, eventually, freePort } from '../testing/harness.test-support.js';

const PROVIDER = 'did:web:maker.example.jp';
const CONSUMER = 'did:web:recycler.example.de';
const open = compiledPolicy('dataspace/open', [{ action: 'use', constraints: [] }]);

type Json = Record<string, unknown>;

(postgresAvailable() ? describe : describe.skip)(`provider replicas on one PostgreSQL${postgresAvailable() ? '' : ` (skipped: ${POSTGRES_MISSING})`}`, () => {
  let postgres: ThrowawayPostgres;
  let space: TestDataspace;

  beforeAll(async () => {
    postgres = await startThrowawayPostgres();
    space = new TestDataspace();
    space.realm.register({ did: CONSUMER });
    space.realm.register({ did: PROVIDER });
  });
  afterAll(async () => {
    await space.close();
    postgres.stop();
  });

  test('replica B continues what replica A agreed', async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    const service = await TcpGate.open(portA);
    const storeA = await SqlConnectorStore.open(openPostgresDriver(postgres.options));
    const a = await space.start({ name: 'provider-a', did: PROVIDER, port: portA, publicPort: service.port, offers: [{ assetId: 'pcf', policy: open, data: '{"pcf":42}' }], store: storeA });
    const consumer = await space.start({ name: 'consumer', did: CONSUMER });

    const catalog = await consumer.manage('POST', '/catalog/request', { providerUrl: a.publicUrl, providerDid: PROVIDER });
    const offer = ((catalog.json.dataset as Json[])[0]?.hasPolicy as Json[])[0];
    const started = await consumer.manage('POST', '/negotiations', { providerUrl: a.publicUrl, providerDid: PROVIDER, datasetId: 'pcf', offer });
    const pid = encodeURIComponent(started.json.localPid as string);
    const done = await eventually(() => consumer.manage('GET', `/negotiations/${pid}`), (r) => r.json.state === 'FINALIZED', 'the negotiation through replica A');

    const storeB = await SqlConnectorStore.open(openPostgresDriver(postgres.options));
    const b = await space.start({ name: 'provider-b', did: PROVIDER, port: portB, publicPort: service.port, offers: [{ assetId: 'pcf', policy: open, data: '{"pcf":42}' }], store: storeB });
    await space.stop(a);
    service.retarget(portB);

    const transfer = await consumer.manage('POST', '/transfers', { agreementId: done.json.agreementId, format: 'HttpData-PULL' });
    const tpid = encodeURIComponent(transfer.json.localPid as string);
    await eventually(() => consumer.manage('GET', `/transfers/${tpid}`), (r) => r.json.state === 'STARTED', 'replica B to start the transfer');
    const data = await consumer.manage('GET', `/transfers/${tpid}/data`);
    expect(data.text).toBe('{"pcf":42}');
    const seenByB = (await b.manage('GET', '/transfers')).json as unknown as Json[];
    expect(seenByB).toEqual([expect.objectContaining({ state: 'STARTED', agreementId: done.json.agreementId })]);
    expect((await b.manage('GET', '/audit/verify')).json).toMatchObject({ valid: true });
    await service.cut();
  });
});
