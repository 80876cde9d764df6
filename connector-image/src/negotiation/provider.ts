// The provider's side of a contract negotiation: what it does when a consumer's message arrives. The
// reactions (agree, offer, finalize, terminate) are separate from the message handling so the state
// machine stays the same whoever decides: Musubi's policy engine by default, or a scripted profile.
import { randomUUID } from 'node:crypto';
import { toOdrlAgreement, type VerifiedConsumer } from '@musubi/core/policy';
import {
  contractAgreementMessage, contractNegotiationEventMessage, contractNegotiationTerminationMessage, contractOfferMessage, pidSegment,
  type ContractAgreementMessage, type Explanation,
} from '../protocol/index.js';
import { decide, policyDeniedExplanation, type PublishedOffer } from '../policy/index.js';
import { nowIso } from '../runtime/context.js';
import type { NegotiationRecord } from '../store/records.js';
import { advance, send, type StepScope } from './steps.js';

export function providerPids(record: NegotiationRecord): { providerPid: string; consumerPid: string } {
  return { providerPid: record.localPid, consumerPid: record.consumerPid ?? '' };
}

/** What a provider can do next in a negotiation; each call is one recorded transition. */
export class ProviderNegotiationActions {
  constructor(
    private readonly scope: StepScope,
    private current: NegotiationRecord,
    readonly offer: PublishedOffer,
  ) {}

  get record(): NegotiationRecord {
    return this.current;
  }

  async agree(): Promise<NegotiationRecord> {
    const { ctx, tx } = this.scope;
    const agreementId = `urn:uuid:${randomUUID()}`;
    const agreement = toOdrlAgreement(this.offer.policy, {
      agreementId, assigner: ctx.participantDid, assignee: this.current.counterPartyDid, target: this.offer.assetId, timestamp: ctx.clock(),
    }) as ContractAgreementMessage['agreement'];
    const message = contractAgreementMessage(providerPids(this.current), agreement);
    await tx.insertAgreement({
      agreementId, negotiationPid: this.current.localPid, role: 'provider', providerDid: ctx.participantDid, consumerDid: this.current.counterPartyDid,
      datasetId: this.offer.assetId, agreement, policy: this.offer.policy, createdAt: nowIso(ctx),
    });
    this.current = await advance(this.scope, this.current, 'provider', 'agreement', { agreementId }, { agreementId, policy: this.offer.policy.id, policyDigest: this.offer.policy.digest });
    await send(this.scope, this.current, `negotiations/${pidSegment(this.current.consumerPid ?? '')}/agreement`, 'ContractAgreementMessage', message);
    return this.current;
  }

  async counterOffer(): Promise<NegotiationRecord> {
    const offer = this.scope.ctx.offers.odrlOffer(this.offer, 'message');
    const message = contractOfferMessage({ ...providerPids(this.current), offer });
    this.current = await advance(this.scope, this.current, 'provider', 'offer', { offer }, { offerId: offer['@id'] });
    await send(this.scope, this.current, `negotiations/${pidSegment(this.current.consumerPid ?? '')}/offers`, 'ContractOfferMessage', message);
    return this.current;
  }

  async finalize(): Promise<NegotiationRecord> {
    this.current = await advance(this.scope, this.current, 'provider', 'finalized');
    await send(this.scope, this.current, `negotiations/${pidSegment(this.current.consumerPid ?? '')}/events`, 'ContractNegotiationEventMessage', contractNegotiationEventMessage(providerPids(this.current), 'FINALIZED'));
    return this.current;
  }

  async terminate(explanation: Explanation): Promise<NegotiationRecord> {
    this.current = await advance(this.scope, this.current, 'provider', 'termination', { termination: { by: 'self', ...explanation } }, { ...explanation });
    await send(this.scope, this.current, `negotiations/${pidSegment(this.current.consumerPid ?? '')}/termination`, 'ContractNegotiationTerminationMessage',
      contractNegotiationTerminationMessage(providerPids(this.current), explanation), { bestEffort: true });
    return this.current;
  }
}

export interface ProviderReactionInput {
  scope: StepScope;
  actions: ProviderNegotiationActions;
  caller: VerifiedConsumer;
  /** The consumer asked for terms other than the published offer's (a counter-offer). */
  termsDiffer: boolean;
  /** The consumer answered an offer of this provider with a request of its own (not the opening request). */
  counterRequest?: boolean;
}

/** How a provider answers each consumer step. */
export interface ProviderNegotiationReactions {
  requested(input: ProviderReactionInput): Promise<void>;
  accepted(input: ProviderReactionInput): Promise<void>;
  verified(input: ProviderReactionInput): Promise<void>;
}

/**
 * Musubi's provider: agree to exactly the published offer when its policy allows the verified consumer,
 * otherwise terminate with the policy's explanation; finalize as soon as the consumer verifies.
 */
export const policyDrivenReactions: ProviderNegotiationReactions = {
  async requested(input) {
    await agreeIfAllowed(input);
  },
  async accepted(input) {
    await agreeIfAllowed(input);
  },
  async verified({ actions }) {
    await actions.finalize();
  },
};

async function agreeIfAllowed({ scope, actions, caller, termsDiffer }: ProviderReactionInput): Promise<void> {
  const { ctx, tx, afterCommit } = scope;
  const record = actions.record;
  const policy = actions.offer.policy;
  if (termsDiffer) {
    await actions.terminate({
      code: 'CounterOfferRejected',
      reason: [`this provider negotiates only the published offer ${actions.offer.offerId} for dataset '${actions.offer.assetId}'; request it unchanged (as listed in the catalog)`],
    });
    return;
  }
  const decision = decide(policy, caller, { ...(record.purpose !== undefined && { purpose: record.purpose }), now: ctx.clock(), usageCount: 0 });
  if (decision.allowed) {
    await actions.agree();
    return;
  }
  await tx.recordDenial({
    at: nowIso(ctx), processKey: record.localPid, stage: 'negotiation', consumerDid: caller.did, datasetId: record.datasetId, policyId: policy.id, denials: decision.denials,
  });
  afterCommit(() => {
    for (const denial of decision.denials) ctx.metrics.policyDenials.inc({ stage: 'negotiation', reason: denial.reason });
    ctx.log.warn('negotiation refused by policy', {
      negotiation: record.localPid, consumer: caller.did, dataset: record.datasetId, policy: policy.id,
      denials: decision.denials.map((d) => ({ reason: d.reason, path: d.path, leftOperand: d.leftOperand, operator: d.operator, expected: d.expected, actual: d.actual })),
    });
  });
  await actions.terminate(policyDeniedExplanation(policy.id, decision.denials));
}
