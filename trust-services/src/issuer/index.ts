// The issuer a TrustAnchor runs: identifier verification against a trusted registry, VC-API and DCP
// issuance, verification, status lists, the signed trust list and mutual recognition, the transparency log.
export { EnrolledParticipant, IssuerServiceConfig, type IssuerServiceConfigInput, type RecognisedAnchorConfig } from './config.js';
export { createIssuerService, type IssuerService } from './service.js';
export type { IssuerCore, IssuerDependencies } from './core.js';
export { FileRegistry, HttpRegistry, type RegistryRecord, type TrustedRegistry } from './registry.js';
export { verifyLegalPerson, sameLegalName, type LegalPersonClaims, type VerifiedLegalPerson } from './identity-check.js';
export { defaultTrustListUrl, type RecognitionState, type RecognitionStatus } from './recognition.js';
export type { SignedHead } from './transparency.js';
