// Contract negotiation: the DSP state machine and both roles' handling of its messages.
export * from './states.js';
export { Negotiations, type StartNegotiation } from './service.js';
export { ProviderNegotiationActions, policyDrivenReactions, type ProviderNegotiationReactions, type ProviderReactionInput } from './provider.js';
export { agreementProblems, automaticConsumerReactions, type ConsumerNegotiationReactions, type ConsumerReactionInput } from './consumer.js';
