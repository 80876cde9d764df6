// Configuration files of the services the operator runs (issuer, wallet, connector) and the issuer's
// HTTP contract: one schema each, rendered by the operator and read by the services.
export * from './common.js';
export * from './connector.js';
export * from './issuer.js';
export * from './wallet.js';
