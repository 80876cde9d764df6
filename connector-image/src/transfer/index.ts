// Transfer processes: the DSP state machine and both roles' handling of its messages.
export * from './states.js';
export { Transfers, type StartTransfer } from './service.js';
export { ProviderTransferActions, mayStart, policyDrivenTransferReactions, type ProviderTransferReactions, type ProviderTransferReactionInput } from './provider.js';
