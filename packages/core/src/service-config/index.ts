// Configuration files of the trust services the operator runs (issuer, wallet) and the issuer's HTTP
// contract: one schema each, rendered by the operator and read by the services. The connector's
// configuration has its own schema in @musubi/connector/config, which the operator renders against.
export * from './common.js';
export * from './issuer.js';
export * from './wallet.js';
