import { mod97_10 } from './check-digits.js';
import { firstOffending, refuse, type IdentifierScheme, type SchemeVerdict } from './scheme.js';

const LOOKUP = 'look the LEI up at search.gleif.org';

function check(value: string): SchemeVerdict {
  const bad = firstOffending(value, /[0-9A-Z]/);
  if (bad) {
    return refuse('format', `LEI may contain only letters A-Z and digits but has "${bad.char}" at position ${bad.position}: ${LOOKUP} and copy it exactly`);
  }
  if (value.length !== 20) {
    return refuse('length', `LEI must have 20 characters but has ${value.length}: ${LOOKUP} and copy all 20 characters`);
  }
  const checkDigits = value.slice(18);
  if (!/^\d\d$/.test(checkDigits)) {
    return refuse('format', `LEI must end in two check digits but ends in "${checkDigits}": ${LOOKUP} and copy it exactly`);
  }
  if (mod97_10(value) !== 1) {
    const expected = String(98 - mod97_10(`${value.slice(0, 18)}00`)).padStart(2, '0');
    return refuse('checkDigit', `LEI check digits are ${checkDigits} but ISO 7064 MOD 97-10 gives ${expected} for ${value.slice(0, 18)}: ${LOOKUP} to find the correct code`);
  }
  return { normalized: value, iso6523Icd: '0199' };
}

export const lei: IdentifierScheme = {
  info: {
    id: 'lei',
    title: 'Legal Entity Identifier (ISO 17442)',
    iso6523Icd: '0199',
    example: '5493006W3QUS5LMH6R84',
    checkDigit: 'ISO 7064 MOD 97-10',
  },
  check,
};
