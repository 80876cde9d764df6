// Caller identity on DSP requests: the interfaces, and the DCP implementation built on @musubi/core/trust.
export { CallerUnauthenticated, bearerToken, type CallerAuthenticator, type CallerCredentials, type UnauthenticatedReason } from './caller.js';
export {
  CREDENTIAL_SERVICE_TYPE, DCP_CONTEXT, DEFAULT_PRESENTATION_SCOPES, DcpCallerAuthenticator, StsCallerCredentials, credentialServicePresentations, credentialTypeScope,
  type DcpAuthenticatorOptions, type PresentationSource, type TrustContext,
} from './dcp.js';
export { StsClient, stsCredentialsFromFiles, stsOutboundPolicy, type StsClientCredentials, type StsTokenRequest } from './sts.js';
export { TrustListWatcher, type TrustListWatcherOptions } from './trust-list-watcher.js';
export { dcpIdentityFromConfig, type DcpIdentity } from './from-config.js';
