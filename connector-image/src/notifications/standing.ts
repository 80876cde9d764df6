// Whether an agreement still entitles its consumer to hear about changes of its dataset: the agreement
// exists between this provider and that consumer, its negotiation is still FINALIZED, the dataset is
// still offered, and the agreed policy still permits the consumer (re-evaluated now, against the facts
// verified when it subscribed: a time window that closed or a usage count used up ends the agreement's
// use, and with it the subscription).
import type { PolicyDenial, VerifiedConsumer } from '@musubi/core/policy';
import { decide, denialReasons } from '../policy/decide.js';
import type { ConnectorContext } from '../runtime/context.js';
import type { AgreementRecord } from '../store/records.js';
import type { StoreTx } from '../store/store.js';

export type Standing =
  | { ok: true; agreement: AgreementRecord; purpose?: string; consumerAddress: string }
  | { ok: false; code: string; message: string; status: number; denials?: Record<string, unknown>[] };

export async function agreementStanding(ctx: ConnectorContext, tx: StoreTx, agreementId: string, consumer: VerifiedConsumer): Promise<Standing> {
  const agreement = await tx.agreement(agreementId);
  if (!agreement || agreement.role !== 'provider' || agreement.consumerDid !== consumer.did) {
    return { ok: false, code: 'AgreementNotFound', status: 404, message: `there is no agreement '${agreementId.slice(0, 200)}' between this provider and ${consumer.did}; negotiate a contract for the dataset first, then subscribe with its agreement id` };
  }
  const negotiation = await tx.negotiation(agreement.negotiationPid);
  if (negotiation?.state !== 'FINALIZED') {
    return { ok: false, code: 'AgreementNotFinalized', status: 409, message: `the negotiation of agreement '${agreementId}' is ${negotiation?.state ?? 'gone'}; only a FINALIZED agreement allows a subscription` };
  }
  if (!ctx.offers.byAssetId(agreement.datasetId)) {
    return { ok: false, code: 'OfferWithdrawn', status: 410, message: `dataset '${agreement.datasetId}' is no longer offered by this connector` };
  }
  if (!agreement.policy) {
    return { ok: false, code: 'AgreementWithoutPolicy', status: 409, message: `agreement '${agreementId}' has no recorded policy to evaluate` };
  }
  const usageCount = await tx.countCompletedTransfers(agreementId);
  const decision = decide(agreement.policy, consumer, { ...(negotiation.purpose !== undefined && { purpose: negotiation.purpose }), now: ctx.clock(), usageCount });
  if (!decision.allowed) {
    const denials: readonly PolicyDenial[] = decision.denials;
    return {
      ok: false, code: 'AgreementNoLongerPermits', status: 403, denials: denialReasons(denials, agreement.policy.id),
      message: `the policy of agreement '${agreementId}' no longer permits ${consumer.did}: ${denials.map((d) => d.message).join('; ')}`,
    };
  }
  return { ok: true, agreement, consumerAddress: negotiation.counterPartyAddress, ...(negotiation.purpose !== undefined && { purpose: negotiation.purpose }) };
}
