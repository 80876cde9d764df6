export {
  ANCHOR_ISSUED_TYPES, createStatusListResolverFor, peekCredential, readRawCredential, verifyCredential,
  type CredentialVerdict, type RawCredential, type VerificationContext,
} from './credential.js';
