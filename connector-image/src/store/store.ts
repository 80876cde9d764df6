// The connector's durable state behind one interface, so the same protocol logic runs on embedded
// SQLite (one pod) and on PostgreSQL (replicas sharing state). Every state change happens inside
// transaction(): the new state, the audit entry and the messages to send commit together or not at all.
import type { Party } from '../negotiation/states.js';
import type { NegotiationState, TransferState } from '../protocol/index.js';
import type {
  AgreementRecord, AuditEntry, DataToken, NegotiationRecord, NewOutboxJob, OfferVersion, OutboxJob, OutboxKind, PolicyDenialRecord, ReceivedEvent,
  ReceivedStream, SubscriptionRecord, SubscriptionState, TransferRecord,
} from './records.js';

export interface ListFilter<S> {
  role?: Party;
  state?: S;
  limit?: number;
  offset?: number;
}

export interface SubscriptionFilter extends ListFilter<SubscriptionState> {
  datasetId?: string;
  agreementId?: string;
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

  /**
   * Makes the chunks of `stream.attempt` the transfer's readable data and drops the ones they replace;
   * false (and nothing changed) when a later push attempt began meanwhile.
   */
  completeReceivedStream(stream: ReceivedStream): Promise<boolean>;

  subscription(localId: string): Promise<SubscriptionRecord | undefined>;
  /** The subscription the counter-party knows by `remoteId` (idempotent subscribe, unsubscribe by the consumer). */
  subscriptionByRemoteId(role: Party, counterPartyDid: string, remoteId: string): Promise<SubscriptionRecord | undefined>;
  insertSubscription(record: SubscriptionRecord): Promise<void>;
  /** Writes the record if nobody changed it since it was read (record.version), and bumps the version. */
  updateSubscription(record: SubscriptionRecord): Promise<SubscriptionRecord>;
  listSubscriptions(filter: SubscriptionFilter): Promise<SubscriptionRecord[]>;
  /** Remember a verified event; false when the same event (subscription, event id) was received before. */
  recordEvent(event: ReceivedEvent): Promise<boolean>;

  offerVersion(assetId: string): Promise<OfferVersion | undefined>;
  /**
   * Stores `next` if the stored version is still `expected` (undefined: none stored yet). False when
   * another replica recorded the change first, so each change is announced once.
   */
  replaceOfferVersion(expected: string | undefined, next: OfferVersion): Promise<boolean>;

  /** Remember that a message was processed; false when the same message was processed before (a retry). */
  rememberMessage(processKey: string, messageHash: string): Promise<boolean>;
}

export interface ConnectorStore {
  readonly kind: 'sqlite' | 'postgres';
  transaction<T>(work: (tx: StoreTx) => Promise<T>): Promise<T>;

  /**
   * Lease due jobs of `kinds` (by default the protocol's: DSP messages and pushes) to `owner`: the oldest
   * pending job of each process, at most `limit`.
   */
  claimOutbox(owner: string, now: Date, leaseMs: number, limit: number, kinds?: readonly OutboxKind[]): Promise<OutboxJob[]>;
  /** Keeps a long-running job (a large push) leased to whoever holds it until `until`. */
  extendLease(processKey: string, kind: OutboxKind, until: Date): Promise<void>;
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
  /** Starts a push attempt: later chunks are written under `attempt`; leftovers of abandoned attempts are dropped. */
  beginReceivedStream(transferPid: string, attempt: string, at: string): Promise<void>;
  appendReceivedChunk(transferPid: string, attempt: string, seq: number, body: Buffer): Promise<void>;
  /** Drops what an attempt that failed had written. */
  discardReceivedAttempt(transferPid: string, attempt: string): Promise<void>;
  /** The complete data pushed for a transfer, if any. */
  receivedStream(transferPid: string): Promise<ReceivedStream | undefined>;
  receivedChunk(transferPid: string, attempt: string, seq: number): Promise<Buffer | undefined>;
  /** Events received for a subscription, newest first. */
  receivedEvents(subscriptionId: string, page: { limit?: number; offset?: number }): Promise<ReceivedEvent[]>;
  /** Datasets with at least one active subscription on the provider side. */
  subscribedDatasets(): Promise<string[]>;
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
