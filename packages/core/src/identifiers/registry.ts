import { eori } from './eori.js';
import { euVat } from './eu-vat.js';
import { jpCorporateNumber } from './jp-corporate-number.js';
import { lei } from './lei.js';
import { IDENTIFIER_SCHEMES, isRefused, type IdentifierCheck, type IdentifierScheme, type IdentifierSchemeId, type IdentifierSchemeInfo } from './scheme.js';

/** Every scheme in IDENTIFIER_SCHEMES has exactly one back end here; the Record type makes a missing one a compile error. */
const SCHEMES: Readonly<Record<IdentifierSchemeId, IdentifierScheme>> = {
  'jp-corporate-number': jpCorporateNumber,
  'eu-vat': euVat,
  lei,
  eori,
};

/** Longer input is refused before any work is done on it; no scheme's values come near this. */
const MAX_INPUT_LENGTH = 256;

export function isIdentifierScheme(id: string): id is IdentifierSchemeId {
  return (IDENTIFIER_SCHEMES as readonly string[]).includes(id);
}

/**
 * The value as schemes see it: compatibility forms folded (full-width digits and letters, as typed on Japanese
 * keyboards, become ASCII), whitespace, dots and dashes removed, letters upper-cased.
 */
export function normalizeIdentifierValue(value: string): string {
  return value.normalize('NFKC').replace(/[\s.\-‐‑‒–—―−]/gu, '').toUpperCase();
}

export function validateIdentifier(scheme: string, value: string): IdentifierCheck {
  if (!isIdentifierScheme(scheme)) {
    return { valid: false, scheme, rule: 'unknownScheme', message: `unknown identifier scheme "${scheme}": use one of ${IDENTIFIER_SCHEMES.join(', ')}` };
  }
  const title = SCHEMES[scheme].info.title;
  if (typeof value !== 'string') {
    return { valid: false, scheme, rule: 'format', message: `${title} must be given as a string: quote the value` };
  }
  if (value.length > MAX_INPUT_LENGTH) {
    return { valid: false, scheme, rule: 'length', message: `${title} is ${value.length} characters long, more than any valid value: give only the identifier` };
  }
  const normalized = normalizeIdentifierValue(value);
  if (normalized === '') {
    return { valid: false, scheme, rule: 'empty', message: `${title} is empty: give the identifier, e.g. ${SCHEMES[scheme].info.example}` };
  }
  const verdict = SCHEMES[scheme].check(normalized);
  return isRefused(verdict) ? { valid: false, scheme, ...verdict } : { valid: true, scheme, ...verdict };
}

export function describeScheme(id: IdentifierSchemeId): IdentifierSchemeInfo {
  const scheme: IdentifierScheme | undefined = SCHEMES[id];
  if (!scheme) throw new Error(`unknown identifier scheme "${String(id)}": use one of ${IDENTIFIER_SCHEMES.join(', ')}`);
  // A copy, so a caller that edits the description cannot change what every other caller sees.
  return structuredClone(scheme.info);
}
