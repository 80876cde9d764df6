// ConnectorStore over a SqlDriver: records are a few indexed columns plus the whole record as JSON, so
// adding a field never needs a migration while lookups stay indexed.
import type { Party } from '../negotiation/states.js';
import { AUDIT_GENESIS, auditHash } from '../audit/chain.js';
import { migrate } from './migrations.js';
import type { Row, SqlDriver, SqlQuery } from './sql-driver.js';
import { ConcurrentModification, type ConnectorStore, type StoreTx, type SubscriptionFilter } from './store.js';
import {
  PROTOCOL_OUTBOX_KINDS,
  type AgreementRecord, type AuditEntry, type DataToken, type NegotiationRecord, type OfferVersion, type OutboxJob, type OutboxKind, type PolicyDenialRecord,
  type ReceivedEvent, type ReceivedStream, type SubscriptionRecord, type TransferRecord,
} from './records.js';

const AUDIT_LOCK = 0x61756469; // "audi"
const MAX_PAGE = 500;

function page(limit: number | undefined, offset: number | undefined): [number, number] {
  return [Math.min(Math.max(limit ?? 100, 1), MAX_PAGE), Math.max(offset ?? 0, 0)];
}

function text(row: Row, column: string): string {
  return String(row[column]);
}

function json<T>(row: Row, column: string): T {
  return JSON.parse(text(row, column)) as T;
}

function toJob(row: Row): OutboxJob {
  return {
    id: Number(row.id),
    processKey: text(row, 'process_key'),
    kind: text(row, 'kind') as OutboxJob['kind'],
    payload: json(row, 'payload'),
    status: text(row, 'status') as OutboxJob['status'],
    attempts: Number(row.attempts),
    dueAt: text(row, 'due_at'),
    ...(row.last_error != null && { lastError: text(row, 'last_error') }),
    createdAt: text(row, 'created_at'),
  };
}

function toAudit(row: Row): AuditEntry {
  return {
    seq: Number(row.seq),
    at: text(row, 'at'),
    processKey: text(row, 'process_key'),
    event: text(row, 'event'),
    detail: json(row, 'detail'),
    prevHash: text(row, 'prev_hash'),
    hash: text(row, 'hash'),
  };
}

function toOfferVersion(row: Row): OfferVersion {
  return {
    assetId: text(row, 'asset_id'), version: text(row, 'version'), trigger: text(row, 'trigger_kind') as OfferVersion['trigger'],
    observedAt: text(row, 'observed_at'), changedAt: text(row, 'changed_at'),
  };
}

function toDenial(row: Row): PolicyDenialRecord {
  return {
    id: Number(row.id),
    at: text(row, 'at'),
    processKey: text(row, 'process_key'),
    stage: text(row, 'stage') as PolicyDenialRecord['stage'],
    consumerDid: text(row, 'consumer_did'),
    datasetId: text(row, 'dataset_id'),
    ...(row.agreement_id != null && { agreementId: text(row, 'agreement_id') }),
    policyId: text(row, 'policy_id'),
    denials: json(row, 'denials'),
  };
}

class SqlStoreTx implements StoreTx {
  constructor(
    private readonly q: SqlQuery,
    private readonly dialect: SqlDriver['dialect'],
  ) {}

  private get lock(): string {
    return this.dialect === 'postgres' ? ' FOR UPDATE' : '';
  }

  async negotiation(localPid: string): Promise<NegotiationRecord | undefined> {
    const [row] = await this.q(`SELECT doc FROM negotiations WHERE local_pid = ?${this.lock}`, [localPid]);
    return row ? json<NegotiationRecord>(row, 'doc') : undefined;
  }

  async negotiationByConsumerPid(counterPartyDid: string, consumerPid: string): Promise<NegotiationRecord | undefined> {
    const [row] = await this.q(`SELECT doc FROM negotiations WHERE counter_party_did = ? AND consumer_pid = ? AND role = 'provider'${this.lock}`, [counterPartyDid, consumerPid]);
    return row ? json<NegotiationRecord>(row, 'doc') : undefined;
  }

  async negotiationByProviderPid(counterPartyDid: string, providerPid: string): Promise<NegotiationRecord | undefined> {
    const [row] = await this.q(`SELECT doc FROM negotiations WHERE counter_party_did = ? AND provider_pid = ? AND role = 'consumer'${this.lock}`, [counterPartyDid, providerPid]);
    return row ? json<NegotiationRecord>(row, 'doc') : undefined;
  }

  async insertNegotiation(r: NegotiationRecord): Promise<void> {
    await this.q(
      `INSERT INTO negotiations (local_pid, role, state, provider_pid, consumer_pid, counter_party_did, dataset_id, agreement_id, created_at, updated_at, version, doc)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [r.localPid, r.role, r.state, r.providerPid ?? null, r.consumerPid ?? null, r.counterPartyDid, r.datasetId, r.agreementId ?? null, r.createdAt, r.updatedAt, r.version, JSON.stringify(r)],
    );
  }

  async updateNegotiation(r: NegotiationRecord): Promise<NegotiationRecord> {
    const next: NegotiationRecord = { ...r, version: r.version + 1 };
    const rows = await this.q(
      `UPDATE negotiations SET state = ?, provider_pid = ?, consumer_pid = ?, agreement_id = ?, updated_at = ?, version = ?, doc = ?
       WHERE local_pid = ? AND version = ? RETURNING local_pid`,
      [next.state, next.providerPid ?? null, next.consumerPid ?? null, next.agreementId ?? null, next.updatedAt, next.version, JSON.stringify(next), r.localPid, r.version],
    );
    if (rows.length !== 1) throw new ConcurrentModification('negotiation', r.localPid);
    return next;
  }

  async listNegotiations(filter: { role?: Party; state?: string; limit?: number; offset?: number }): Promise<NegotiationRecord[]> {
    const [limit, offset] = page(filter.limit, filter.offset);
    const rows = await this.q(
      'SELECT doc FROM negotiations WHERE (CAST(? AS TEXT) IS NULL OR role = ?) AND (CAST(? AS TEXT) IS NULL OR state = ?) ORDER BY created_at DESC, local_pid LIMIT ? OFFSET ?',
      [filter.role ?? null, filter.role ?? null, filter.state ?? null, filter.state ?? null, limit, offset],
    );
    return rows.map((row) => json<NegotiationRecord>(row, 'doc'));
  }

  async agreement(agreementId: string): Promise<AgreementRecord | undefined> {
    const [row] = await this.q('SELECT doc FROM agreements WHERE agreement_id = ?', [agreementId]);
    return row ? json<AgreementRecord>(row, 'doc') : undefined;
  }

  async insertAgreement(a: AgreementRecord): Promise<void> {
    await this.q(
      'INSERT INTO agreements (agreement_id, negotiation_pid, role, provider_did, consumer_did, dataset_id, created_at, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [a.agreementId, a.negotiationPid, a.role, a.providerDid, a.consumerDid, a.datasetId, a.createdAt, JSON.stringify(a)],
    );
  }

  async listAgreements(filter: { role?: Party; limit?: number; offset?: number }): Promise<AgreementRecord[]> {
    const [limit, offset] = page(filter.limit, filter.offset);
    const rows = await this.q('SELECT doc FROM agreements WHERE (CAST(? AS TEXT) IS NULL OR role = ?) ORDER BY created_at DESC, agreement_id LIMIT ? OFFSET ?', [filter.role ?? null, filter.role ?? null, limit, offset]);
    return rows.map((row) => json<AgreementRecord>(row, 'doc'));
  }

  async transfer(localPid: string): Promise<TransferRecord | undefined> {
    const [row] = await this.q(`SELECT doc FROM transfers WHERE local_pid = ?${this.lock}`, [localPid]);
    return row ? json<TransferRecord>(row, 'doc') : undefined;
  }

  async transferByConsumerPid(counterPartyDid: string, consumerPid: string): Promise<TransferRecord | undefined> {
    const [row] = await this.q(`SELECT doc FROM transfers WHERE counter_party_did = ? AND consumer_pid = ? AND role = 'provider'${this.lock}`, [counterPartyDid, consumerPid]);
    return row ? json<TransferRecord>(row, 'doc') : undefined;
  }

  async insertTransfer(r: TransferRecord): Promise<void> {
    await this.q(
      `INSERT INTO transfers (local_pid, role, state, provider_pid, consumer_pid, agreement_id, counter_party_did, created_at, updated_at, version, doc)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [r.localPid, r.role, r.state, r.providerPid ?? null, r.consumerPid ?? null, r.agreementId, r.counterPartyDid, r.createdAt, r.updatedAt, r.version, JSON.stringify(r)],
    );
  }

  async updateTransfer(r: TransferRecord): Promise<TransferRecord> {
    const next: TransferRecord = { ...r, version: r.version + 1 };
    const rows = await this.q(
      `UPDATE transfers SET state = ?, provider_pid = ?, consumer_pid = ?, updated_at = ?, version = ?, doc = ?
       WHERE local_pid = ? AND version = ? RETURNING local_pid`,
      [next.state, next.providerPid ?? null, next.consumerPid ?? null, next.updatedAt, next.version, JSON.stringify(next), r.localPid, r.version],
    );
    if (rows.length !== 1) throw new ConcurrentModification('transfer', r.localPid);
    return next;
  }

  async listTransfers(filter: { role?: Party; state?: string; agreementId?: string; limit?: number; offset?: number }): Promise<TransferRecord[]> {
    const [limit, offset] = page(filter.limit, filter.offset);
    const rows = await this.q(
      `SELECT doc FROM transfers WHERE (CAST(? AS TEXT) IS NULL OR role = ?) AND (CAST(? AS TEXT) IS NULL OR state = ?) AND (CAST(? AS TEXT) IS NULL OR agreement_id = ?)
       ORDER BY created_at DESC, local_pid LIMIT ? OFFSET ?`,
      [filter.role ?? null, filter.role ?? null, filter.state ?? null, filter.state ?? null, filter.agreementId ?? null, filter.agreementId ?? null, limit, offset],
    );
    return rows.map((row) => json<TransferRecord>(row, 'doc'));
  }

  async countCompletedTransfers(agreementId: string): Promise<number> {
    const [row] = await this.q("SELECT COUNT(*) AS n FROM transfers WHERE agreement_id = ? AND state = 'COMPLETED'", [agreementId]);
    return Number(row?.n ?? 0);
  }

  async enqueue(job: { processKey: string; kind: string; payload: unknown }): Promise<number> {
    const now = new Date().toISOString();
    const [row] = await this.q(
      "INSERT INTO outbox (process_key, kind, payload, status, attempts, due_at, created_at) VALUES (?, ?, ?, 'pending', 0, ?, ?) RETURNING id",
      [job.processKey, job.kind, JSON.stringify(job.payload), now, now],
    );
    return Number(row?.id);
  }

  async outboxOf(processKey: string): Promise<OutboxJob[]> {
    return (await this.q('SELECT * FROM outbox WHERE process_key = ? ORDER BY id', [processKey])).map(toJob);
  }

  async appendAudit(entry: { processKey: string; event: string; detail: Record<string, unknown> }): Promise<AuditEntry> {
    // One chain for the whole connector: appends are serialized so no two entries claim the same predecessor.
    if (this.dialect === 'postgres') await this.q('SELECT pg_advisory_xact_lock(?)', [AUDIT_LOCK]);
    const [last] = await this.q('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    const base = {
      seq: last ? Number(last.seq) + 1 : 1,
      at: new Date().toISOString(),
      processKey: entry.processKey,
      event: entry.event,
      detail: entry.detail,
      prevHash: last ? text(last, 'hash') : AUDIT_GENESIS,
    };
    const full: AuditEntry = { ...base, hash: auditHash(base) };
    await this.q('INSERT INTO audit_log (seq, at, process_key, event, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      full.seq, full.at, full.processKey, full.event, JSON.stringify(full.detail), full.prevHash, full.hash,
    ]);
    return full;
  }

  async recordDenial(d: Omit<PolicyDenialRecord, 'id'>): Promise<number> {
    const [row] = await this.q(
      'INSERT INTO policy_denials (at, process_key, stage, consumer_did, dataset_id, agreement_id, policy_id, denials) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id',
      [d.at, d.processKey, d.stage, d.consumerDid, d.datasetId, d.agreementId ?? null, d.policyId, JSON.stringify(d.denials)],
    );
    return Number(row?.id);
  }

  async putToken(t: DataToken): Promise<void> {
    await this.q('INSERT INTO data_tokens (token_hash, kind, transfer_pid, expires_at) VALUES (?, ?, ?, ?)', [t.tokenHash, t.kind, t.transferPid, t.expiresAt]);
  }

  async token(tokenHash: string): Promise<DataToken | undefined> {
    const [row] = await this.q('SELECT * FROM data_tokens WHERE token_hash = ?', [tokenHash]);
    if (!row) return undefined;
    return { tokenHash: text(row, 'token_hash'), kind: text(row, 'kind') as DataToken['kind'], transferPid: text(row, 'transfer_pid'), expiresAt: text(row, 'expires_at') };
  }

  async revokeTokens(transferPid: string, kinds?: DataToken['kind'][]): Promise<number> {
    const all = kinds ?? ['access', 'refresh', 'push'];
    let revoked = 0;
    for (const kind of all) {
      revoked += (await this.q('DELETE FROM data_tokens WHERE transfer_pid = ? AND kind = ? RETURNING token_hash', [transferPid, kind])).length;
    }
    return revoked;
  }

  async completeReceivedStream(stream: ReceivedStream): Promise<boolean> {
    const [row] = await this.q(`SELECT attempt, receiving_attempt FROM received_streams WHERE transfer_pid = ?${this.lock}`, [stream.transferPid]);
    if (!row || row.receiving_attempt !== stream.attempt) return false;
    await this.q(
      `UPDATE received_streams SET attempt = ?, receiving_attempt = NULL, receiving_since = NULL, media_type = ?, bytes = ?, sha256 = ?, received_at = ?
       WHERE transfer_pid = ?`,
      [stream.attempt, stream.mediaType, stream.bytes, stream.sha256 ?? null, stream.receivedAt, stream.transferPid],
    );
    if (row.attempt != null && row.attempt !== stream.attempt) {
      await this.q('DELETE FROM received_chunks WHERE transfer_pid = ? AND attempt = ?', [stream.transferPid, text(row, 'attempt')]);
    }
    return true;
  }

  async subscription(localId: string): Promise<SubscriptionRecord | undefined> {
    const [row] = await this.q(`SELECT doc FROM subscriptions WHERE local_id = ?${this.lock}`, [localId]);
    return row ? json<SubscriptionRecord>(row, 'doc') : undefined;
  }

  async subscriptionByRemoteId(role: Party, counterPartyDid: string, remoteId: string): Promise<SubscriptionRecord | undefined> {
    const [row] = await this.q(`SELECT doc FROM subscriptions WHERE counter_party_did = ? AND remote_id = ? AND role = ?${this.lock}`, [counterPartyDid, remoteId, role]);
    return row ? json<SubscriptionRecord>(row, 'doc') : undefined;
  }

  async insertSubscription(r: SubscriptionRecord): Promise<void> {
    await this.q(
      `INSERT INTO subscriptions (local_id, role, state, agreement_id, dataset_id, counter_party_did, remote_id, created_at, updated_at, version, doc)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [r.localId, r.role, r.state, r.agreementId, r.datasetId, r.counterPartyDid, r.remoteId ?? null, r.createdAt, r.updatedAt, r.version, JSON.stringify(r)],
    );
  }

  async updateSubscription(r: SubscriptionRecord): Promise<SubscriptionRecord> {
    const next: SubscriptionRecord = { ...r, version: r.version + 1 };
    const rows = await this.q(
      'UPDATE subscriptions SET state = ?, remote_id = ?, updated_at = ?, version = ?, doc = ? WHERE local_id = ? AND version = ? RETURNING local_id',
      [next.state, next.remoteId ?? null, next.updatedAt, next.version, JSON.stringify(next), r.localId, r.version],
    );
    if (rows.length !== 1) throw new ConcurrentModification('subscription', r.localId);
    return next;
  }

  async listSubscriptions(filter: SubscriptionFilter): Promise<SubscriptionRecord[]> {
    const [limit, offset] = page(filter.limit, filter.offset);
    const rows = await this.q(
      `SELECT doc FROM subscriptions WHERE (CAST(? AS TEXT) IS NULL OR role = ?) AND (CAST(? AS TEXT) IS NULL OR state = ?)
         AND (CAST(? AS TEXT) IS NULL OR dataset_id = ?) AND (CAST(? AS TEXT) IS NULL OR agreement_id = ?)
       ORDER BY created_at DESC, local_id LIMIT ? OFFSET ?`,
      [filter.role ?? null, filter.role ?? null, filter.state ?? null, filter.state ?? null, filter.datasetId ?? null, filter.datasetId ?? null,
        filter.agreementId ?? null, filter.agreementId ?? null, limit, offset],
    );
    return rows.map((row) => json<SubscriptionRecord>(row, 'doc'));
  }

  async recordEvent(e: ReceivedEvent): Promise<boolean> {
    const rows = await this.q(
      `INSERT INTO notification_events (subscription_id, event_id, seq, received_at, doc) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (subscription_id, event_id) DO NOTHING RETURNING event_id`,
      [e.subscriptionId, e.eventId, e.seq, e.receivedAt, JSON.stringify(e)],
    );
    return rows.length === 1;
  }

  async offerVersion(assetId: string): Promise<OfferVersion | undefined> {
    const [row] = await this.q('SELECT * FROM offer_versions WHERE asset_id = ?', [assetId]);
    return row ? toOfferVersion(row) : undefined;
  }

  async replaceOfferVersion(expected: string | undefined, next: OfferVersion): Promise<boolean> {
    const values = [next.version, next.trigger, next.observedAt, next.changedAt];
    const rows = expected === undefined
      ? await this.q(
        'INSERT INTO offer_versions (version, trigger_kind, observed_at, changed_at, asset_id) VALUES (?, ?, ?, ?, ?) ON CONFLICT (asset_id) DO NOTHING RETURNING asset_id',
        [...values, next.assetId],
      )
      : await this.q(
        'UPDATE offer_versions SET version = ?, trigger_kind = ?, observed_at = ?, changed_at = ? WHERE asset_id = ? AND version = ? RETURNING asset_id',
        [...values, next.assetId, expected],
      );
    return rows.length === 1;
  }

  async rememberMessage(processKey: string, messageHash: string): Promise<boolean> {
    const rows = await this.q(
      'INSERT INTO received_messages (process_key, message_hash) VALUES (?, ?) ON CONFLICT (process_key, message_hash) DO NOTHING RETURNING process_key',
      [processKey, messageHash],
    );
    return rows.length === 1;
  }
}

export class SqlConnectorStore implements ConnectorStore {
  private constructor(private readonly driver: SqlDriver) {}

  static async open(driver: SqlDriver): Promise<SqlConnectorStore> {
    await migrate(driver);
    return new SqlConnectorStore(driver);
  }

  get kind(): 'sqlite' | 'postgres' {
    return this.driver.dialect;
  }

  transaction<T>(work: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.driver.transaction((q) => work(new SqlStoreTx(q, this.driver.dialect)));
  }

  async claimOutbox(owner: string, now: Date, leaseMs: number, limit: number, kinds: readonly OutboxKind[] = PROTOCOL_OUTBOX_KINDS): Promise<OutboxJob[]> {
    const at = now.toISOString();
    const until = new Date(now.getTime() + leaseMs).toISOString();
    const skipLocked = this.driver.dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
    const kindList = kinds.map(() => '?').join(', ');
    // Only the oldest pending job of a process is eligible, so its messages leave in the order they were decided.
    const rows = await this.driver.transaction((q) => q(
      `UPDATE outbox SET lease_owner = ?, lease_until = ? WHERE id IN (
         SELECT o.id FROM outbox o
         WHERE o.status = 'pending' AND o.kind IN (${kindList}) AND o.due_at <= ? AND (o.lease_until IS NULL OR o.lease_until < ?)
           AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.process_key = o.process_key AND p.status = 'pending' AND p.id < o.id)
         ORDER BY o.id LIMIT ?${skipLocked})
       RETURNING *`,
      [owner, until, ...kinds, at, at, limit],
    ));
    return rows.map(toJob).sort((a, b) => a.id - b.id);
  }

  async extendLease(processKey: string, kind: OutboxKind, until: Date): Promise<void> {
    await this.driver.query(
      "UPDATE outbox SET lease_until = ? WHERE process_key = ? AND kind = ? AND status = 'pending' AND lease_owner IS NOT NULL",
      [until.toISOString(), processKey, kind],
    );
  }

  async completeJob(id: number, owner: string, payload: OutboxJob['payload']): Promise<void> {
    await this.driver.query(
      "UPDATE outbox SET status = 'done', payload = ?, attempts = attempts + 1, finished_at = ?, lease_owner = NULL, lease_until = NULL, last_error = NULL WHERE id = ? AND lease_owner = ?",
      [JSON.stringify(payload), new Date().toISOString(), id, owner],
    );
  }

  async retryJob(id: number, owner: string, dueAt: Date, error: string): Promise<void> {
    await this.driver.query(
      'UPDATE outbox SET attempts = attempts + 1, due_at = ?, last_error = ?, lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?',
      [dueAt.toISOString(), error.slice(0, 2000), id, owner],
    );
  }

  async failJob(id: number, owner: string, error: string): Promise<void> {
    await this.driver.query(
      "UPDATE outbox SET status = 'failed', attempts = attempts + 1, finished_at = ?, last_error = ?, lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?",
      [new Date().toISOString(), error.slice(0, 2000), id, owner],
    );
  }

  async pendingJobs(): Promise<number> {
    const [row] = await this.driver.query("SELECT COUNT(*) AS n FROM outbox WHERE status = 'pending'");
    return Number(row?.n ?? 0);
  }

  async releaseLeases(): Promise<void> {
    await this.driver.query("UPDATE outbox SET lease_owner = NULL, lease_until = NULL WHERE status = 'pending'");
  }

  async auditEntries(afterSeq: number, limit: number): Promise<AuditEntry[]> {
    const rows = await this.driver.query('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?', [afterSeq, Math.min(Math.max(limit, 1), MAX_PAGE)]);
    return rows.map(toAudit);
  }

  async denials(filter: { processKey?: string; limit?: number; offset?: number }): Promise<PolicyDenialRecord[]> {
    const [limit, offset] = page(filter.limit, filter.offset);
    const rows = await this.driver.query(
      'SELECT * FROM policy_denials WHERE (CAST(? AS TEXT) IS NULL OR process_key = ?) ORDER BY id DESC LIMIT ? OFFSET ?',
      [filter.processKey ?? null, filter.processKey ?? null, limit, offset],
    );
    return rows.map(toDenial);
  }

  async beginReceivedStream(transferPid: string, attempt: string, at: string): Promise<void> {
    await this.driver.transaction(async (q) => {
      await q(
        `INSERT INTO received_streams (transfer_pid, receiving_attempt, receiving_since) VALUES (?, ?, ?)
         ON CONFLICT (transfer_pid) DO UPDATE SET receiving_attempt = excluded.receiving_attempt, receiving_since = excluded.receiving_since`,
        [transferPid, attempt, at],
      );
      // Chunks of neither the readable data nor this attempt are leftovers of an attempt that never finished.
      await q(
        "DELETE FROM received_chunks WHERE transfer_pid = ? AND attempt <> ? AND attempt <> COALESCE((SELECT attempt FROM received_streams WHERE transfer_pid = ?), '')",
        [transferPid, attempt, transferPid],
      );
    });
  }

  async appendReceivedChunk(transferPid: string, attempt: string, seq: number, body: Buffer): Promise<void> {
    await this.driver.query('INSERT INTO received_chunks (transfer_pid, attempt, seq, body) VALUES (?, ?, ?, ?)', [transferPid, attempt, seq, body]);
  }

  async discardReceivedAttempt(transferPid: string, attempt: string): Promise<void> {
    await this.driver.transaction(async (q) => {
      await q('DELETE FROM received_chunks WHERE transfer_pid = ? AND attempt = ?', [transferPid, attempt]);
      await q('UPDATE received_streams SET receiving_attempt = NULL, receiving_since = NULL WHERE transfer_pid = ? AND receiving_attempt = ?', [transferPid, attempt]);
    });
  }

  async receivedStream(transferPid: string): Promise<ReceivedStream | undefined> {
    const [row] = await this.driver.query('SELECT * FROM received_streams WHERE transfer_pid = ? AND attempt IS NOT NULL', [transferPid]);
    if (!row) return undefined;
    return {
      transferPid, attempt: text(row, 'attempt'), mediaType: text(row, 'media_type'), bytes: Number(row.bytes), receivedAt: text(row, 'received_at'),
      ...(row.sha256 != null && { sha256: text(row, 'sha256') }),
    };
  }

  async receivedChunk(transferPid: string, attempt: string, seq: number): Promise<Buffer | undefined> {
    const [row] = await this.driver.query('SELECT body FROM received_chunks WHERE transfer_pid = ? AND attempt = ? AND seq = ?', [transferPid, attempt, seq]);
    return row ? Buffer.from(row.body as Uint8Array) : undefined;
  }

  async receivedEvents(subscriptionId: string, filter: { limit?: number; offset?: number }): Promise<ReceivedEvent[]> {
    const [limit, offset] = page(filter.limit, filter.offset);
    const rows = await this.driver.query('SELECT doc FROM notification_events WHERE subscription_id = ? ORDER BY seq DESC, received_at DESC LIMIT ? OFFSET ?', [subscriptionId, limit, offset]);
    return rows.map((row) => json<ReceivedEvent>(row, 'doc'));
  }

  async subscribedDatasets(): Promise<string[]> {
    const rows = await this.driver.query("SELECT DISTINCT dataset_id FROM subscriptions WHERE role = 'provider' AND state = 'ACTIVE' ORDER BY dataset_id");
    return rows.map((row) => text(row, 'dataset_id'));
  }

  async stateCounts(): Promise<{ negotiations: Array<{ role: Party; state: string; count: number }>; transfers: Array<{ role: Party; state: string; count: number }> }> {
    const count = async (table: string) => (await this.driver.query(`SELECT role, state, COUNT(*) AS n FROM ${table} GROUP BY role, state`))
      .map((row) => ({ role: text(row, 'role') as Party, state: text(row, 'state'), count: Number(row.n) }));
    return { negotiations: await count('negotiations'), transfers: await count('transfers') };
  }

  async ping(): Promise<void> {
    await this.driver.query('SELECT 1 AS ok');
  }

  close(): Promise<void> {
    return this.driver.close();
  }
}
