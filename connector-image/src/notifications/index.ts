// Push notifications beyond DSP: subscriptions bound to agreements, change detection at the provider,
// signed events delivered through the outbox, verified and de-duplicated by the consumer.
export { Notifications, type NotificationSettings } from './service.js';
export { ProviderSubscriptions, SubscribeRequest, SubscriptionRefused, subscriptionAnswer, type DataChange, type ProviderSubscriptionSettings } from './provider.js';
export { ConsumerSubscriptions, EVENTS_PATH, SubscriptionDeclined, SubscriptionNotFound } from './consumer.js';
export { EVENT_JWS_TYPE, EventRejected, MAX_EVENT_BYTES, NotificationClaimsSchema, readEvent, signEvent, verifyEventSignature } from './events.js';
export { ChangeWatcher, type ChangeOutcome } from './watch.js';
export { EventDispatcher } from './delivery.js';
export { probeOfferVersion, type FileDigestCache, type ProbedVersion } from './offer-version.js';
export { agreementStanding, type Standing } from './standing.js';
export { loadSigningKey } from './signing-key.js';
export { createNotificationRouter } from './routes.js';
