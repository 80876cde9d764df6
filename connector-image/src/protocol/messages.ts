// DSP 2025-1 messages in the compacted JSON form the official schemas validate. These types are the
// wire contract only; what a message means for a negotiation or transfer lives in negotiation/ and
// transfer/.
import type { MUSUBI_PURPOSE } from './context.js';

export type JsonObject = Record<string, unknown>;

interface Envelope<T extends string> {
  '@context': string[];
  '@type': T;
}

/** An ODRL offer or agreement in compacted form; rules are left as JSON for the policy parser. */
export interface OdrlPolicyJson extends JsonObject {
  '@id': string;
  '@type'?: string;
  target?: string;
  assigner?: string;
  assignee?: string;
}

export interface CatalogRequestMessage extends Envelope<'CatalogRequestMessage'> {
  filter?: unknown[];
}

export interface ContractRequestMessage extends Envelope<'ContractRequestMessage'> {
  consumerPid: string;
  providerPid?: string;
  offer: OdrlPolicyJson;
  callbackAddress?: string;
  [MUSUBI_PURPOSE]?: string;
}

export interface ContractOfferMessage extends Envelope<'ContractOfferMessage'> {
  providerPid: string;
  consumerPid?: string;
  offer: OdrlPolicyJson;
  callbackAddress?: string;
}

export interface ContractAgreementMessage extends Envelope<'ContractAgreementMessage'> {
  providerPid: string;
  consumerPid: string;
  agreement: OdrlPolicyJson & { timestamp: string; target: string; assigner: string; assignee: string };
}

export interface ContractAgreementVerificationMessage extends Envelope<'ContractAgreementVerificationMessage'> {
  providerPid: string;
  consumerPid: string;
}

export type NegotiationEventType = 'ACCEPTED' | 'FINALIZED';

export interface ContractNegotiationEventMessage extends Envelope<'ContractNegotiationEventMessage'> {
  providerPid: string;
  consumerPid: string;
  eventType: NegotiationEventType;
}

export interface ContractNegotiationTerminationMessage extends Envelope<'ContractNegotiationTerminationMessage'> {
  providerPid: string;
  consumerPid: string;
  code?: string;
  reason?: unknown[];
}

export const NEGOTIATION_STATES = ['REQUESTED', 'OFFERED', 'ACCEPTED', 'AGREED', 'VERIFIED', 'FINALIZED', 'TERMINATED'] as const;
export type NegotiationState = (typeof NEGOTIATION_STATES)[number];

export interface ContractNegotiation extends Envelope<'ContractNegotiation'> {
  providerPid: string;
  consumerPid: string;
  state: NegotiationState;
}

export interface ContractNegotiationError extends Envelope<'ContractNegotiationError'> {
  providerPid: string;
  consumerPid: string;
  code?: string;
  reason?: unknown[];
}

export interface EndpointProperty {
  '@type': 'EndpointProperty';
  name: string;
  value: string;
}

export interface DataAddress {
  '@type': 'DataAddress';
  endpointType: string;
  endpoint?: string;
  endpointProperties?: EndpointProperty[];
}

export interface TransferRequestMessage extends Envelope<'TransferRequestMessage'> {
  consumerPid: string;
  agreementId: string;
  format: string;
  dataAddress?: DataAddress;
  callbackAddress: string;
  [MUSUBI_PURPOSE]?: string;
}

export interface TransferStartMessage extends Envelope<'TransferStartMessage'> {
  providerPid: string;
  consumerPid: string;
  dataAddress?: DataAddress;
}

export interface TransferSuspensionMessage extends Envelope<'TransferSuspensionMessage'> {
  providerPid: string;
  consumerPid: string;
  code?: string;
  reason?: unknown[];
}

export interface TransferCompletionMessage extends Envelope<'TransferCompletionMessage'> {
  providerPid: string;
  consumerPid: string;
}

export interface TransferTerminationMessage extends Envelope<'TransferTerminationMessage'> {
  providerPid: string;
  consumerPid: string;
  code?: string;
  reason?: unknown[];
}

export const TRANSFER_STATES = ['REQUESTED', 'STARTED', 'SUSPENDED', 'COMPLETED', 'TERMINATED'] as const;
export type TransferState = (typeof TRANSFER_STATES)[number];

export interface TransferProcess extends Envelope<'TransferProcess'> {
  providerPid: string;
  consumerPid: string;
  state: TransferState;
}

export interface TransferError extends Envelope<'TransferError'> {
  providerPid: string;
  consumerPid: string;
  code?: string;
  reason?: unknown[];
}

export interface CatalogError extends Envelope<'CatalogError'> {
  code?: string;
  reason?: unknown[];
}

export interface DataServiceJson extends JsonObject {
  '@id': string;
  '@type': 'DataService';
  endpointURL: string;
}

export interface DistributionJson extends JsonObject {
  '@type': 'Distribution';
  format: string;
  accessService: string | DataServiceJson;
}

export interface DatasetJson extends JsonObject {
  '@id': string;
  '@type': 'Dataset';
  hasPolicy: OdrlPolicyJson[];
  distribution: DistributionJson[];
}

export interface CatalogJson extends JsonObject {
  '@context': string[];
  '@id': string;
  '@type': 'Catalog';
  participantId: string;
  dataset?: DatasetJson[];
  service?: DataServiceJson[];
}

export interface VersionResponse {
  protocolVersions: Array<{ version: string; path: string; binding: 'HTTPS'; identifierType?: string; serviceId?: string; auth?: { protocol: string; version: string; profile?: string[] } }>;
}

/** Message type name → its TypeScript shape, for the codec. */
export interface DspMessages {
  CatalogRequestMessage: CatalogRequestMessage;
  Catalog: CatalogJson;
  Dataset: DatasetJson & { '@context': string[] };
  CatalogError: CatalogError;
  ContractRequestMessage: ContractRequestMessage;
  ContractOfferMessage: ContractOfferMessage;
  ContractAgreementMessage: ContractAgreementMessage;
  ContractAgreementVerificationMessage: ContractAgreementVerificationMessage;
  ContractNegotiationEventMessage: ContractNegotiationEventMessage;
  ContractNegotiationTerminationMessage: ContractNegotiationTerminationMessage;
  ContractNegotiation: ContractNegotiation;
  ContractNegotiationError: ContractNegotiationError;
  TransferRequestMessage: TransferRequestMessage;
  TransferStartMessage: TransferStartMessage;
  TransferSuspensionMessage: TransferSuspensionMessage;
  TransferCompletionMessage: TransferCompletionMessage;
  TransferTerminationMessage: TransferTerminationMessage;
  TransferProcess: TransferProcess;
  TransferError: TransferError;
  VersionResponse: VersionResponse;
}

export type DspMessageName = keyof DspMessages;
