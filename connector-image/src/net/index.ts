export { isLoopbackAddress, isSpecialPurposeAddress } from './address-guard.js';
export { OutboundFailed, OutboundRefused, checkOutboundDestination, checkOutboundUrl, sendOutbound, type OutboundPolicy, type OutboundRequest, type OutboundResponse } from './outbound-http.js';
