// Company identifier validation shared by the lint CLI, the operator and the credential issuers: one
// IdentifierScheme per scheme (jp-corporate-number, eu-vat, lei, eori) behind one registry.

export {
  IDENTIFIER_SCHEMES,
  type CountryRuleInfo,
  type IdentifierCheck,
  type IdentifierRule,
  type IdentifierScheme,
  type IdentifierSchemeId,
  type IdentifierSchemeInfo,
} from './scheme.js';
export { describeScheme, isIdentifierScheme, normalizeIdentifierValue, validateIdentifier } from './registry.js';
export { gaiaxRegistrationProperty, iso6523Identifier, type GaiaxRegistrationProperty } from './gaiax.js';
export { corporateNumberCheckDigit } from './jp-corporate-number.js';
