// The connector's durable state behind one interface, so the same protocol logic runs on embedded
// SQLite (one pod) and on PostgreSQL (replicas sharing state). Every state change happens inside
// transaction(): the new state, the audit entry and the messages to send commit together or not at all.
import type { Party } from '../negotiation/states.js';
import type { NegotiationState, TransferState } from '../protocol/index.js';
import type {
  AgreementRecord, AuditEntry, DataToken, NegotiationRecord, NewOutboxJob, OutboxJob, PolicyDenialRecord, ReceivedData, TransferRecord,
} from './records.js';

export interface ListFilter<S> {
  role?: Party;
  state?: S;
  limit?: number;
  offset?: number;
}

export interface StoreTx {
  negotiation(localPid: string): Promise<NegotiationRecord | undefined>;
  /** The provider-side negotiation a consumer started with `consumerPid` (idempotent initial requests). */
  negotiationByConsumerPid(counterPartyDid: string, consumerPid: string): Promise<NegotiationRecord | undefined>;
  /** The consumer-side negotiation a provider started with `providerPid` (idempotent initial offers). */
  negotiationByProviderPid(counterPartyDid: string, providerPid: string): Promise<NegotiationRecord | undefined>;
  insertNegotiation(record: NegotiationRecord): Promise<void>;
  /** Writes the record if nobody changed it since it was read (record.version), and bumps the version. */
  updateNegotiation(record: NegotiationRecord): Promise<NegotiationRecord>;
  listNegotiations(filter: ListFilter<NegotiationState>): Promise<NegotiationRecord[]>;

  agreement(agreementId: string): Promise<AgreementRecord | undefined>;
  insertAgreement(record: AgreementRecord): Promise<void>;
  listAgreements(filter: { role?: Party; limit?: number; offset?: number }): Promise<AgreementRecord[]>;

  transfer(localPid: string): Promise<TransferRecord | undefined>;
  transferByConsumerPid(counterPartyDid: string, consumerPid: string): Promise<TransferRecord | undefined>;
  insertTransfer(record: TransferRecord): Promise<void>;
  updateTransfer(record: TransferRecord): Promise<TransferRecord>;
  listTransfers(filter: ListFilter<TransferState> & { agreementId?: string }): Promise<TransferRecord[]>;
  countCompletedTransfers(agreementId: string): Promise<number>;

  enqueue(job: NewOutboxJob): Promise<number>;
  outboxOf(processKey: string): Promise<OutboxJob[]>;

  appendAudit(entry: { processKey: string; event: string; detail: Record<string, unknown> }): Promise<AuditEntry>;

  recordDenial(denial: Omit<PolicyDenialRecord, 'id'>): Promise<number>;

  putToken(token: DataToken): Promise<void>;
  token(tokenHash: string): Promise<DataToken | undefined>;
  revokeTokens(transferPid: string, kinds?: DataToken['kind'][]): Promise<number>;

  putReceivedData(data: ReceivedData): Promise<void>;

  /** Remember that a message was processed; false when the same message was processed before (a retry). */
  rememberMessage(processKey: string, messageHash: string): Promise<boolean>;
}

export interface ConnectorStore {
  readonly kind: 'sqlite' | 'postgres';
  transaction<T>(work: (tx: StoreTx) => Promise<T>): Promise<T>;

  /** Lease due jobs to `owner`: the oldest pending job of each process, at most `limit`. */
  claimOutbox(owner: string, now: Date, leaseMs: number, limit: number): Promise<OutboxJob[]>;
  /** The job was delivered; `payload` replaces the stored one (secrets in it redacted). */
  completeJob(id: number, owner: string, payload: OutboxJob['payload']): Promise<void>;
  /** Try again at `dueAt`. */
  retryJob(id: number, owner: string, dueAt: Date, error: string): Promise<void>;
  /** Give up on the job; the caller records the consequence in a transaction of its own. */
  failJob(id: number, owner: string, error: string): Promise<void>;
  pendingJobs(): Promise<number>;
  /** Drop every lease (single-process stores at start: no one else can hold them). */
  releaseLeases(): Promise<void>;

  auditEntries(afterSeq: number, limit: number): Promise<AuditEntry[]>;
  denials(filter: { processKey?: string; limit?: number; offset?: number }): Promise<PolicyDenialRecord[]>;
  receivedData(transferPid: string): Promise<ReceivedData | undefined>;
  /** Counts by state, for metrics. */
  stateCounts(): Promise<{ negotiations: Array<{ role: Party; state: string; count: number }>; transfers: Array<{ role: Party; state: string; count: number }> }>;

  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The record changed between read and write (another replica or request got there first). */
export class ConcurrentModification extends Error {
  constructor(readonly what: string, readonly key: string) {
    super(`${what} ${key} was changed concurrently; retry the request`);
    this.name = 'ConcurrentModification';
  }
}
