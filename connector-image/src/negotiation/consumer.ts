// The consumer's side of a contract negotiation: checking what the provider sends against what was
// asked for, and the consumer's steps (accept, counter-offer, verify, terminate). Whether a step is
// taken at once or left to a decision through the management API is up to the consumer reactions.
import {
  contractAgreementVerificationMessage, contractNegotiationEventMessage, contractNegotiationTerminationMessage, contractRequestMessage, pidSegment,
  type ContractAgreementMessage, type Explanation, type OdrlPolicyJson,
} from '../protocol/index.js';
import { sameTerms } from '../policy/index.js';
import { nowIso } from '../runtime/context.js';
import type { NegotiationRecord } from '../store/records.js';
import { advance, send, type StepScope } from './steps.js';

export function consumerPids(record: NegotiationRecord): { providerPid: string; consumerPid: string } {
  return { providerPid: record.providerPid ?? '', consumerPid: record.localPid };
}

export async function consumerTerminate(scope: StepScope, record: NegotiationRecord, explanation: Explanation): Promise<NegotiationRecord> {
  const next = await advance(scope, record, 'consumer', 'termination', { termination: { by: 'self', ...explanation } }, { ...explanation });
  if (next.providerPid) {
    await send(scope, next, `negotiations/${pidSegment(next.providerPid ?? '')}/termination`, 'ContractNegotiationTerminationMessage',
      contractNegotiationTerminationMessage(consumerPids(next), explanation), { bestEffort: true });
  }
  return next;
}

export async function consumerAccept(scope: StepScope, record: NegotiationRecord): Promise<NegotiationRecord> {
  const next = await advance(scope, record, 'consumer', 'accepted');
  await send(scope, next, `negotiations/${pidSegment(next.providerPid ?? '')}/events`, 'ContractNegotiationEventMessage', contractNegotiationEventMessage(consumerPids(next), 'ACCEPTED'));
  return next;
}

/** Why an agreement is not the one the consumer asked for; empty when it is. */
export function agreementProblems(record: NegotiationRecord, agreement: ContractAgreementMessage['agreement'], consumerDid: string): string[] {
  const problems: string[] = [];
  if (agreement.target !== record.datasetId) problems.push(`the agreement's target is '${agreement.target}', but the negotiation is for dataset '${record.datasetId}'`);
  if (agreement.assignee !== consumerDid) problems.push(`the agreement's assignee is '${agreement.assignee}', not this consumer (${consumerDid})`);
  if (!sameTerms(agreement, record.offer)) problems.push(`the agreement's rules differ from the offer ${record.offer['@id']} the consumer requested`);
  return problems;
}

/** VERIFIED: tell the provider the agreement matches what this consumer asked for. */
export async function consumerVerify(scope: StepScope, record: NegotiationRecord): Promise<NegotiationRecord> {
  const verified = await advance(scope, record, 'consumer', 'verification');
  await send(scope, verified, `negotiations/${pidSegment(verified.providerPid ?? '')}/agreement/verification`, 'ContractAgreementVerificationMessage', contractAgreementVerificationMessage(consumerPids(verified)));
  return verified;
}

/** REQUESTED again: answer the provider's offer with terms of this consumer's own (a counter-offer). */
export async function consumerCounterOffer(scope: StepScope, record: NegotiationRecord, offer: OdrlPolicyJson): Promise<NegotiationRecord> {
  const terms: OdrlPolicyJson = { ...offer, '@type': 'Offer', target: record.datasetId };
  const requested = await advance(scope, record, 'consumer', 'request', { offer: terms }, { offerId: terms['@id'] });
  await send(scope, requested, `negotiations/${pidSegment(requested.providerPid ?? '')}/request`, 'ContractRequestMessage',
    contractRequestMessage({ ...consumerPids(requested), offer: terms }));
  return requested;
}

export interface ConsumerReactionInput {
  scope: StepScope;
  record: NegotiationRecord;
}

/** How a consumer answers the provider's offers and agreements. */
export interface ConsumerNegotiationReactions {
  /** The provider offered terms (record is OFFERED); `matchesRequest`: they are the terms this consumer asked for. */
  offered(input: ConsumerReactionInput & { matchesRequest: boolean }): Promise<NegotiationRecord>;
  /** The provider sent an agreement matching the request (record is AGREED, the agreement recorded). */
  agreed(input: ConsumerReactionInput): Promise<NegotiationRecord>;
}

/**
 * Musubi's consumer: accept an offer that is exactly what it asked for (anything else waits for a
 * decision through the management API) and verify a matching agreement at once.
 */
export const automaticConsumerReactions: ConsumerNegotiationReactions = {
  async offered({ scope, record, matchesRequest }) {
    return matchesRequest && record.providerPid ? consumerAccept(scope, record) : record;
  },
  async agreed({ scope, record }) {
    return consumerVerify(scope, record);
  },
};

/** An agreement arrived: terminate when it is not what was asked for, else record it and let the reactions decide. */
export async function consumerOnAgreement(
  scope: StepScope, record: NegotiationRecord, message: ContractAgreementMessage, reactions: ConsumerNegotiationReactions,
): Promise<NegotiationRecord> {
  const { ctx, tx } = scope;
  const agreement = message.agreement;
  const agreed = await advance(scope, record, 'provider', 'agreement', { providerPid: message.providerPid, agreementId: agreement['@id'] }, { agreementId: agreement['@id'] });
  const problems = agreementProblems(agreed, agreement, ctx.participantDid);
  if (problems.length > 0) return consumerTerminate(scope, agreed, { code: 'AgreementMismatch', reason: problems });
  await tx.insertAgreement({
    agreementId: agreement['@id'], negotiationPid: agreed.localPid, role: 'consumer', providerDid: agreed.counterPartyDid, consumerDid: ctx.participantDid,
    datasetId: agreed.datasetId, agreement, providerAddress: agreed.counterPartyAddress, createdAt: nowIso(ctx),
  });
  return reactions.agreed({ scope, record: agreed });
}
