import { MEMBER_STATE_BY_PREFIX } from './eu-vat-member-states.js';
import { firstOffending, refuse, type IdentifierScheme, type SchemeVerdict } from './scheme.js';

// EORI numbers are the issuing state's ISO 3166 code and up to 15 characters of that state's choosing
// (Implementing Regulation (EU) 2015/2447, Annex 12-01). Only where a state publishes its structure is the
// number checked further; where it is built on the VAT or enterprise number, that number's check digit is
// cross-checked.

interface EoriCountryRule {
  pattern?: RegExp;
  format?: string;
  /** The national number the EORI embeds, and how its check digit fails, for states that build on it. */
  embedded?(number: string): { name: string; fault: string | undefined } | undefined;
}

const EU_COUNTRIES = ['AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'FR', 'GR', 'HR', 'HU', 'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK'];

const ukRule: EoriCountryRule = { pattern: /^(\d{12}|\d{15})$/, format: '12 digits (often the VAT number and 000) or 15 digits' };

const RULES: Readonly<Record<string, EoriCountryRule>> = {
  DE: { pattern: /^\d{1,15}$/, format: 'up to 15 digits (the former customs number, or the 15-digit number issued since 2012)' },
  NL: { pattern: /^\d{9}$/, format: '9 digits (the RSIN, BSN or customs number, padded with leading zeros)' },
  GB: ukRule,
  XI: ukRule,
  BE: {
    embedded: (n) => (/^[01]\d{9}$/.test(n) ? { name: `enterprise number ${n}`, fault: MEMBER_STATE_BY_PREFIX.get('BE')?.checkDigitFault?.(n) } : undefined),
  },
  IT: {
    // 11 digits are the partita IVA, or the codice fiscale of a non-person, which share the Luhn check digit.
    embedded: (n) => (/^\d{11}$/.test(n) ? { name: `partita IVA / codice fiscale ${n}`, fault: MEMBER_STATE_BY_PREFIX.get('IT')?.checkDigitFault?.(n) } : undefined),
  },
};

/** Prefixes accepted besides the ISO codes: EL, Greece's VAT prefix, which some Greek traders write. */
const ALIASES: Readonly<Record<string, string>> = { EL: 'GR' };
const COUNTRY_OF_PREFIX: ReadonlyMap<string, string> = new Map([
  ...EU_COUNTRIES.map((c): [string, string] => [c, c]),
  ['XI', 'GB'],
  ['GB', 'GB'],
  ...Object.entries(ALIASES),
]);

const EOS = 'check it in the EU EORI validation service (ec.europa.eu/taxation_customs/dds2/eos) or, for GB, at gov.uk/check-eori-number';

function check(value: string): SchemeVerdict {
  const prefix = value.slice(0, 2);
  const country = COUNTRY_OF_PREFIX.get(prefix);
  if (!country) {
    return refuse('countryPrefix', `EORI must start with the ISO country code of the issuing EU member state (or GB or XI) but starts with "${prefix}": add the country code of the customs authority that issued it`);
  }
  const number = value.slice(2);
  const bad = firstOffending(number, /[0-9A-Z]/);
  if (bad) {
    return refuse('format', `EORI may contain only letters and digits after ${prefix} but has "${bad.char}" at position ${bad.position + 2}: remove it or correct the number`);
  }
  if (number.length < 1 || number.length > 15) {
    return refuse('length', `EORI must have 1 to 15 characters after ${prefix} but has ${number.length}: copy the number exactly as the customs authority issued it`);
  }
  const rule = RULES[prefix];
  if (rule?.pattern && !rule.pattern.test(number)) {
    const fault = /^\d*$/.test(number) ? 'length' : 'format';
    return refuse(fault, `${prefix} EORI must be ${prefix} followed by ${rule.format} but is ${value}: copy the number exactly as the customs authority issued it`);
  }
  const embedded = rule?.embedded?.(number);
  if (embedded?.fault) {
    return refuse('checkDigit', `EORI ${value} embeds ${embedded.name}, whose ${embedded.fault}: ${EOS}`);
  }
  return { normalized: value, country };
}

export const eori: IdentifierScheme = {
  info: {
    id: 'eori',
    title: 'Economic Operators Registration and Identification number (EU customs), including GB and XI',
    countries: [...EU_COUNTRIES, 'GB'],
    example: 'BE0202239951',
    checkDigit: 'none, except the embedded enterprise number (BE, mod 97) and partita IVA (IT, Luhn)',
  },
  check,
};
