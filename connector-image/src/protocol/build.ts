// Constructors for the messages Musubi sends, each checked against its schema on the way out.
import { DSP_CONTEXT, MUSUBI_PURPOSE } from './context.js';
import { writeDspMessage } from './codec.js';
import type {
  ContractAgreementMessage, ContractAgreementVerificationMessage, ContractNegotiation, ContractNegotiationError,
  ContractNegotiationEventMessage, ContractNegotiationTerminationMessage, ContractOfferMessage, ContractRequestMessage, DataAddress,
  NegotiationEventType, NegotiationState, OdrlPolicyJson, TransferCompletionMessage, TransferError, TransferProcess,
  TransferRequestMessage, TransferStartMessage, TransferState, TransferSuspensionMessage, TransferTerminationMessage, CatalogError,
} from './messages.js';

export interface Pids {
  providerPid: string;
  consumerPid: string;
}

const context = (): string[] => [DSP_CONTEXT];

/** Code and reasons of an error or termination; reasons may be structured objects (the schema allows any item). */
export interface Explanation {
  code?: string;
  reason?: unknown[];
}

function explanation(e: Explanation): Explanation {
  return { ...(e.code !== undefined && { code: e.code }), ...(e.reason && e.reason.length > 0 && { reason: e.reason }) };
}

export function contractNegotiation(pids: Pids, state: NegotiationState): ContractNegotiation {
  return writeDspMessage('ContractNegotiation', { '@context': context(), '@type': 'ContractNegotiation', ...pids, state });
}

export function contractNegotiationError(pids: Partial<Pids>, e: Explanation): ContractNegotiationError {
  // The schema requires both pids even when the request named none; an empty string says "unknown".
  return writeDspMessage('ContractNegotiationError', {
    '@context': context(), '@type': 'ContractNegotiationError', providerPid: pids.providerPid ?? '', consumerPid: pids.consumerPid ?? '', ...explanation(e),
  });
}

export function contractRequestMessage(input: { consumerPid: string; providerPid?: string; offer: OdrlPolicyJson; callbackAddress?: string; purpose?: string }): ContractRequestMessage {
  return writeDspMessage('ContractRequestMessage', {
    '@context': context(),
    '@type': 'ContractRequestMessage',
    consumerPid: input.consumerPid,
    ...(input.providerPid !== undefined && { providerPid: input.providerPid }),
    offer: input.offer,
    ...(input.callbackAddress !== undefined && { callbackAddress: input.callbackAddress }),
    ...(input.purpose !== undefined && { [MUSUBI_PURPOSE]: input.purpose }),
  });
}

export function contractOfferMessage(input: { providerPid: string; consumerPid?: string; offer: OdrlPolicyJson; callbackAddress?: string }): ContractOfferMessage {
  return writeDspMessage('ContractOfferMessage', {
    '@context': context(),
    '@type': 'ContractOfferMessage',
    providerPid: input.providerPid,
    ...(input.consumerPid !== undefined && { consumerPid: input.consumerPid }),
    offer: input.offer,
    ...(input.callbackAddress !== undefined && { callbackAddress: input.callbackAddress }),
  });
}

export function contractAgreementMessage(pids: Pids, agreement: ContractAgreementMessage['agreement']): ContractAgreementMessage {
  return writeDspMessage('ContractAgreementMessage', { '@context': context(), '@type': 'ContractAgreementMessage', ...pids, agreement });
}

export function contractAgreementVerificationMessage(pids: Pids): ContractAgreementVerificationMessage {
  return writeDspMessage('ContractAgreementVerificationMessage', { '@context': context(), '@type': 'ContractAgreementVerificationMessage', ...pids });
}

export function contractNegotiationEventMessage(pids: Pids, eventType: NegotiationEventType): ContractNegotiationEventMessage {
  return writeDspMessage('ContractNegotiationEventMessage', { '@context': context(), '@type': 'ContractNegotiationEventMessage', ...pids, eventType });
}

export function contractNegotiationTerminationMessage(pids: Pids, e: Explanation): ContractNegotiationTerminationMessage {
  return writeDspMessage('ContractNegotiationTerminationMessage', { '@context': context(), '@type': 'ContractNegotiationTerminationMessage', ...pids, ...explanation(e) });
}

export function transferProcess(pids: Pids, state: TransferState): TransferProcess {
  return writeDspMessage('TransferProcess', { '@context': context(), '@type': 'TransferProcess', ...pids, state });
}

export function transferError(pids: Partial<Pids>, e: Explanation): TransferError {
  return writeDspMessage('TransferError', {
    '@context': context(), '@type': 'TransferError', providerPid: pids.providerPid ?? '', consumerPid: pids.consumerPid ?? '', ...explanation(e),
  });
}

export function catalogError(e: Explanation): CatalogError {
  return writeDspMessage('CatalogError', { '@context': context(), '@type': 'CatalogError', ...explanation(e) });
}

export function transferRequestMessage(input: { consumerPid: string; agreementId: string; format: string; callbackAddress: string; dataAddress?: DataAddress; purpose?: string }): TransferRequestMessage {
  return writeDspMessage('TransferRequestMessage', {
    '@context': context(),
    '@type': 'TransferRequestMessage',
    consumerPid: input.consumerPid,
    agreementId: input.agreementId,
    format: input.format,
    ...(input.dataAddress && { dataAddress: input.dataAddress }),
    callbackAddress: input.callbackAddress,
    ...(input.purpose !== undefined && { [MUSUBI_PURPOSE]: input.purpose }),
  });
}

export function transferStartMessage(pids: Pids, dataAddress?: DataAddress): TransferStartMessage {
  return writeDspMessage('TransferStartMessage', { '@context': context(), '@type': 'TransferStartMessage', ...pids, ...(dataAddress && { dataAddress }) });
}

export function transferSuspensionMessage(pids: Pids, e: Explanation): TransferSuspensionMessage {
  return writeDspMessage('TransferSuspensionMessage', { '@context': context(), '@type': 'TransferSuspensionMessage', ...pids, ...explanation(e) });
}

export function transferCompletionMessage(pids: Pids): TransferCompletionMessage {
  return writeDspMessage('TransferCompletionMessage', { '@context': context(), '@type': 'TransferCompletionMessage', ...pids });
}

export function transferTerminationMessage(pids: Pids, e: Explanation): TransferTerminationMessage {
  return writeDspMessage('TransferTerminationMessage', { '@context': context(), '@type': 'TransferTerminationMessage', ...pids, ...explanation(e) });
}

/** HTTP endpoint properties of a DataAddress, by name. */
export function endpointProperty(address: DataAddress | undefined, name: string): string | undefined {
  return address?.endpointProperties?.find((p) => p.name === name)?.value;
}

/**
 * `<callbackAddress>/<path>`: DSP asks implementations to cope with a callback address given with or
 * without a trailing slash.
 */
export function callbackUrl(callbackAddress: string, path: string): string {
  return `${callbackAddress.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
