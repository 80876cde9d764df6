// The provider steps the DSP TCK's provider-side cases expect, keyed by the dataset id (negotiation
// cases CN:xx-yy) or the agreement id (transfer cases TP:xx-yy) the TCK is configured with. The TCK
// drives the consumer's half of each case; the connector under test must take the provider's half on
// its own, so this profile decides it from the id instead of from a policy.
import type { ProviderNegotiationReactions, ProviderReactionInput } from '../negotiation/provider.js';
import type { ProviderTransferReactionInput, ProviderTransferReactions } from '../transfer/provider.js';

export type NegotiationStep = 'offer' | 'agree' | 'terminate' | 'finalize' | 'wait';
export type TransferStep = 'start' | 'suspend' | 'complete' | 'terminate';

export interface NegotiationScript {
  /** Steps after the consumer's opening request. */
  requested: NegotiationStep[];
  /** Steps after the consumer accepted an offer (default: agree). */
  accepted?: NegotiationStep[];
  /** Steps after the consumer verified the agreement (default: finalize). */
  verified?: NegotiationStep[];
}

const offerThenAgree: NegotiationScript = { requested: ['offer'] };
const agreeThenFinalize: NegotiationScript = { requested: ['agree'] };

/** Provider-side negotiation cases: dataset id → what the provider does at each consumer step. */
export const TCK_NEGOTIATION_SCRIPTS: Readonly<Record<string, NegotiationScript>> = {
  ACN0101: offerThenAgree,
  ACN0102: offerThenAgree,
  ACN0103: offerThenAgree,
  ACN0104: agreeThenFinalize,
  ACN0201: { requested: ['terminate'] },
  ACN0202: { requested: ['wait'] },
  ACN0203: agreeThenFinalize,
  ACN0204: offerThenAgree,
  ACN0205: { requested: ['offer', 'terminate'] },
  ACN0206: { requested: ['offer'], accepted: ['terminate'] },
  ACN0207: { requested: ['agree'], verified: ['terminate'] },
  ACN0301: agreeThenFinalize,
  ACN0302: offerThenAgree,
  // The TCK then sends a verification out of turn, which must be refused while the negotiation is ACCEPTED.
  ACN0303: { requested: ['offer'], accepted: ['wait'] },
  ACN0304: offerThenAgree,
};

/** Provider-side transfer cases: agreement id → what the provider does when the transfer is requested. */
export const TCK_TRANSFER_SCRIPTS: Readonly<Record<string, TransferStep[]>> = {
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

const scripted = { code: 'TckScripted', reason: ['the TCK case scripts this step'] };

async function runNegotiationSteps(steps: readonly NegotiationStep[], { actions }: ProviderReactionInput): Promise<void> {
  for (const step of steps) {
    switch (step) {
      case 'offer': await actions.counterOffer(); break;
      case 'agree': await actions.agree(); break;
      case 'finalize': await actions.finalize(); break;
      case 'terminate': await actions.terminate(scripted); break;
      case 'wait': break;
    }
  }
}

function scriptOf(input: ProviderReactionInput): NegotiationScript {
  const datasetId = input.actions.record.datasetId;
  const script = TCK_NEGOTIATION_SCRIPTS[datasetId];
  if (!script) throw new Error(`dataset '${datasetId}' has no TCK script; the tck-conformance profile serves only the TCK's datasets`);
  return script;
}

/** Negotiation reactions of the TCK profile: the scripted step for the dataset; a counter-request is refused. */
export const tckNegotiationReactions: ProviderNegotiationReactions = {
  async requested(input) {
    // The TCK's counter-offer cases (CN:01-02, CN:03-04) expect the provider to terminate.
    if (input.counterRequest) return runNegotiationSteps(['terminate'], input);
    return runNegotiationSteps(scriptOf(input).requested, input);
  },
  async accepted(input) {
    return runNegotiationSteps(scriptOf(input).accepted ?? ['agree'], input);
  },
  async verified(input) {
    return runNegotiationSteps(scriptOf(input).verified ?? ['finalize'], input);
  },
};

/** Transfer reactions of the TCK profile: the scripted sequence for the agreement, in order. */
export const tckTransferReactions: ProviderTransferReactions = {
  async requested({ actions, agreement }: ProviderTransferReactionInput) {
    const steps = TCK_TRANSFER_SCRIPTS[agreement.agreementId];
    if (!steps) throw new Error(`agreement '${agreement.agreementId}' has no TCK script; the tck-conformance profile serves only the TCK's agreements`);
    for (const step of steps) {
      switch (step) {
        case 'start': await actions.start(); break;
        case 'suspend': await actions.suspend(scripted); break;
        case 'complete': await actions.complete(); break;
        case 'terminate': await actions.terminate(scripted); break;
      }
    }
  },
};
