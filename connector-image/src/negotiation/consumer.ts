// The consumer's side of a contract negotiation: checking what the provider sends against what was
// asked for, verifying an agreement that matches, and telling the provider when it does not.
import {
  contractAgreementVerificationMessage, contractNegotiationEventMessage, contractNegotiationTerminationMessage, pidSegment,
  type ContractAgreementMessage, type Explanation,
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

/** An agreement arrived: record it and verify it when it matches the request, terminate otherwise. */
export async function consumerOnAgreement(scope: StepScope, record: NegotiationRecord, message: ContractAgreementMessage): Promise<NegotiationRecord> {
  const { ctx, tx } = scope;
  const agreement = message.agreement;
  const agreed = await advance(scope, record, 'provider', 'agreement', { providerPid: message.providerPid, agreementId: agreement['@id'] }, { agreementId: agreement['@id'] });
  const problems = agreementProblems(agreed, agreement, ctx.participantDid);
  if (problems.length > 0) return consumerTerminate(scope, agreed, { code: 'AgreementMismatch', reason: problems });
  await tx.insertAgreement({
    agreementId: agreement['@id'], negotiationPid: agreed.localPid, role: 'consumer', providerDid: agreed.counterPartyDid, consumerDid: ctx.participantDid,
    datasetId: agreed.datasetId, agreement, providerAddress: agreed.counterPartyAddress, createdAt: nowIso(ctx),
  });
  const verified = await advance(scope, agreed, 'consumer', 'verification');
  await send(scope, verified, `negotiations/${pidSegment(verified.providerPid ?? '')}/agreement/verification`, 'ContractAgreementVerificationMessage', contractAgreementVerificationMessage(consumerPids(verified)));
  return verified;
}
