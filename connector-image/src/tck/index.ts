export { TckProfileConfigSchema, type TckProfileConfig } from './config.js';
export { TckStaticAuthenticator, TckStaticCredentials } from './auth.js';
export {
  TCK_CONSUMER_NEGOTIATION_SCRIPTS, TCK_CONSUMER_TRANSFER_SCRIPTS, TCK_NEGOTIATION_SCRIPTS, TCK_TRANSFER_SCRIPTS,
  consumerNegotiationSteps, consumerTransferSteps, tckConsumerReactions, tckNegotiationReactions, tckTransferReactions,
  type ConsumerAction, type ConsumerNegotiationStep, type ConsumerTransferStep, type ProviderNegotiationScript, type ProviderNegotiationStep,
  type ProviderTransferStep, type ScriptedServices,
} from './script.js';
export { ScriptRunner, type ProcessKind, type ProcessView, type ScriptTiming, type ScriptedStep } from './script-runner.js';
export { TCK_CATALOG_DATASETS, TCK_TRANSFER_DATASET, seedFinalizedAgreement, seedProviderAgreements, tckOfferBook, tckOfferId, tckOpenPolicy, type FinalizedAgreement } from './seed.js';
export { NEGOTIATION_TRIGGER_PATH, TRANSFER_TRIGGER_PATH, createTckTriggerApp, type TriggerDeps } from './triggers.js';
export { startTckProfile, type RunningTckProfile } from './profile.js';
