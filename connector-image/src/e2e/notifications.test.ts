// Push notifications between two connectors on 127.0.0.1: a consumer holding an agreement subscribes
// through its management API; the provider announces changes it detects itself (a mounted file's
// content, an HTTP backend's ETag) or hears of from an application, as events signed with a key of its
// DID; the consumer verifies, de-duplicates and lists them. A subscription needs an agreement of the
// caller, survives a restart, ends with its agreement, and a forged event is refused.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { LocalDidRegistry, buildDidDocument, createKeyResolver, generateKeyPair, type KeyPair, type KeyResolver } from '@musubi/core/trust';
import { readEvent, signEvent, verifyEventSignature } from '../notifications/events.js';
import type { NotificationClaims } from '../store/records.js';
import { TestDataspace, compiledPolicy, eventually, type TestConnector, type TestConnectorSpec } from '../testing/harness.test-support.js';

const PROVIDER = 'did:web:maker.example.jp';
const CONSUMER = 'did:web:recycler.example.de';
const STRANGER = 'did:web:stranger.example.com';
const open = compiledPolicy('dataspace/open', [{ action: 'use', constraints: [] }]);

type Json = Record<string, unknown>;

const sha256 = (text: string): string => `sha256:${createHash('sha256').update(text).digest('hex')}`;

describe('push notifications between two connectors', () => {
  let space: TestDataspace;
  let provider: TestConnector;
  let consumer: TestConnector;
  let providerKey: KeyPair;
  let keys: KeyResolver;
  let now = Date.now();
  let etag = '"v1"';
  let backend: Server;
  const until = new Date(now + 3_600_000).toISOString();
  const expiring = compiledPolicy('dataspace/until', [{ action: 'use', constraints: [{ leftOperand: 'dateTime', operator: 'lt', rightOperand: until }] }]);

  const providerSpec = (port: number): TestConnectorSpec => ({
    name: 'provider', did: PROVIDER, clock: () => new Date(now),
    offers: [
      { assetId: 'pcf', policy: open, data: '{"pcf":1}' },
      { assetId: 'expiring', policy: expiring, data: '{"window":1}' },
      { assetId: 'api', policy: open, source: { http: { url: `http://127.0.0.1:${port}/pcf`, method: 'GET', authHeader: 'Authorization', allowPrivateNetwork: true, timeoutMs: 2000 } } },
    ],
    notifications: { signingKey: providerKey, keys, pollIntervalMs: 100 },
  });

  const agreementFor = async (datasetId: string): Promise<string> => {
    const catalog = await consumer.manage('POST', '/catalog/request', { providerUrl: provider.publicUrl, providerDid: PROVIDER });
    const offer = ((catalog.json.dataset as Json[]).find((d) => d['@id'] === datasetId)?.hasPolicy as Json[])[0];
    const started = await consumer.manage('POST', '/negotiations', { providerUrl: provider.publicUrl, providerDid: PROVIDER, datasetId, offer });
    const done = await eventually(() => consumer.manage('GET', `/negotiations/${encodeURIComponent(started.json.localPid as string)}`), (r) => r.json.state === 'FINALIZED', `the agreement for ${datasetId}`);
    return done.json.agreementId as string;
  };
  const subscribe = async (agreementId: string): Promise<Json> => {
    const answer = await consumer.manage('POST', '/subscriptions', { agreementId });
    expect(answer.status).toBe(201);
    return answer.json;
  };
  const events = async (localId: string): Promise<Json[]> => (await consumer.manage('GET', `/subscriptions/${encodeURIComponent(localId)}/events`)).json as unknown as Json[];
  const eventsUntil = (localId: string, count: number, what: string): Promise<Json[]> => eventually(() => events(localId), (list) => list.length >= count, what);
  const dataFile = (assetId: string): string => join(space.dir, `provider-${assetId}.data`);
  /** Replaces a data file the way the kubelet updates a mounted ConfigMap: a new file renamed into place. */
  const replaceData = (assetId: string, content: string): void => {
    const next = `${dataFile(assetId)}.next`;
    writeFileSync(next, content);
    renameSync(next, dataFile(assetId));
  };
  const postEvent = async (body: unknown): Promise<{ status: number; json: Json }> => {
    const response = await fetch(`${consumer.publicUrl}/notifications/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, json: (await response.json()) as Json };
  };

  beforeAll(async () => {
    space = new TestDataspace();
    space.realm.register({ did: CONSUMER });
    space.realm.register({ did: STRANGER });
    space.realm.register({ did: PROVIDER });
    providerKey = (await generateKeyPair({ algorithm: 'Ed25519' })).forDid(PROVIDER, 'events-1');
    const registry = new LocalDidRegistry();
    registry.register(buildDidDocument({ did: PROVIDER, keys: [{ key: providerKey, relationships: ['assertionMethod'] }] }));
    keys = createKeyResolver(registry);
    backend = createServer((req, res) => {
      res.setHeader('etag', etag);
      res.setHeader('content-type', 'application/json');
      res.end(req.method === 'HEAD' ? undefined : `{"etag":${JSON.stringify(etag)}}`);
    });
    await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
    provider = await space.start(providerSpec((backend.address() as AddressInfo).port));
    // Both connectors share the test's clock, so moving it is time passing for both (events carry its time).
    consumer = await space.start({ name: 'consumer', did: CONSUMER, clock: () => new Date(now), notifications: { keys } });
  });
  afterAll(async () => {
    await space.close();
    backend.close();
  });

  test('subscribe, change the mounted data, receive the verified event; a redelivery is recognised', async () => {
    const agreementId = await agreementFor('pcf');
    const subscription = await subscribe(agreementId);
    expect(subscription).toMatchObject({ role: 'consumer', state: 'ACTIVE', agreementId, datasetId: 'pcf', counterPartyDid: PROVIDER, remoteId: expect.stringMatching(/^urn:uuid:/) });
    const providerSide = (await provider.manage('GET', '/subscriptions?role=provider')).json as unknown as Json[];
    expect(providerSide).toEqual([expect.objectContaining({ localId: subscription.remoteId, state: 'ACTIVE', counterPartyDid: CONSUMER, remoteId: subscription.localId })]);
    // The watcher records the baseline version before the data changes, so the change is the first event.
    await eventually(async () => provider.store.transaction((tx) => tx.offerVersion('pcf')), (v) => v?.version === sha256('{"pcf":1}'), 'the baseline version');

    replaceData('pcf', '{"pcf":2}');
    const [event] = await eventsUntil(subscription.localId as string, 1, 'the change event');
    expect(event).toMatchObject({
      type: 'DatasetChanged', datasetId: 'pcf', agreementId, seq: 1, trigger: 'content-digest', version: sha256('{"pcf":2}'), previousVersion: sha256('{"pcf":1}'),
    });
    // What the consumer kept verifies on its own against the provider's DID.
    const { decoded, claims } = readEvent(event?.jws);
    await verifyEventSignature(decoded, PROVIDER, keys);
    expect(claims).toMatchObject({ iss: PROVIDER, aud: CONSUMER, sub: subscription.remoteId, consumerSubscriptionId: subscription.localId });

    expect(await postEvent({ event: event?.jws })).toEqual({ status: 200, json: { status: 'duplicate', eventId: claims.jti } });
    expect(await events(subscription.localId as string)).toHaveLength(1);
    const audit = (await consumer.manage('GET', '/audit')).text.trim().split('\n').map((line) => JSON.parse(line) as Json);
    expect(audit.filter((e) => e.processKey === subscription.localId && e.event === 'notification.received')).toHaveLength(1);
    const delivered = await eventually(async () => (await provider.manage('GET', `/subscriptions/${encodeURIComponent(subscription.remoteId as string)}`)).json,
      (view) => (view.deliveries as Json[]).every((d) => d.status === 'done'), 'the delivery to be recorded');
    expect(delivered.deliveries).toEqual([expect.objectContaining({ kind: 'notification', messageType: 'DatasetChanged', eventId: claims.jti, status: 'done' })]);
  });

  test('a tampered event, or one signed by someone else, is refused and nothing is recorded', async () => {
    const [subscription] = ((await consumer.manage('GET', '/subscriptions?datasetId=pcf&state=ACTIVE')).json as unknown as Json[]);
    const before = await events(subscription?.localId as string);
    const [header, payload, signature] = (before[0]?.jws as string).split('.');
    const claims = JSON.parse(Buffer.from(payload as string, 'base64url').toString('utf8')) as NotificationClaims;
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, jti: 'urn:uuid:forged', version: 'sha256:forged' })).toString('base64url')}.${signature}`;
    expect(await postEvent({ event: tampered })).toMatchObject({ status: 401, json: { error: 'InvalidSignature', message: expect.stringContaining('does not verify') } });

    const impostor = (await generateKeyPair({ algorithm: 'Ed25519' })).forDid(PROVIDER, 'events-1');
    const forged = await signEvent({ ...claims, jti: 'urn:uuid:forged-2', seq: 99 }, impostor);
    expect(await postEvent({ event: forged })).toMatchObject({ status: 401, json: { error: 'InvalidSignature' } });
    const stranger = (await generateKeyPair({ algorithm: 'Ed25519' })).forDid(STRANGER, 'key-1');
    const foreign = await signEvent({ ...claims, iss: STRANGER, jti: 'urn:uuid:forged-3' }, stranger);
    expect(await postEvent({ event: foreign })).toMatchObject({ status: 404, json: { error: 'UnknownSubscription' } });
    expect(await postEvent({ event: 'garbage' })).toMatchObject({ status: 400, json: { error: 'MalformedEvent' } });
    expect(await events(subscription?.localId as string)).toEqual(before);
  });

  test('without an agreement of the caller the provider refuses, saying why', async () => {
    const unknown = await consumer.manage('POST', '/subscriptions', { agreementId: 'urn:uuid:no-such-agreement' });
    expect(unknown).toMatchObject({ status: 404, json: { error: 'NotFound' } });

    const agreementId = ((await consumer.manage('GET', '/agreements')).json as unknown as Json[])[0]?.agreementId as string;
    const direct = async (as: string, body: Json) => {
      const response = await fetch(`${provider.publicUrl}/notifications/subscriptions`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: await space.realm.credentialsFor(as).authorizationFor(PROVIDER) }, body: JSON.stringify(body),
      });
      return { status: response.status, json: (await response.json()) as Json };
    };
    const request = { agreementId, callbackUrl: `${consumer.publicUrl}/notifications/events`, consumerSubscriptionId: 'urn:uuid:stranger-1' };
    expect(await direct(STRANGER, request)).toMatchObject({
      status: 404, json: { error: 'AgreementNotFound', message: expect.stringContaining(`between this provider and ${STRANGER}; negotiate a contract for the dataset first`) },
    });
    expect(await direct(CONSUMER, { ...request, agreementId: 'urn:uuid:invented' })).toMatchObject({ status: 404, json: { error: 'AgreementNotFound' } });
    expect(await direct(CONSUMER, { agreementId })).toMatchObject({ status: 400, json: { error: 'InvalidRequest', message: expect.stringContaining('callbackUrl') } });
    expect(await direct(CONSUMER, { ...request, consumerSubscriptionId: 'urn:uuid:elsewhere', callbackUrl: 'http://127.0.0.1:9/collector' })).toMatchObject({
      status: 400, json: { error: 'CallbackRefused', message: expect.stringContaining('must be on the connector that negotiated') },
    });
    const anonymous = await fetch(`${provider.publicUrl}/notifications/subscriptions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
    expect(anonymous.status).toBe(401);
    expect(((await provider.manage('GET', '/subscriptions?role=provider')).json as unknown as Json[]).map((s) => s.counterPartyDid)).not.toContain(STRANGER);
  });

  test('an HTTP backend\'s new ETag and an application\'s report are announced', async () => {
    const agreementId = await agreementFor('api');
    const subscription = await subscribe(agreementId);
    await eventually(async () => provider.store.transaction((tx) => tx.offerVersion('api')), (v) => v?.version === 'etag:"v1"', 'the ETag baseline');
    etag = '"v2"';
    const [changed] = await eventsUntil(subscription.localId as string, 1, 'the ETag change');
    expect(changed).toMatchObject({ trigger: 'etag', version: 'etag:"v2"', previousVersion: 'etag:"v1"' });

    const reported = await provider.manage('POST', '/offers/api/changed', { version: 'batch-2026-02-02', note: 'nightly recalculation' });
    expect(reported).toMatchObject({ status: 202, json: { assetId: 'api', version: 'batch-2026-02-02', notified: 1, ended: 0 } });
    const list = await eventsUntil(subscription.localId as string, 2, 'the reported change');
    expect(list[0]).toMatchObject({ seq: 2, trigger: 'application', version: 'batch-2026-02-02', note: 'nightly recalculation' });
    expect(await provider.manage('POST', '/offers/nothing/changed', {})).toMatchObject({ status: 404, json: { error: 'NotFound' } });
  });

  test('events wait in the outbox while the consumer is down and arrive after it is back', async () => {
    const [subscription] = ((await consumer.manage('GET', '/subscriptions?datasetId=pcf&state=ACTIVE')).json as unknown as Json[]);
    const localId = subscription?.localId as string;
    const seen = (await events(localId)).length;
    await space.stop(consumer);
    replaceData('pcf', '{"pcf":3}');
    await eventually(async () => (await provider.manage('GET', `/subscriptions/${encodeURIComponent(subscription?.remoteId as string)}`)).json,
      (view) => (view.deliveries as Json[]).some((d) => d.status === 'pending' && (d.attempts as number) >= 1), 'a failed delivery attempt');
    consumer = await space.restart(consumer);
    const list = await eventsUntil(localId, seen + 1, 'the delayed event');
    expect(list[0]).toMatchObject({ version: sha256('{"pcf":3}') });
  });

  test('subscriptions survive a provider restart; unsubscribing stops the events', async () => {
    const [subscription] = ((await consumer.manage('GET', '/subscriptions?datasetId=pcf&state=ACTIVE')).json as unknown as Json[]);
    const localId = subscription?.localId as string;
    const seen = (await events(localId)).length;
    await space.stop(provider);
    provider = await space.restart(provider);
    replaceData('pcf', '{"pcf":4}');
    await eventsUntil(localId, seen + 1, 'an event after the provider restarted');

    const ended = await consumer.manage('POST', `/subscriptions/${encodeURIComponent(localId)}/end`, {});
    expect(ended.json).toMatchObject({ state: 'ENDED', end: { by: 'self', code: 'Unsubscribed' } });
    const providerSide = await eventually(async () => (await provider.manage('GET', `/subscriptions/${encodeURIComponent(subscription?.remoteId as string)}`)).json,
      (view) => view.state === 'ENDED', 'the provider to end the subscription');
    expect(providerSide.end).toMatchObject({ by: 'counter-party', code: 'Unsubscribed' });
    expect(await provider.manage('POST', '/offers/pcf/changed', {})).toMatchObject({ status: 202, json: { notified: 0 } });
  });

  test('when the agreement\'s time window closes, the subscription ends and the consumer is told why', async () => {
    const agreementId = await agreementFor('expiring');
    const subscription = await subscribe(agreementId);
    now = Date.parse(until) + 1000;
    const ended = await eventually(() => consumer.manage('GET', `/subscriptions/${encodeURIComponent(subscription.localId as string)}`), (r) => r.json.state === 'ENDED', 'the subscription to end');
    expect(ended.json.end).toMatchObject({ by: 'counter-party', code: 'AgreementNoLongerPermits', message: expect.stringContaining('no longer permits') });
    expect((await events(subscription.localId as string))[0]).toMatchObject({ type: 'SubscriptionEnded', reason: { code: 'AgreementNoLongerPermits' } });
    const again = await consumer.manage('POST', '/subscriptions', { agreementId });
    expect(again).toMatchObject({ status: 409, json: { error: 'SubscriptionRefused', providerCode: 'AgreementNoLongerPermits' } });
  });
});
