export {
  CredentialContainer, CredentialMessage, CredentialOfferMessage, CredentialRequestMessage, CredentialStatusMessage, DCP_CONTEXT, LegalPersonClaimsSchema,
  PresentationQueryMessage, PresentationResponseMessage, VC_ID_SCOPE, VC_TYPE_SCOPE, parseScope, typeScope, type Scope,
} from './messages.js';
export { serviceEndpoint } from './endpoints.js';
export { authenticateIdToken, type IdTokenCheck } from './id-token.js';
