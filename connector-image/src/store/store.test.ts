// The store's contract, run against embedded SQLite and a real PostgreSQL server: records round-trip,
// optimistic versions refuse lost updates, a failed transaction leaves nothing behind, the outbox
// hands each process's jobs out in order and only once per lease, and the audit chain links up.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyAuditChain } from '../audit/chain.js';
import { SqlConnectorStore } from './sql-store.js';
import { openSqliteDriver } from './sqlite-driver.js';
import { openPostgresDriver } from './postgres-driver.js';
import { POSTGRES_MISSING, postgresAvailable, startThrowawayPostgres, type ThrowawayPostgres } from './postgres-cluster.test-support.js';
import { ConcurrentModification, type ConnectorStore } from './store.js';
import type { NegotiationRecord } from './records.js';

function negotiation(overrides: Partial<NegotiationRecord> = {}): NegotiationRecord {
  const pid = `urn:uuid:${randomUUID()}`;
  return {
    localPid: pid, role: 'provider', state: 'REQUESTED', providerPid: pid, consumerPid: `urn:uuid:${randomUUID()}`, counterPartyDid: 'did:web:consumer.example',
    counterPartyAddress: 'https://consumer.example/dsp', datasetId: 'pcf', offer: { '@id': 'urn:offer:1', '@type': 'Offer', permission: [{ action: 'use' }] },
    createdAt: new Date().toISOString(), updatedAt: new Date().toISOString(), version: 0, ...overrides,
  };
}

function contract(name: string, open: () => Promise<ConnectorStore>, close: () => void = () => undefined): void {
  describe(`ConnectorStore on ${name}`, () => {
    let store: ConnectorStore;
    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store.close();
      close();
    });

    test('a negotiation round-trips and is found by the counter-party\'s pid', async () => {
      const record = negotiation();
      await store.transaction((tx) => tx.insertNegotiation(record));
      expect(await store.transaction((tx) => tx.negotiation(record.localPid))).toEqual(record);
      expect(await store.transaction((tx) => tx.negotiationByConsumerPid(record.counterPartyDid, record.consumerPid as string))).toEqual(record);
      expect(await store.transaction((tx) => tx.negotiationByConsumerPid('did:web:other.example', record.consumerPid as string))).toBeUndefined();
    });

    test('an update from a stale read is refused (ConcurrentModification), the fresh one wins', async () => {
      const record = negotiation();
      await store.transaction((tx) => tx.insertNegotiation(record));
      const updated = await store.transaction((tx) => tx.updateNegotiation({ ...record, state: 'AGREED' }));
      expect(updated.version).toBe(1);
      await expect(store.transaction((tx) => tx.updateNegotiation({ ...record, state: 'TERMINATED' }))).rejects.toBeInstanceOf(ConcurrentModification);
      expect((await store.transaction((tx) => tx.negotiation(record.localPid)))?.state).toBe('AGREED');
    });

    test('a transaction that fails half-way leaves neither state nor outbox nor audit behind', async () => {
      const record = negotiation();
      const auditBefore = (await store.auditEntries(0, 500)).length;
      await expect(store.transaction(async (tx) => {
        await tx.insertNegotiation(record);
        await tx.enqueue({ processKey: record.localPid, kind: 'dsp-message', payload: { process: 'negotiation', url: 'https://x.example', audience: 'did:web:x', messageType: 'X', message: {} } });
        await tx.appendAudit({ processKey: record.localPid, event: 'negotiation.requested', detail: {} });
        throw new Error('crash between two steps');
      })).rejects.toThrow('crash between two steps');
      expect(await store.transaction((tx) => tx.negotiation(record.localPid))).toBeUndefined();
      expect(await store.transaction((tx) => tx.outboxOf(record.localPid))).toEqual([]);
      expect((await store.auditEntries(0, 500)).length).toBe(auditBefore);
    });

    test('the outbox leases the oldest job of each process once, in order, and resumes after a retry', async () => {
      const a = `urn:uuid:${randomUUID()}`;
      const b = `urn:uuid:${randomUUID()}`;
      const payload = (n: number) => ({ process: 'negotiation' as const, url: `https://x.example/${n}`, audience: 'did:web:x', messageType: `M${n}`, message: {} });
      await store.transaction(async (tx) => {
        await tx.enqueue({ processKey: a, kind: 'dsp-message', payload: payload(1) });
        await tx.enqueue({ processKey: a, kind: 'dsp-message', payload: payload(2) });
        await tx.enqueue({ processKey: b, kind: 'dsp-message', payload: payload(3) });
      });
      const now = new Date(Date.now() + 1000);
      const first = (await store.claimOutbox('w1', now, 60_000, 10)).filter((j) => [a, b].includes(j.processKey));
      expect(first.map((j) => (j.payload as { messageType: string }).messageType)).toEqual(['M1', 'M3']);
      expect((await store.claimOutbox('w2', now, 60_000, 10)).filter((j) => [a, b].includes(j.processKey))).toEqual([]);
      const m1 = first[0];
      if (!m1) throw new Error('no job');
      await store.retryJob(m1.id, 'w1', new Date(now.getTime() - 1), 'HTTP 503');
      const again = (await store.claimOutbox('w2', now, 60_000, 10)).filter((j) => j.processKey === a);
      expect(again).toEqual([expect.objectContaining({ id: m1.id, attempts: 1, lastError: 'HTTP 503' })]);
      await store.completeJob(m1.id, 'w2', m1.payload);
      const next = (await store.claimOutbox('w2', now, 60_000, 10)).filter((j) => j.processKey === a);
      expect(next.map((j) => (j.payload as { messageType: string }).messageType)).toEqual(['M2']);
    });

    test('remembered messages are recognised as repeats', async () => {
      const key = `urn:uuid:${randomUUID()}`;
      expect(await store.transaction((tx) => tx.rememberMessage(key, 'h1'))).toBe(true);
      expect(await store.transaction((tx) => tx.rememberMessage(key, 'h1'))).toBe(false);
      expect(await store.transaction((tx) => tx.rememberMessage(key, 'h2'))).toBe(true);
    });

    test('concurrent transactions append one unbroken audit chain', async () => {
      await Promise.all(Array.from({ length: 20 }, (_, i) => store.transaction((tx) => tx.appendAudit({ processKey: `p${i % 3}`, event: 'test.step', detail: { i } }))));
      const entries = await store.auditEntries(0, 500);
      expect(verifyAuditChain(entries)).toMatchObject({ valid: true, entries: entries.length });
    });

    test('tokens round-trip; revoking removes them', async () => {
      const pid = `urn:uuid:${randomUUID()}`;
      await store.transaction((tx) => tx.putToken({ tokenHash: `h-${pid}`, kind: 'access', transferPid: pid, expiresAt: new Date(Date.now() + 1000).toISOString() }));
      expect(await store.transaction((tx) => tx.token(`h-${pid}`))).toMatchObject({ kind: 'access', transferPid: pid });
      expect(await store.transaction((tx) => tx.revokeTokens(pid))).toBe(1);
      expect(await store.transaction((tx) => tx.token(`h-${pid}`))).toBeUndefined();
    });

    test('pushed data becomes readable only when its attempt completes; a later attempt replaces it, an abandoned one leaves nothing', async () => {
      const pid = `urn:uuid:${randomUUID()}`;
      const complete = (attempt: string, bytes: number) => store.transaction((tx) => tx.completeReceivedStream({
        transferPid: pid, attempt, mediaType: 'application/octet-stream', bytes, sha256: 'ab'.repeat(32), receivedAt: new Date().toISOString(),
      }));
      await store.beginReceivedStream(pid, 'a1', new Date().toISOString());
      await store.appendReceivedChunk(pid, 'a1', 0, Buffer.from('first '));
      await store.appendReceivedChunk(pid, 'a1', 1, Buffer.from('push'));
      expect(await store.receivedStream(pid)).toBeUndefined();
      expect(await complete('a1', 10)).toBe(true);
      expect(await store.receivedStream(pid)).toMatchObject({ attempt: 'a1', bytes: 10, sha256: 'ab'.repeat(32) });
      expect((await store.receivedChunk(pid, 'a1', 1))?.toString()).toBe('push');

      await store.beginReceivedStream(pid, 'a2', new Date().toISOString());
      await store.appendReceivedChunk(pid, 'a2', 0, Buffer.from('broken'));
      await store.discardReceivedAttempt(pid, 'a2');
      expect(await store.receivedChunk(pid, 'a2', 0)).toBeUndefined();
      expect((await store.receivedStream(pid))?.attempt).toBe('a1');

      await store.beginReceivedStream(pid, 'a3', new Date().toISOString());
      await store.beginReceivedStream(pid, 'a4', new Date().toISOString());
      expect(await complete('a3', 0)).toBe(false);
      await store.appendReceivedChunk(pid, 'a4', 0, Buffer.from('newer'));
      expect(await complete('a4', 5)).toBe(true);
      expect((await store.receivedChunk(pid, 'a4', 0))?.toString()).toBe('newer');
      expect(await store.receivedChunk(pid, 'a1', 0)).toBeUndefined();
    });

    test('notification jobs are leased only to the notification dispatcher; a running job\'s lease can be extended', async () => {
      const key = `urn:uuid:${randomUUID()}`;
      const claims = { iss: 'did:web:p', aud: 'did:web:c', sub: key, jti: 'e1', iat: 1, type: 'DatasetChanged' as const, seq: 1, consumerSubscriptionId: 'c1', agreementId: 'a', datasetId: 'd', changedAt: 'now' };
      await store.transaction((tx) => tx.enqueue({ processKey: key, kind: 'notification', payload: { subscriptionId: key, url: 'https://c.example/e', claims } }));
      const now = new Date(Date.now() + 1000);
      expect((await store.claimOutbox('protocol', now, 60_000, 50)).filter((j) => j.processKey === key)).toEqual([]);
      const [job] = (await store.claimOutbox('events', now, 1, 50, ['notification'])).filter((j) => j.processKey === key);
      expect(job).toMatchObject({ kind: 'notification', payload: { claims: { jti: 'e1' } } });
      await store.extendLease(key, 'notification', new Date(now.getTime() + 60_000));
      expect((await store.claimOutbox('other', new Date(now.getTime() + 10), 60_000, 50, ['notification'])).filter((j) => j.processKey === key)).toEqual([]);
    });

    test('subscriptions round-trip, are found by the counter-party\'s id and refuse lost updates; events are remembered once', async () => {
      const now = new Date().toISOString();
      const record = {
        localId: `urn:uuid:${randomUUID()}`, role: 'provider' as const, state: 'ACTIVE' as const, agreementId: `urn:uuid:${randomUUID()}`, datasetId: 'pcf',
        counterPartyDid: 'did:web:consumer.example', remoteId: `urn:uuid:${randomUUID()}`, counterPartyAddress: 'https://consumer.example/dsp/notifications/events',
        lastSeq: 0, createdAt: now, updatedAt: now, version: 0,
      };
      await store.transaction((tx) => tx.insertSubscription(record));
      expect(await store.transaction((tx) => tx.subscriptionByRemoteId('provider', record.counterPartyDid, record.remoteId))).toEqual(record);
      expect(await store.transaction((tx) => tx.subscriptionByRemoteId('consumer', record.counterPartyDid, record.remoteId))).toBeUndefined();
      const next = await store.transaction((tx) => tx.updateSubscription({ ...record, lastSeq: 1 }));
      await expect(store.transaction((tx) => tx.updateSubscription({ ...record, state: 'ENDED' }))).rejects.toBeInstanceOf(ConcurrentModification);
      expect(await store.transaction((tx) => tx.listSubscriptions({ role: 'provider', state: 'ACTIVE', agreementId: record.agreementId }))).toEqual([next]);
      expect(await store.subscribedDatasets()).toContain('pcf');

      const claims = { iss: 'did:web:p', aud: 'did:web:c', sub: 's', jti: 'e-1', iat: 1, type: 'DatasetChanged' as const, seq: 1, consumerSubscriptionId: record.localId, agreementId: 'a', datasetId: 'pcf', changedAt: now };
      const event = { subscriptionId: record.localId, eventId: 'e-1', seq: 1, receivedAt: now, claims, jws: 'a.b.c' };
      expect(await store.transaction((tx) => tx.recordEvent(event))).toBe(true);
      expect(await store.transaction((tx) => tx.recordEvent(event))).toBe(false);
      expect(await store.receivedEvents(record.localId, {})).toEqual([event]);
    });

    test('an offer version is replaced only from the version it was read as', async () => {
      const assetId = `asset-${randomUUID()}`;
      const version = (v: string) => ({ assetId, version: v, trigger: 'content-digest' as const, observedAt: new Date().toISOString(), changedAt: new Date().toISOString() });
      expect(await store.transaction((tx) => tx.replaceOfferVersion(undefined, version('v1')))).toBe(true);
      expect(await store.transaction((tx) => tx.replaceOfferVersion(undefined, version('v1-again')))).toBe(false);
      expect(await store.transaction((tx) => tx.replaceOfferVersion('v1', version('v2')))).toBe(true);
      expect(await store.transaction((tx) => tx.replaceOfferVersion('v1', version('v3')))).toBe(false);
      expect((await store.transaction((tx) => tx.offerVersion(assetId)))?.version).toBe('v2');
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'musubi-store-'));
contract('SQLite', () => SqlConnectorStore.open(openSqliteDriver({ path: join(dir, 'store.db') })), () => rmSync(dir, { recursive: true, force: true }));

if (postgresAvailable()) {
  let server: ThrowawayPostgres | undefined;
  contract('PostgreSQL', async () => {
    server = await startThrowawayPostgres();
    return SqlConnectorStore.open(openPostgresDriver(server.options));
  }, () => server?.stop());
} else {
  describe('ConnectorStore on PostgreSQL', () => {
    test.skip(POSTGRES_MISSING, () => undefined);
  });
}
