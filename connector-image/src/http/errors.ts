// Every failure of a DSP request becomes the error message of its protocol: CatalogError,
// ContractNegotiationError or TransferError, with a code programs can match and reasons people can act on.
import type { Response } from 'express';
import { CallerUnauthenticated } from '../identity/caller.js';
import { IllegalNegotiationTransition } from '../negotiation/states.js';
import { IllegalTransferTransition } from '../transfer/states.js';
import { DspMessageInvalid, catalogError, contractNegotiationError, transferError, type Explanation } from '../protocol/index.js';
import { ProcessNotFound, ProtocolRefusal } from '../runtime/errors.js';
import { ConcurrentModification } from '../store/store.js';
import type { Logger } from '../observability/logger.js';

export type DspArea = 'catalog' | 'negotiation' | 'transfer';

export interface Failure {
  status: number;
  explanation: Explanation;
  headers?: Record<string, string>;
}

export function failureOf(error: unknown, log: Logger): Failure {
  if (error instanceof CallerUnauthenticated) {
    return { status: 401, explanation: { code: error.reason, reason: [error.message] }, headers: { 'www-authenticate': `Bearer error="invalid_token"` } };
  }
  if (error instanceof ProcessNotFound) return { status: 404, explanation: { code: 'NotFound', reason: [error.message] } };
  if (error instanceof DspMessageInvalid) {
    return { status: 400, explanation: { code: 'InvalidMessage', reason: error.issues.map((i) => i.message) } };
  }
  if (error instanceof ProtocolRefusal) return { status: error.status, explanation: { code: error.code, reason: [error.message, ...error.details] } };
  if (error instanceof IllegalNegotiationTransition || error instanceof IllegalTransferTransition) {
    return { status: 400, explanation: { code: 'IllegalStateTransition', reason: [error.message] } };
  }
  if (error instanceof ConcurrentModification) return { status: 409, explanation: { code: 'ConcurrentModification', reason: [error.message] } };
  log.error('DSP request failed', { error });
  return { status: 500, explanation: { code: 'InternalError', reason: ['the connector failed to process the message; it was not applied, send it again later'] } };
}

function pid(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The protocol's error message for a failure, naming the pids the request carried. */
export function errorBody(area: DspArea, explanation: Explanation, request: { body?: unknown; pathPid?: string; pathRole?: 'provider' | 'consumer' }): unknown {
  if (area === 'catalog') return catalogError(explanation);
  const body = typeof request.body === 'object' && request.body !== null ? (request.body as Record<string, unknown>) : {};
  const pids = { providerPid: pid(body.providerPid), consumerPid: pid(body.consumerPid) };
  return area === 'negotiation' ? contractNegotiationError(pids, explanation) : transferError(pids, explanation);
}

export function sendFailure(res: Response, area: DspArea, failure: Failure, body: unknown): void {
  for (const [name, value] of Object.entries(failure.headers ?? {})) res.setHeader(name, value);
  res.status(failure.status).json(errorBody(area, failure.explanation, { body }));
}
