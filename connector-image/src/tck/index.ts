export { TckProfileConfigSchema, type TckProfileConfig } from './config.js';
export { TckStaticAuthenticator, TckStaticCredentials } from './auth.js';
export { TCK_NEGOTIATION_SCRIPTS, TCK_TRANSFER_SCRIPTS, tckNegotiationReactions, tckTransferReactions, type NegotiationScript, type NegotiationStep, type TransferStep } from './script.js';
export { TCK_CATALOG_DATASETS, TCK_TRANSFER_DATASET, seedFinalizedAgreement, seedProviderAgreements, tckOfferBook, tckOfferId, tckOpenPolicy, type FinalizedAgreement } from './seed.js';
export { NEGOTIATION_TRIGGER_PATH, TRANSFER_TRIGGER_PATH, createTckTriggerApp } from './triggers.js';
export { startTckProfile, type RunningTckProfile } from './profile.js';
