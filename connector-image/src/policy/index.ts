export { OfferBook, type PublishedOffer } from './offer-book.js';
export { hasRules, sameTerms } from './terms.js';
export { REQUESTED_ACTION, decide, denialReasons, policyDeniedExplanation } from './decide.js';
