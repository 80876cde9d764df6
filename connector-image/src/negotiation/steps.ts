// The one way a negotiation changes state: check the transition against the state machine, write the
// record, append the audit entry, and queue the message that tells the counter-party, all in the
// caller's transaction.
import { createHash } from 'node:crypto';
import { canonicalJson } from '@musubi/core/canonical-json';
import { callbackUrl, type NegotiationState } from '../protocol/index.js';
import { nowIso, type AfterCommit, type ConnectorContext } from '../runtime/context.js';
import type { DspDelivery, NegotiationRecord } from '../store/records.js';
import type { StoreTx } from '../store/store.js';
import { negotiationTransition, type NegotiationMessageKind, type Party } from './states.js';

export interface StepScope {
  ctx: ConnectorContext;
  tx: StoreTx;
  afterCommit: AfterCommit;
}

export async function recordNew(scope: StepScope, record: NegotiationRecord, by: Party, message: NegotiationMessageKind, detail: Record<string, unknown> = {}): Promise<NegotiationRecord> {
  const state = negotiationTransition(undefined, by, message);
  const created = { ...record, state };
  await scope.tx.insertNegotiation(created);
  await audit(scope, created, undefined, by, message, detail);
  return created;
}

export async function advance(
  scope: StepScope,
  record: NegotiationRecord,
  by: Party,
  message: NegotiationMessageKind,
  changes: Partial<NegotiationRecord> = {},
  detail: Record<string, unknown> = {},
): Promise<NegotiationRecord> {
  const to = negotiationTransition(record.state, by, message);
  const next = await scope.tx.updateNegotiation({ ...record, ...changes, state: to, updatedAt: nowIso(scope.ctx) });
  await audit(scope, next, record.state, by, message, detail);
  return next;
}

async function audit(scope: StepScope, record: NegotiationRecord, from: NegotiationState | undefined, by: Party, message: NegotiationMessageKind, detail: Record<string, unknown>): Promise<void> {
  await scope.tx.appendAudit({
    processKey: record.localPid,
    event: `negotiation.${record.state.toLowerCase()}`,
    detail: {
      role: record.role, from: from ?? null, to: record.state, message, by,
      providerPid: record.providerPid ?? null, consumerPid: record.consumerPid ?? null, counterParty: record.counterPartyDid, dataset: record.datasetId, ...detail,
    },
  });
  scope.afterCommit(() => scope.ctx.metrics.stateTransitions.inc({ process: 'negotiation', role: record.role, to: record.state }));
}

/**
 * Queue a DSP message to the counter-party of `record` at `path` (relative to its callback address or
 * DSP base URL), delivered by the dispatcher after commit.
 */
export async function send(
  scope: StepScope,
  record: NegotiationRecord,
  path: string,
  messageType: string,
  message: object,
  options: Pick<DspDelivery, 'onAck' | 'bestEffort'> = {},
): Promise<void> {
  const delivery: DspDelivery = {
    process: 'negotiation',
    url: callbackUrl(record.counterPartyAddress, path),
    audience: record.counterPartyDid,
    messageType,
    message: message as Record<string, unknown>,
    ...options,
  };
  await scope.tx.enqueue({ processKey: record.localPid, kind: 'dsp-message', payload: delivery });
  scope.afterCommit(scope.ctx.wake);
}

/** Identity of a received message, to recognise a counter-party's retry of one already processed. */
export function messageHash(message: object): string {
  return createHash('sha256').update(canonicalJson(message), 'utf8').digest('hex');
}
