import { MEMBER_STATE_BY_PREFIX, MEMBER_STATES, type MemberStateRule } from './eu-vat-member-states.js';
import { firstOffending, refuse, type IdentifierScheme, type SchemeVerdict } from './scheme.js';

const VIES = 'check it in VIES (ec.europa.eu/taxation_customs/vies) or ask the holder for it again';
const PREFIXES = MEMBER_STATES.map((rule) => rule.prefix).join(', ');

function shapeOf(rule: MemberStateRule): string {
  return `${rule.name} VAT ID must be ${rule.prefix} followed by ${rule.format}, like ${rule.example},`;
}

function check(value: string): SchemeVerdict {
  const prefix = value.slice(0, 2);
  if (!/^[A-Z]{2}$/.test(prefix)) {
    return refuse('countryPrefix', `EU VAT ID must start with the two-letter prefix of the issuing member state but starts with "${prefix}": add the prefix, e.g. DE, FR, EL for Greece or XI for Northern Ireland`);
  }
  if (prefix === 'GR') {
    return refuse('countryPrefix', `Greek VAT IDs use the prefix EL, not GR: write EL${value.slice(2)}`);
  }
  if (prefix === 'GB') {
    return refuse('countryPrefix', 'GB VAT numbers are not EU VAT IDs: write the prefix XI if the trader is registered for Northern Ireland, otherwise use another identifier such as the LEI or EORI');
  }
  const rule = MEMBER_STATE_BY_PREFIX.get(prefix);
  if (!rule) {
    return refuse('countryPrefix', `"${prefix}" is not the VAT prefix of an EU member state: use one of ${PREFIXES}`);
  }
  const written = value.slice(2);
  const bad = firstOffending(written, /[0-9A-Z+*]/);
  if (bad) {
    return refuse('format', `${shapeOf(rule)} but has "${bad.char}" at position ${bad.position + 2}: remove it or correct the number`);
  }
  const number = rule.canonical ? rule.canonical(written) : written;
  if (!rule.lengths.includes(number.length)) {
    return refuse('length', `${shapeOf(rule)} but has ${number.length} characters after ${prefix}: look for missing or extra characters`);
  }
  if (!rule.pattern.test(number)) {
    return refuse('format', `${shapeOf(rule)} but "${number}" does not have that form: correct the number`);
  }
  const structural = rule.structure?.(number);
  if (structural) {
    return refuse('format', `${rule.name} VAT ID ${prefix}${number}: ${structural}: correct the number`);
  }
  const fault = rule.checkDigitFault?.(number);
  if (fault) {
    return refuse('checkDigit', `${rule.name} VAT ID ${prefix}${number}: ${fault}: ${VIES}`);
  }
  const accepted = { normalized: `${prefix}${number}`, country: rule.country };
  return rule.iso6523Icd ? { ...accepted, iso6523Icd: rule.iso6523Icd } : accepted;
}

export const euVat: IdentifierScheme = {
  info: {
    id: 'eu-vat',
    title: 'EU VAT identification number (VIES), including XI for Northern Ireland',
    countries: [...new Set(MEMBER_STATES.map((rule) => rule.country))],
    example: 'DE129273398',
    checkDigit: 'per member state, see countryRules',
    countryRules: MEMBER_STATES.map((rule) => ({
      prefix: rule.prefix,
      country: rule.country,
      format: rule.format,
      example: rule.example,
      checkDigit: rule.checkDigitFault ? rule.checkDigit : 'none',
      ...(rule.iso6523Icd ? { iso6523Icd: rule.iso6523Icd } : {}),
    })),
  },
  check,
};
