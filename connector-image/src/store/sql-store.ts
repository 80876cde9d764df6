// ConnectorStore over a SqlDriver: records are a few indexed columns plus the whole record as JSON, so
// adding a field never needs a migration while lookups stay indexed.
import type { Party } from '../negotiation/states.js';
import { AUDIT_GENESIS, auditHash } from '../audit/chain.js';
import { migrate } from './migrations.js';
import type { Row, SqlDriver, SqlQuery } from './sql-driver.js';
import { ConcurrentModification, type ConnectorStore, type StoreTx } from './store.js';
import type {
  AgreementRecord, AuditEntry, DataToken, NegotiationRecord, OutboxJob, PolicyDenialRecord, ReceivedData, TransferRecord,
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

  async putReceivedData(d: ReceivedData): Promise<void> {
    await this.q(
      `INSERT INTO received_data (transfer_pid, media_type, body, received_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (transfer_pid) DO UPDATE SET media_type = excluded.media_type, body = excluded.body, received_at = excluded.received_at`,
      [d.transferPid, d.mediaType, d.body, d.receivedAt],
    );
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

  async claimOutbox(owner: string, now: Date, leaseMs: number, limit: number): Promise<OutboxJob[]> {
    const at = now.toISOString();
    const until = new Date(now.getTime() + leaseMs).toISOString();
    const skipLocked = this.driver.dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
    // Only the oldest pending job of a process is eligible, so its messages leave in the order they were decided.
    const rows = await this.driver.transaction((q) => q(
      `UPDATE outbox SET lease_owner = ?, lease_until = ? WHERE id IN (
         SELECT o.id FROM outbox o
         WHERE o.status = 'pending' AND o.due_at <= ? AND (o.lease_until IS NULL OR o.lease_until < ?)
           AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.process_key = o.process_key AND p.status = 'pending' AND p.id < o.id)
         ORDER BY o.id LIMIT ?${skipLocked})
       RETURNING *`,
      [owner, until, at, at, limit],
    ));
    return rows.map(toJob).sort((a, b) => a.id - b.id);
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

  async receivedData(transferPid: string): Promise<ReceivedData | undefined> {
    const [row] = await this.driver.query('SELECT * FROM received_data WHERE transfer_pid = ?', [transferPid]);
    if (!row) return undefined;
    return { transferPid, mediaType: text(row, 'media_type'), body: Buffer.from(row.body as Uint8Array), receivedAt: text(row, 'received_at') };
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
