// Test support: real issuers and wallets on loopback ports (not used by the services themselves).
export * from './harness.js';
