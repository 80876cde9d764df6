// What the connector remembers about negotiations, agreements and transfers. The DSP state is one
// field of a record; the rest is what the business logic needs to continue after a restart.
import type { CompiledPolicy, PolicyDenial, VerifiedConsumer } from '@musubi/core/policy';
import type { DataAddress, NegotiationState, OdrlPolicyJson, TransferState } from '../protocol/index.js';
import type { Party } from '../negotiation/states.js';

export interface Termination {
  /** Who ended it: this connector or its counter-party. */
  by: 'self' | 'counter-party';
  code?: string;
  reason?: unknown[];
}

export interface NegotiationRecord {
  /** The pid this connector chose: providerPid when it is the provider, consumerPid when the consumer. */
  localPid: string;
  role: Party;
  state: NegotiationState;
  providerPid?: string;
  consumerPid?: string;
  counterPartyDid: string;
  /** Where messages to the counter-party go: its callback address (provider role) or DSP base URL (consumer role). */
  counterPartyAddress: string;
  datasetId: string;
  /** The offer currently on the table (what an agreement must match). */
  offer: OdrlPolicyJson;
  purpose?: string;
  agreementId?: string;
  termination?: Termination;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface AgreementRecord {
  agreementId: string;
  negotiationPid: string;
  role: Party;
  providerDid: string;
  consumerDid: string;
  datasetId: string;
  /** The ODRL agreement exactly as exchanged. */
  agreement: OdrlPolicyJson;
  /** Provider side: the compiled policy agreed on, evaluated again before every transfer start. */
  policy?: CompiledPolicy;
  /** The provider's DSP base URL (consumer side: where transfers are requested). */
  providerAddress?: string;
  createdAt: string;
}

export const TRANSFER_FORMATS = ['HttpData-PULL', 'HttpData-PUSH'] as const;
export type TransferFormat = (typeof TRANSFER_FORMATS)[number];

export interface TransferRecord {
  localPid: string;
  role: Party;
  state: TransferState;
  providerPid?: string;
  consumerPid?: string;
  agreementId: string;
  counterPartyDid: string;
  counterPartyAddress: string;
  datasetId: string;
  format: TransferFormat;
  purpose?: string;
  /**
   * Consumer side: the address received in the start message (pull). Provider side: the consumer's
   * push destination from the request.
   */
  dataAddress?: DataAddress;
  termination?: Termination;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export type OutboxKind = 'dsp-message' | 'push-data' | 'notification';

/** The kinds the protocol dispatcher delivers; notifications have a dispatcher of their own. */
export const PROTOCOL_OUTBOX_KINDS: readonly OutboxKind[] = ['dsp-message', 'push-data'];

export interface DspDelivery {
  /** Which kind of process the message belongs to (the outbox key is its local pid). */
  process: 'negotiation' | 'transfer';
  /** URL the message is POSTed to. */
  url: string;
  /** The counter-party's DID: the audience of the caller token. */
  audience: string;
  messageType: string;
  message: Record<string, unknown>;
  /** What to do with the answer and with a refusal (see dispatch/outcomes.ts). */
  onAck?: 'record-provider-pid';
  /** Terminations are best effort: their failure never triggers another termination. */
  bestEffort?: boolean;
}

export interface PushDelivery {
  transferPid: string;
}

/** One signed event to one subscriber; the claims are fixed when the change is recorded, signed at delivery. */
export interface NotificationDelivery {
  subscriptionId: string;
  url: string;
  claims: NotificationClaims;
}

export type OutboxPayload = DspDelivery | PushDelivery | NotificationDelivery;

export interface OutboxJob {
  id: number;
  processKey: string;
  kind: OutboxKind;
  payload: OutboxPayload;
  status: 'pending' | 'done' | 'failed';
  attempts: number;
  dueAt: string;
  lastError?: string;
  createdAt: string;
}

export interface NewOutboxJob {
  processKey: string;
  kind: OutboxKind;
  payload: OutboxPayload;
}

export interface AuditEntry {
  seq: number;
  at: string;
  processKey: string;
  event: string;
  detail: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export interface PolicyDenialRecord {
  id: number;
  at: string;
  processKey: string;
  /** Which decision refused: the negotiation or a transfer start. */
  stage: 'negotiation' | 'transfer';
  consumerDid: string;
  datasetId: string;
  agreementId?: string;
  policyId: string;
  denials: PolicyDenial[];
}

export interface DataToken {
  /** SHA-256 of the token; the token itself is never stored. */
  tokenHash: string;
  kind: 'access' | 'refresh' | 'push';
  transferPid: string;
  expiresAt: string;
}

/** Data pushed to this connector (consumer side): stored in chunks, readable once complete. */
export interface ReceivedStream {
  transferPid: string;
  /** Which push attempt the chunks belong to (a retried push replaces the earlier one only when it completes). */
  attempt: string;
  mediaType: string;
  bytes: number;
  /** Hex SHA-256 of the content (absent for data stored before streaming existed). */
  sha256?: string;
  receivedAt: string;
}

export const SUBSCRIPTION_STATES = ['REQUESTED', 'ACTIVE', 'ENDED', 'REFUSED'] as const;
export type SubscriptionState = (typeof SUBSCRIPTION_STATES)[number];

export interface SubscriptionEnd {
  by: 'self' | 'counter-party';
  /** A CamelCase word programs can match, e.g. AgreementNoLongerPermits, Unsubscribed. */
  code: string;
  message: string;
  at: string;
}

/** A consumer's subscription to changes of a dataset it holds an agreement for, on either side. */
export interface SubscriptionRecord {
  /** This connector's id for the subscription. */
  localId: string;
  role: Party;
  state: SubscriptionState;
  agreementId: string;
  datasetId: string;
  counterPartyDid: string;
  /** The counter-party's id: the consumer's (provider side) or the provider's (consumer side). */
  remoteId?: string;
  /** Provider side: where events are posted. Consumer side: the provider's DSP base URL. */
  counterPartyAddress: string;
  /** Provider side: the consumer as verified when it subscribed; the agreement is re-evaluated against it. */
  consumer?: VerifiedConsumer;
  purpose?: string;
  /** Sequence number of the last event sent (provider) or received (consumer). */
  lastSeq: number;
  lastVersion?: string;
  /** Provider side: why the last event that could not be delivered for good failed. */
  lastDeliveryError?: string;
  end?: SubscriptionEnd;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export const NOTIFICATION_TYPES = ['DatasetChanged', 'SubscriptionEnded'] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];
export const CHANGE_TRIGGERS = ['content-digest', 'etag', 'last-modified', 'application'] as const;
export type ChangeTrigger = (typeof CHANGE_TRIGGERS)[number];

/** What a signed event says (the JWS payload). */
export interface NotificationClaims {
  iss: string;
  aud: string;
  /** The provider's subscription id. */
  sub: string;
  /** The event id: the idempotency key receivers de-duplicate on. */
  jti: string;
  iat: number;
  type: NotificationType;
  seq: number;
  consumerSubscriptionId: string;
  agreementId: string;
  datasetId: string;
  changedAt: string;
  version?: string;
  previousVersion?: string;
  trigger?: ChangeTrigger;
  note?: string;
  reason?: { code: string; message: string };
}

/** An event received and verified (consumer side). */
export interface ReceivedEvent {
  subscriptionId: string;
  eventId: string;
  seq: number;
  receivedAt: string;
  claims: NotificationClaims;
  /** The compact JWS as received, so an application can verify it again independently. */
  jws: string;
}

/** The last version of an offer's data the change watcher saw (provider side). */
export interface OfferVersion {
  assetId: string;
  version: string;
  trigger: ChangeTrigger;
  observedAt: string;
  changedAt: string;
}
