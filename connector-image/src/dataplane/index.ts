// The HTTP data plane: streamed pull with short-lived renewable tokens, streamed push to consumers,
// data sources, and the measurements (size limit, SHA-256) taken on the way.
export { HTTP_ENDPOINT_TYPE, authorizationOf, httpDataAddress, redactDataAddress } from './addresses.js';
export { DataAccessDenied, type DataStream } from './access.js';
export { TransferMeter, TransferTooLarge } from './meter.js';
export { DataSourceFailed, backendHeaders, openOfferData, type OfferStream, type SourceOptions } from './sources.js';
export { checkToken, issueToken, tokenHash, type TokenCheck } from './tokens.js';
export { PushRejected, pushTransferData } from './push.js';
export { RefreshRequest, openConsumerData, openPull, refreshPullAccess } from './pull.js';
export { RECEIVED_CHUNK_BYTES, readReceivedData, receivePush, type PushArrival } from './received.js';
export { createDataPlaneRouter, isStreamedUpload, sendDataStream } from './routes.js';
