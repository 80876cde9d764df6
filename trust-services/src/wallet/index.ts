// A Participant's wallet: holds the participant's key and credentials (and its members'), requests and
// renews credentials from its anchor over DCP, issues employee and relationship credentials, and answers
// DCP presentation queries with only what the verifier asked for and was granted.
export { WalletServiceConfig, type WalletServiceConfigInput } from './config.js';
export { createWalletService, type WalletService } from './service.js';
export type { WalletCore, WalletDependencies } from './core.js';
export type { Holder } from './holders.js';
export type { HeldCredential } from './credential-store.js';
export { mintAccessToken, readAccessToken, type AccessGrant } from './access-token.js';
