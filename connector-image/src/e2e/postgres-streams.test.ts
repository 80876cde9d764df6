// Streams and notifications on PostgreSQL: a push is stored in chunks at a consumer whose store is
// PostgreSQL and read back intact; two provider replicas sharing one PostgreSQL both watch the same
// offer, and a change of its data reaches the subscriber exactly once.
import { createHash, randomBytes } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { LocalDidRegistry, buildDidDocument, createKeyResolver, generateKeyPair } from '@musubi/core/trust';
import type { PublishedOffer } from '../policy/offer-book.js';
import { SqlConnectorStore } from '../store/sql-store.js';
import { openPostgresDriver } from '../store/postgres-driver.js';
import { POSTGRES_MISSING, postgresAvailable, startThrowawayPostgres, type ThrowawayPostgres } from '../store/postgres-cluster.test-support.js';
import { TestDataspace, TcpGate, compiledPolicy, eventually, freePort, type TestConnector } from '../testing/harness.test-support.js';

const PROVIDER = 'did:web:maker.example.jp';
const CONSUMER = 'did:web:recycler.example.de';
const MiB = 1024 * 1024;
const open = compiledPolicy('dataspace/open', [{ action: 'use', constraints: [] }]);

type Json = Record<string, unknown>;

(postgresAvailable() ? describe : describe.skip)(`streams and notifications on PostgreSQL${postgresAvailable() ? '' : ` (skipped: ${POSTGRES_MISSING})`}`, () => {
  let postgres: ThrowawayPostgres;
  let space: TestDataspace;
  let replicaA: TestConnector;
  let replicaB: TestConnector;
  let consumer: TestConnector;
  let service: TcpGate;
  const payload = randomBytes(20 * MiB);
  const dataFile = (): string => join(space.dir, 'shared-data.bin');

  beforeAll(async () => {
    postgres = await startThrowawayPostgres();
    const admin = new pg.Client({ ...postgres.options });
    await admin.connect();
    await admin.query('CREATE DATABASE consumer');
    await admin.end();
    space = new TestDataspace();
    space.realm.register({ did: CONSUMER });
    space.realm.register({ did: PROVIDER });
    writeFileSync(dataFile(), payload);
    const signingKey = (await generateKeyPair({ algorithm: 'Ed25519' })).forDid(PROVIDER, 'events');
    const registry = new LocalDidRegistry();
    registry.register(buildDidDocument({ did: PROVIDER, keys: [{ key: signingKey }] }));
    const keys = createKeyResolver(registry);
    const [portA, portB] = [await freePort(), await freePort()];
    service = await TcpGate.open(portA);
    const replica = async (name: string, port: number) => space.start({
      name, did: PROVIDER, port, publicPort: service.port, store: await SqlConnectorStore.open(openPostgresDriver(postgres.options)),
      offers: [{ assetId: 'bulk', policy: open, mediaType: 'application/octet-stream', source: { file: { path: dataFile() } } }],
      dataPlane: { maxDataBytes: 64 * MiB }, notifications: { signingKey, keys, pollIntervalMs: 50 },
    });
    replicaA = await replica('provider-a', portA);
    replicaB = await replica('provider-b', portB);
    consumer = await space.start({
      name: 'consumer', did: CONSUMER, store: await SqlConnectorStore.open(openPostgresDriver({ ...postgres.options, database: 'consumer' })),
      dataPlane: { maxDataBytes: 64 * MiB }, notifications: { keys },
    });
  }, 60_000);
  afterAll(async () => {
    await service.cut();
    await space.close();
    postgres.stop();
  });

  test('a 20 MiB push is stored in chunks and read back intact; a change seen by two replicas is announced once', async () => {
    const catalog = await consumer.manage('POST', '/catalog/request', { providerUrl: replicaA.publicUrl, providerDid: PROVIDER });
    const offer = ((catalog.json.dataset as Json[])[0]?.hasPolicy as Json[])[0];
    const started = await consumer.manage('POST', '/negotiations', { providerUrl: replicaA.publicUrl, providerDid: PROVIDER, datasetId: 'bulk', offer });
    const agreementId = (await eventually(() => consumer.manage('GET', `/negotiations/${encodeURIComponent(started.json.localPid as string)}`), (r) => r.json.state === 'FINALIZED', 'the agreement')).json.agreementId as string;

    const transfer = await consumer.manage('POST', '/transfers', { agreementId, format: 'HttpData-PUSH' });
    const pid = encodeURIComponent(transfer.json.localPid as string);
    await eventually(() => consumer.manage('GET', `/transfers/${pid}`), (r) => r.json.state === 'COMPLETED', 'the push to complete', 30_000);
    const response = await fetch(`${consumer.managementUrl}/transfers/${pid}/data`, { headers: { authorization: `Bearer ${space.managementToken}` } });
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.length).toBe(payload.length);
    expect(createHash('sha256').update(body).digest('hex')).toBe(createHash('sha256').update(payload).digest('hex'));

    const subscription = await consumer.manage('POST', '/subscriptions', { agreementId });
    expect(subscription.json).toMatchObject({ state: 'ACTIVE' });
    await eventually(async () => replicaA.store.transaction((tx) => tx.offerVersion('bulk')), (v) => v !== undefined, 'the baseline version');
    const next = `${dataFile()}.next`;
    writeFileSync(next, randomBytes(MiB));
    renameSync(next, dataFile());
    const events = (): Promise<Json[]> => consumer.manage('GET', `/subscriptions/${encodeURIComponent(subscription.json.localId as string)}/events`).then((r) => r.json as unknown as Json[]);
    await eventually(events, (list) => list.length >= 1, 'the change event');
    // Whichever replica saw it second finds the new version recorded already and announces nothing.
    const offerOf = (r: TestConnector) => r.running.ctx.offers.byAssetId('bulk') as PublishedOffer;
    for (const r of [replicaA, replicaB]) expect(await r.running.notifications.watcher.check(offerOf(r))).toMatchObject({ changed: false, notified: 0 });
    expect(await events()).toEqual([expect.objectContaining({ type: 'DatasetChanged', seq: 1, trigger: 'content-digest' })]);
    // The replicas share one audit log, which records the change once.
    expect((await replicaB.manage('GET', '/audit')).text.split('\n').filter((line) => line.includes('"offer.changed"'))).toHaveLength(1);
  }, 60_000);
});
