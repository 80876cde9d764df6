// The connector's half of each DSP TCK case. The TCK drives its own half and expects the connector under
// test to take the other on its own: as provider, keyed by the dataset id (negotiation cases CN:xx-yy) or
// the agreement id (transfer cases TP:xx-yy) the TCK is configured with; as consumer (CN_C, TP_C), keyed by
// the dataset or agreement id the TCK names when it triggers the connector. So in this profile a script,
// not a policy or an operator, decides each step; ScriptRunner takes the steps at the TCK's pace.
import type { ConsumerNegotiationReactions } from '../negotiation/consumer.js';
import type { ProviderNegotiationActions, ProviderNegotiationReactions, ProviderReactionInput } from '../negotiation/provider.js';
import type { Negotiations } from '../negotiation/service.js';
import type { NegotiationState, OdrlPolicyJson, TransferState } from '../protocol/index.js';
import type { ProviderTransferReactions } from '../transfer/provider.js';
import type { Transfers } from '../transfer/service.js';
import type { ScriptRunner, ScriptedStep } from './script-runner.js';

export type ProviderNegotiationStep = 'offer' | 'agree' | 'finalize' | 'terminate';
export type ProviderTransferStep = 'start' | 'suspend' | 'complete' | 'terminate';
export type ConsumerNegotiationStep = 'accept' | 'counter-offer' | 'verify' | 'terminate';
export type ConsumerTransferStep = 'suspend' | 'complete' | 'terminate';

/** The provider's steps after each consumer message; an empty list waits for the consumer. */
export interface ProviderNegotiationScript {
  /** After the consumer's opening request. */
  requested: ProviderNegotiationStep[];
  /** After the consumer answered an offer with a counter-offer (default: wait). */
  counterOffered?: ProviderNegotiationStep[];
  /** After the consumer accepted an offer (default: agree). */
  accepted?: ProviderNegotiationStep[];
  /** After the consumer verified the agreement (default: finalize). */
  verified?: ProviderNegotiationStep[];
}

/** A consumer step and the state of the process it answers. */
export interface ConsumerAction<S extends NegotiationState | TransferState, A extends string> {
  when: S;
  then: A;
}

const offerThenAgree: ProviderNegotiationScript = { requested: ['offer'] };
const agreeThenFinalize: ProviderNegotiationScript = { requested: ['agree'] };

/** Provider-side negotiation cases: dataset id → the provider's steps. */
export const TCK_NEGOTIATION_SCRIPTS: Readonly<Record<string, ProviderNegotiationScript>> = {
  ACN0101: offerThenAgree,
  ACN0102: { requested: ['offer'], counterOffered: ['terminate'] },
  ACN0103: offerThenAgree,
  ACN0104: agreeThenFinalize,
  ACN0201: { requested: ['terminate'] },
  ACN0202: { requested: [] },
  ACN0203: agreeThenFinalize,
  ACN0204: offerThenAgree,
  ACN0205: { requested: ['offer', 'terminate'] },
  ACN0206: { requested: ['offer'], accepted: ['terminate'] },
  ACN0207: { requested: ['agree'], verified: ['terminate'] },
  ACN0301: agreeThenFinalize,
  ACN0302: offerThenAgree,
  // The TCK then sends a verification out of turn, which must be refused while the negotiation is ACCEPTED.
  ACN0303: { requested: ['offer'], accepted: [] },
  // The TCK's first counter-offer is left unanswered; its second, out of turn, must be refused.
  ACN0304: { requested: ['offer'], counterOffered: [] },
};

/** Provider-side transfer cases: agreement id → the provider's steps after the transfer request. */
export const TCK_TRANSFER_SCRIPTS: Readonly<Record<string, ProviderTransferStep[]>> = {
  ATP0101: ['start', 'terminate'],
  ATP0102: ['start', 'complete'],
  ATP0103: ['start', 'suspend', 'terminate'],
  ATP0104: ['start', 'suspend', 'start', 'complete'],
  ATP0105: ['terminate'],
  ATP0201: ['start'],
  ATP0202: ['start'],
  ATP0203: ['start'],
  ATP0204: ['start'],
  ATP0205: [],
  ATP0301: [],
  ATP0302: [],
  ATP0303: ['start'],
  ATP0304: ['start'],
  ATP0305: ['start'],
  ATP0306: ['start'],
};

type NegotiationAction = ConsumerAction<NegotiationState, ConsumerNegotiationStep>;
type TransferAction = ConsumerAction<TransferState, ConsumerTransferStep>;

const acceptThenVerify: NegotiationAction[] = [{ when: 'OFFERED', then: 'accept' }, { when: 'AGREED', then: 'verify' }];
const verifyAgreement: NegotiationAction[] = [{ when: 'AGREED', then: 'verify' }];
const acceptOffer: NegotiationAction[] = [{ when: 'OFFERED', then: 'accept' }];

/**
 * Consumer-side negotiation cases: dataset id → the consumer's steps. Cases that are not listed (and
 * steps after the last) leave the negotiation where the TCK put it: the TCK checks that it stays there.
 */
export const TCK_CONSUMER_NEGOTIATION_SCRIPTS: Readonly<Record<string, NegotiationAction[]>> = {
  ACNC0101: acceptThenVerify,
  ACNC0102: [{ when: 'OFFERED', then: 'counter-offer' }],
  ACNC0103: [{ when: 'OFFERED', then: 'terminate' }],
  ACNC0104: verifyAgreement,
  ACNC0202: [{ when: 'REQUESTED', then: 'terminate' }],
  ACNC0203: [{ when: 'AGREED', then: 'terminate' }],
  ACNC0205: acceptOffer,
  ACNC0206: verifyAgreement,
  ACNC0304: acceptOffer,
  ACNC0305: acceptOffer,
  ACNC0306: acceptOffer,
};

/** Consumer-side transfer cases: agreement id → the consumer's steps (unlisted: the provider drives). */
export const TCK_CONSUMER_TRANSFER_SCRIPTS: Readonly<Record<string, TransferAction[]>> = {
  ATPC0201: [{ when: 'STARTED', then: 'terminate' }],
  ATPC0202: [{ when: 'STARTED', then: 'complete' }],
  ATPC0203: [{ when: 'STARTED', then: 'suspend' }, { when: 'SUSPENDED', then: 'terminate' }],
  ATPC0205: [{ when: 'REQUESTED', then: 'terminate' }],
};

const scripted = { code: 'TckScripted', reason: ['the TCK case scripts this step'] };
const scriptedReason = 'the TCK case scripts this step';

/** The connector's protocol services, once it runs (the reactions are made before it starts). */
export type ScriptedServices = () => { negotiations: Negotiations; transfers: Transfers };

function providerNegotiationSteps(services: ScriptedServices, pid: string, steps: readonly ProviderNegotiationStep[]): ScriptedStep[] {
  const act = (step: ProviderNegotiationStep) => (actions: ProviderNegotiationActions) => {
    switch (step) {
      case 'offer': return actions.counterOffer();
      case 'agree': return actions.agree();
      case 'finalize': return actions.finalize();
      case 'terminate': return actions.terminate(scripted);
    }
  };
  return steps.map((step) => ({ name: `provider ${step}`, act: () => services().negotiations.providerStep(pid, act(step)) }));
}

function scriptOf(datasetId: string): ProviderNegotiationScript {
  const script = TCK_NEGOTIATION_SCRIPTS[datasetId];
  if (!script) throw new Error(`dataset '${datasetId}' has no TCK script; the tck-conformance profile serves only the TCK's datasets`);
  return script;
}

/** Provider negotiation reactions of the TCK profile: the dataset's scripted steps, played after the commit. */
export function tckNegotiationReactions(runner: ScriptRunner, services: ScriptedServices): ProviderNegotiationReactions {
  const play = ({ scope, actions }: ProviderReactionInput, steps: readonly ProviderNegotiationStep[]): Promise<void> => {
    const pid = actions.record.localPid;
    scope.afterCommit(() => runner.run('negotiation', pid, providerNegotiationSteps(services, pid, steps)));
    return Promise.resolve();
  };
  return {
    requested(input) {
      const script = scriptOf(input.actions.record.datasetId);
      return play(input, input.counterRequest ? script.counterOffered ?? [] : script.requested);
    },
    accepted(input) {
      return play(input, scriptOf(input.actions.record.datasetId).accepted ?? ['agree']);
    },
    verified(input) {
      return play(input, scriptOf(input.actions.record.datasetId).verified ?? ['finalize']);
    },
  };
}

/** Provider transfer reactions of the TCK profile: the agreement's scripted steps, played after the commit. */
export function tckTransferReactions(runner: ScriptRunner, services: ScriptedServices): ProviderTransferReactions {
  return {
    requested({ scope, actions, agreement }) {
      const steps = TCK_TRANSFER_SCRIPTS[agreement.agreementId];
      if (!steps) throw new Error(`agreement '${agreement.agreementId}' has no TCK script; the tck-conformance profile serves only the TCK's agreements`);
      const pid = actions.record.localPid;
      const scriptedSteps = steps.map((step): ScriptedStep => ({
        name: `provider ${step}`,
        act: () => services().transfers.providerStep(pid, (provider) => {
          switch (step) {
            case 'start': return provider.start();
            case 'suspend': return provider.suspend(scripted);
            case 'complete': return provider.complete();
            case 'terminate': return provider.terminate(scripted);
          }
        }),
      }));
      scope.afterCommit(() => runner.run('transfer', pid, scriptedSteps));
      return Promise.resolve();
    },
  };
}

/** The TCK profile's consumer leaves offers and agreements to the script (see consumerNegotiationSteps). */
export const tckConsumerReactions: ConsumerNegotiationReactions = {
  offered: ({ record }) => Promise.resolve(record),
  agreed: ({ record }) => Promise.resolve(record),
};

/** The consumer's scripted steps for a negotiation it started for the TCK's dataset; a counter-offer repeats `requested`. */
export function consumerNegotiationSteps(services: ScriptedServices, pid: string, datasetId: string, requested: OdrlPolicyJson): ScriptedStep[] {
  return (TCK_CONSUMER_NEGOTIATION_SCRIPTS[datasetId] ?? []).map(({ when, then }) => ({
    name: `consumer ${then} when ${when}`,
    when,
    act: () => {
      const { negotiations } = services();
      switch (then) {
        case 'accept': return negotiations.accept(pid);
        case 'counter-offer': return negotiations.counterOffer(pid, requested);
        case 'verify': return negotiations.verify(pid);
        case 'terminate': return negotiations.terminate(pid, scriptedReason);
      }
    },
  }));
}

/** The consumer's scripted steps for a transfer it requested under the TCK's agreement. */
export function consumerTransferSteps(services: ScriptedServices, pid: string, agreementId: string): ScriptedStep[] {
  return (TCK_CONSUMER_TRANSFER_SCRIPTS[agreementId] ?? []).map(({ when, then }) => ({
    name: `consumer ${then} when ${when}`,
    when,
    act: () => services().transfers.act(pid, then, scriptedReason),
  }));
}
