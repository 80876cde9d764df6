// Musubi's trust library: DIDs, keys, credentials (vc+jwt and Data Integrity), status lists, ID tokens,
// the trust store with mutual recognition, and the transparency log. Used by the operator, the issuer
// and wallet services and the connector.
export { TRUST_ERROR_REASONS, TrustError, findTrustError, isTrustError, type TrustErrorReason } from './errors.js';
export { DEFAULT_CLOCK_SKEW_SECONDS, systemClock, type Clock } from './time.js';
export {
  JOSE_ALGS, algOf, curveOf, generateKeyPair, importKeyPair, importPublicKey, parsePublicJwk, thumbprintOf, toJoseAlg,
  type Curve, type JoseAlg, type KeyAlgorithmInput, type JoseKeys, type KeyPair, type PrivateJwk, type PublicJwk, type VerificationKey,
} from './keys.js';
export { multibaseToPublicJwk, publicJwkToMultibase } from './multikey.js';
export { assertFetchableUrl, isClusterServiceHost, isLoopbackHost, type FetchLike } from './http-fetch.js';
export {
  DID_CONTEXT_V1, JWS_2020_CONTEXT_V1, MULTIKEY_CONTEXT_V1, LocalDidRegistry, buildDidDocument, chainDidResolvers,
  createDidWebResolver, didWebFromUrl, didWebToUrl, parseDidDocument, parseDidWeb,
  type DidDocument, type DidDocumentKey, type DidResolver, type DidService, type DidWebResolver, type DidWebResolverOptions,
  type ParsedDidWeb, type VerificationMethod, type VerificationMethodType, type VerificationRelationship,
} from './did-web.js';
export { createKeyResolver, findVerificationMethod, splitDidUrl, type KeyResolver, type ResolvedKey } from './key-resolver.js';
export { DEFAULT_MAX_JWS_BYTES, decodeJws, signJws, verifyJwsSignature, type DecodedJws, type JwsHeader } from './jws.js';
export {
  CREDENTIALS_V2_CONTEXT, MUSUBI_CREDENTIALS_CONTEXT, assertCredentialTimely, describeCredential, issuerOf, parseCredential,
  parsePresentation, subjectIdOf, type Credential, type Presentation, type StatusEntry,
} from './credential.js';
export {
  DEFAULT_MAX_CREDENTIAL_BYTES, DEFAULT_MAX_PRESENTATION_BYTES, ENVELOPED_VC_JWT_PREFIX, MAX_PRESENTATION_LIFETIME_SECONDS,
  createPresentationJwt, issueCredentialJwt, verifyCredentialJwt, verifyPresentationJwt,
  type CredentialVerificationOptions, type PresentationJwtInput, type PresentationVerificationOptions,
  type VerifiedCredential, type VerifiedPresentationJwt,
} from './vc-jwt.js';
export { BUNDLED_CONTEXTS, createDocumentLoader, type DocumentLoader, type DocumentLoaderOptions, type RemoteDocument } from './document-loader.js';
export { MUSUBI_CREDENTIALS_CONTEXT_DOCUMENT, MUSUBI_CREDENTIALS_CONTEXT_URL } from './contexts/musubi-credentials-v1.js';
export {
  CRYPTOSUITE, createPresentationDataIntegrity, issueCredentialDataIntegrity, verifyCredentialDataIntegrity,
  verifyPresentationDataIntegrity, type DataIntegrityIssueOptions, type DataIntegrityPresentationInput,
  type DataIntegrityProofValue, type DataIntegrityVerificationOptions, type SecuredCredential, type SecuredPresentation,
  type VerifiedDataIntegrityPresentation,
} from './data-integrity.js';
export {
  MAX_STATUS_LIST_BYTES, MIN_STATUS_LIST_LENGTH, STATUS_PURPOSES, StatusList, checkCredentialStatus,
  createHttpStatusListFetcher, createStatusListResolver,
  type StatusCheck, type StatusListResolver, type StatusListResolverOptions, type StatusListState, type StatusPurpose,
} from './status-list.js';
export {
  InMemoryReplayGuard, MAX_ID_TOKEN_LIFETIME_SECONDS, issueSelfIssuedIdToken, verifySelfIssuedIdToken,
  type IdTokenInput, type IdTokenVerificationOptions, type ReplayGuard, type VerifiedIdToken,
} from './id-token.js';
export {
  DataspaceMembershipSubject, EmployeeSubject, IdentifierClaim, LegalPersonSubject, RelationshipSubject, SUBJECT_SCHEMAS,
  buildDataspaceMembershipCredential, buildEmployeeCredential, buildLegalPersonCredential, buildRelationshipCredential,
  musubiTypeOf, parseTypedCredential, validateIdentifierClaims,
  type CredentialEnvelopeInput, type SubjectOf, type TypedCredential,
} from './credential-types.js';
export {
  TrustStore,
  type AnchorConfig, type AttributeMapping, type MappedIdentifiers, type PinnedJwk, type RecognisedAnchorConfig,
  type RegistrationProperty, type TrustStoreInput, type TrustedAnchor,
} from './trust-store.js';
export {
  TRUST_LIST_TYPE, fetchVerifiedTrustList, issueTrustList, trustStoreFromTrustList, verifyTrustList, type FetchTrustListOptions, type RecognisedAnchorEntry, type TrustList, type TrustListInput,
} from './trust-list.js';
export {
  GENESIS_HASH, TransparencyLog, assertChain, entryHash, verifyChain,
  type ChainVerdict, type TransparencyEvent, type TransparencyLogEntry, type TransparencyLogOptions,
} from './transparency-log.js';
export {
  createTrustedStatusListResolver, verifyCredentialAnyFormat, verifyPresentationForAccess,
  type AcceptedCredential, type AccessRequest, type AccessVerification, type AccessVerifierOptions, type CredentialCheckOptions,
} from './access-verifier.js';
