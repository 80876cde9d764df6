// The HTTP data plane: pull endpoint with short-lived renewable tokens, push to consumers, data sources.
export { HTTP_ENDPOINT_TYPE, authorizationOf, httpDataAddress, redactDataAddress } from './addresses.js';
export { DataSourceFailed, readOfferData, type OfferData } from './sources.js';
export { checkToken, issueToken, tokenHash, type TokenCheck } from './tokens.js';
export { PushRejected, pushTransferData } from './push.js';
export { DataAccessDenied, RefreshRequest, consumerData, receivePush, refreshPullAccess, servePull } from './pull.js';
