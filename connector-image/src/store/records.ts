// What the connector remembers about negotiations, agreements and transfers. The DSP state is one
// field of a record; the rest is what the business logic needs to continue after a restart.
import type { CompiledPolicy, PolicyDenial } from '@musubi/core/policy';
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

export type OutboxKind = 'dsp-message' | 'push-data';

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

export interface OutboxJob {
  id: number;
  processKey: string;
  kind: OutboxKind;
  payload: DspDelivery | PushDelivery;
  status: 'pending' | 'done' | 'failed';
  attempts: number;
  dueAt: string;
  lastError?: string;
  createdAt: string;
}

export interface NewOutboxJob {
  processKey: string;
  kind: OutboxKind;
  payload: DspDelivery | PushDelivery;
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

export interface ReceivedData {
  transferPid: string;
  mediaType: string;
  body: Buffer;
  receivedAt: string;
}
