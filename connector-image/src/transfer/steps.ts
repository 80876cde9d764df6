// The one way a transfer process changes state, mirroring negotiation/steps.ts: transition checked,
// record written, audit appended, message queued, in the caller's transaction.
import { callbackUrl, pidSegment, type TransferState } from '../protocol/index.js';
import { nowIso } from '../runtime/context.js';
import type { DspDelivery, TransferRecord } from '../store/records.js';
import type { StepScope } from '../negotiation/steps.js';
import type { Party } from '../negotiation/states.js';
import { transferTransition, type TransferMessageKind } from './states.js';

export async function recordNewTransfer(scope: StepScope, record: TransferRecord, detail: Record<string, unknown> = {}): Promise<TransferRecord> {
  const created = { ...record, state: transferTransition(undefined, 'consumer', 'request') };
  await scope.tx.insertTransfer(created);
  await audit(scope, created, undefined, 'consumer', 'request', detail);
  return created;
}

export async function advanceTransfer(
  scope: StepScope,
  record: TransferRecord,
  by: Party,
  message: TransferMessageKind,
  changes: Partial<TransferRecord> = {},
  detail: Record<string, unknown> = {},
): Promise<TransferRecord> {
  const to = transferTransition(record.state, by, message);
  const next = await scope.tx.updateTransfer({ ...record, ...changes, state: to, updatedAt: nowIso(scope.ctx) });
  await audit(scope, next, record.state, by, message, detail);
  return next;
}

async function audit(scope: StepScope, record: TransferRecord, from: TransferState | undefined, by: Party, message: TransferMessageKind, detail: Record<string, unknown>): Promise<void> {
  await scope.tx.appendAudit({
    processKey: record.localPid,
    event: `transfer.${record.state.toLowerCase()}`,
    detail: {
      role: record.role, from: from ?? null, to: record.state, message, by, agreementId: record.agreementId, format: record.format,
      providerPid: record.providerPid ?? null, consumerPid: record.consumerPid ?? null, counterParty: record.counterPartyDid, ...detail,
    },
  });
  scope.afterCommit(() => scope.ctx.metrics.stateTransitions.inc({ process: 'transfer', role: record.role, to: record.state }));
}

export async function sendTransferMessage(
  scope: StepScope,
  record: TransferRecord,
  path: string,
  messageType: string,
  message: object,
  options: Pick<DspDelivery, 'onAck' | 'bestEffort'> = {},
): Promise<void> {
  const delivery: DspDelivery = {
    process: 'transfer',
    url: callbackUrl(record.counterPartyAddress, path),
    audience: record.counterPartyDid,
    messageType,
    message: message as Record<string, unknown>,
    ...options,
  };
  await scope.tx.enqueue({ processKey: record.localPid, kind: 'dsp-message', payload: delivery });
  scope.afterCommit(scope.ctx.wake);
}

export function transferPids(record: TransferRecord): { providerPid: string; consumerPid: string } {
  return record.role === 'provider'
    ? { providerPid: record.localPid, consumerPid: record.consumerPid ?? '' }
    : { providerPid: record.providerPid ?? '', consumerPid: record.localPid };
}

/** Where the counter-party's side of this transfer lives, relative to its address. */
export function counterPartyPath(record: TransferRecord, action: 'start' | 'completion' | 'suspension' | 'termination'): string {
  const theirs = record.role === 'provider' ? record.consumerPid : record.providerPid;
  return `transfers/${pidSegment(theirs ?? '')}/${action}`;
}
