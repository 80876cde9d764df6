// Caller identity on DSP requests: the interfaces, and the DCP implementation built on @musubi/core/trust.
export { CallerUnauthenticated, bearerToken, type CallerAuthenticator, type CallerCredentials, type UnauthenticatedReason } from './caller.js';
export {
  CREDENTIAL_SERVICE_TYPE, DCP_CONTEXT, DcpCallerAuthenticator, StsCallerCredentials, credentialServicePresentations,
  type DcpAuthenticatorOptions, type PresentationSource,
} from './dcp.js';
