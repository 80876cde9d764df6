// Format and check digit of the VAT identification number of each EU member state (plus XI, Northern
// Ireland under the Windsor Framework), after the EU's VIES construction rules and the national definitions.
// Where a state's algorithm covers only some of its number forms, the uncovered forms are checked for format
// only and `checkDigit` says so.

import { decimalMod, digits, luhnCheckDigit, luhnValid, mod11_10CheckDigit, mod97_10, weightedSum } from './check-digits.js';

export interface MemberStateRule {
  /** VAT prefix: ISO 3166-1 alpha-2 except EL (Greece) and XI (Northern Ireland). */
  prefix: string;
  /** ISO 3166-1 alpha-2 country of the issuer. */
  country: string;
  name: string;
  /** Lengths the number after the prefix may have. */
  lengths: readonly number[];
  pattern: RegExp;
  /** The number after the prefix, in words, for messages and scheme info. */
  format: string;
  example: string;
  checkDigit: string;
  /** Peppol participant identifier scheme (EAS / ISO 6523 ICD) for this state's VAT IDs, where one is active. */
  iso6523Icd?: string;
  /** Rewrites an outdated but still accepted form to the current one before it is checked. */
  canonical?(number: string): string;
  /** Structural problems beyond the pattern, e.g. an office code that does not exist. */
  structure?(number: string): string | undefined;
  /** Describes how the check digits fail, or undefined when they pass. */
  checkDigitFault?(number: string): string | undefined;
}

const mod = (n: number, m: number): number => ((n % m) + m) % m;

function digitFault(found: string | undefined, expected: string | number, algorithm: string): string | undefined {
  return found === String(expected) ? undefined : `check digit is ${found} but ${algorithm} gives ${expected}`;
}

const austria: MemberStateRule = {
  prefix: 'AT', country: 'AT', name: 'Austrian', lengths: [9], pattern: /^U\d{8}$/,
  format: 'U and 8 digits', example: 'ATU33864707', checkDigit: 'VIES AT (Luhn variant: 10 − (S + 4) mod 10)', iso6523Icd: '9914',
  checkDigitFault(n) {
    const ds = digits(n.slice(1, 8));
    const s = ds.reduce((acc, d, i) => acc + (i % 2 === 0 ? d : d * 2 > 9 ? d * 2 - 9 : d * 2), 0);
    return digitFault(n[8], mod(10 - ((s + 4) % 10), 10), 'the VIES rule');
  },
};

const belgium: MemberStateRule = {
  prefix: 'BE', country: 'BE', name: 'Belgian', lengths: [10], pattern: /^[01]\d{9}$/,
  format: '10 digits starting with 0 or 1 (the enterprise number)', example: 'BE0202239951', checkDigit: 'mod 97 (97 − first 8 digits mod 97)', iso6523Icd: '9925',
  // Older VAT numbers were written with 9 digits; the enterprise number is the same with a leading 0.
  canonical: (n) => (/^\d{9}$/.test(n) ? `0${n}` : n),
  checkDigitFault(n) {
    const expected = String(97 - decimalMod(n.slice(0, 8), 97)).padStart(2, '0');
    return n.slice(8) === expected ? undefined : `check digits are ${n.slice(8)} but mod 97 gives ${expected}`;
  },
};

/** An EGN starts with the birth date YYMMDD, months offset by 20 for the 1800s and by 40 for the 2000s. */
function isEgnDate(n: string): boolean {
  const mm = Number(n.slice(2, 4));
  const [century, month] = mm > 40 ? [2000, mm - 40] : mm > 20 ? [1800, mm - 20] : [1900, mm];
  return isCalendarDate(century + Number(n.slice(0, 2)), month, Number(n.slice(4, 6)));
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return month >= 1 && month <= 12 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const bulgaria: MemberStateRule = {
  prefix: 'BG', country: 'BG', name: 'Bulgarian', lengths: [9, 10], pattern: /^\d{9,10}$/,
  format: '9 digits (legal entities) or 10 digits (persons)', example: 'BG175074752',
  checkDigit: 'weighted mod 11 (9 digits); EGN, PNF or foreigner weighted checks (10 digits)', iso6523Icd: '9926',
  checkDigitFault(n) {
    if (n.length === 9) {
      let r = weightedSum(n, [1, 2, 3, 4, 5, 6, 7, 8]) % 11;
      if (r === 10) r = weightedSum(n, [3, 4, 5, 6, 7, 8, 9, 10]) % 11;
      return digitFault(n[8], r % 10, 'the weighted mod 11 rule');
    }
    const last = Number(n[9]);
    const egn = isEgnDate(n) ? (weightedSum(n, [2, 4, 8, 5, 10, 9, 7, 3, 6]) % 11) % 10 : undefined;
    const pnf = weightedSum(n, [21, 19, 17, 13, 11, 9, 7, 3, 1]) % 10;
    const other = mod(11 - (weightedSum(n, [4, 3, 2, 7, 6, 5, 4, 3, 2]) % 11), 11);
    return [egn, pnf, other].includes(last) ? undefined : 'check digit fails the EGN, PNF and foreigner (mod 11) rules';
  },
};

const cypriotLetterValue = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21];
const cyprus: MemberStateRule = {
  prefix: 'CY', country: 'CY', name: 'Cypriot', lengths: [9], pattern: /^[013459]\d{7}[A-Z]$/,
  format: '8 digits starting with 0, 1, 3, 4, 5 or 9, then a check letter', example: 'CY10259033P', checkDigit: 'VIES CY (mod 26 check letter)', iso6523Icd: '9928',
  checkDigitFault(n) {
    const sum = digits(n.slice(0, 8)).reduce((acc, d, i) => acc + (i % 2 === 0 ? (cypriotLetterValue[d] ?? 0) : d), 0);
    const expected = String.fromCharCode(65 + (sum % 26));
    return n[8] === expected ? undefined : `check letter is ${n[8]} but the VIES rule gives ${expected}`;
  },
};

const czechia: MemberStateRule = {
  prefix: 'CZ', country: 'CZ', name: 'Czech', lengths: [8, 9, 10], pattern: /^\d{8,10}$/,
  format: '8 digits (legal entities) or 9–10 digits (persons)', example: 'CZ25123891',
  checkDigit: 'weighted mod 11 (8 digits, and 9 digits starting with 6); mod 11 (10-digit birth numbers); none (9-digit birth numbers issued before 1954)',
  iso6523Icd: '9929',
  structure: (n) => (n.length === 8 && n.startsWith('9') ? 'an 8-digit number cannot start with 9' : undefined),
  checkDigitFault(n) {
    if (n.length === 8) {
      const r = 11 - (weightedSum(n, [8, 7, 6, 5, 4, 3, 2]) % 11);
      return digitFault(n[7], r === 11 ? 1 : r === 10 ? 0 : r, 'the weighted mod 11 rule');
    }
    if (n.length === 9 && n.startsWith('6')) {
      const r = weightedSum(n.slice(1), [8, 7, 6, 5, 4, 3, 2]) % 11;
      return digitFault(n[8], 9 - ((11 - r) % 10), 'the weighted mod 11 rule');
    }
    if (n.length === 10) return digitFault(n[9], (decimalMod(n.slice(0, 9), 11)) % 10, 'the birth-number mod 11 rule');
    return undefined;
  },
};

const germany: MemberStateRule = {
  prefix: 'DE', country: 'DE', name: 'German', lengths: [9], pattern: /^[1-9]\d{8}$/,
  format: '9 digits, the first not 0', example: 'DE129273398', checkDigit: 'ISO 7064 MOD 11,10', iso6523Icd: '9930',
  checkDigitFault: (n) => digitFault(n[8], mod11_10CheckDigit(n.slice(0, 8)), 'ISO 7064 MOD 11,10'),
};

const denmark: MemberStateRule = {
  prefix: 'DK', country: 'DK', name: 'Danish', lengths: [8], pattern: /^[1-9]\d{7}$/,
  format: '8 digits (the CVR number), the first not 0', example: 'DK24256790', checkDigit: 'weighted mod 11 (2,7,6,5,4,3,2,1)',
  checkDigitFault: (n) => (weightedSum(n, [2, 7, 6, 5, 4, 3, 2, 1]) % 11 === 0 ? undefined : 'digits fail the weighted mod 11 check (weights 2,7,6,5,4,3,2,1)'),
};

const estonia: MemberStateRule = {
  prefix: 'EE', country: 'EE', name: 'Estonian', lengths: [9], pattern: /^\d{9}$/,
  format: '9 digits', example: 'EE100931558', checkDigit: 'weighted mod 10 (3,7,1)', iso6523Icd: '9931',
  checkDigitFault: (n) => digitFault(n[8], mod(10 - (weightedSum(n, [3, 7, 1, 3, 7, 1, 3, 7]) % 10), 10), 'the weighted mod 10 rule'),
};

const greece: MemberStateRule = {
  prefix: 'EL', country: 'GR', name: 'Greek', lengths: [9], pattern: /^\d{9}$/,
  format: '9 digits', example: 'EL094501040', checkDigit: 'powers of 2 mod 11', iso6523Icd: '9933',
  // Older numbers were written with 8 digits; the current form adds a leading 0.
  canonical: (n) => (/^\d{8}$/.test(n) ? `0${n}` : n),
  checkDigitFault: (n) => digitFault(n[8], (weightedSum(n, [256, 128, 64, 32, 16, 8, 4, 2]) % 11) % 10, 'the mod 11 rule'),
};

const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';
const CIF_LETTERS = 'JABCDEFGHI';
const spain: MemberStateRule = {
  prefix: 'ES', country: 'ES', name: 'Spanish', lengths: [9],
  pattern: /^(\d{8}[A-Z]|[XYZKLM]\d{7}[A-Z]|[ABCDEFGHJNPQRSUVW]\d{7}[0-9A-J])$/,
  format: 'a NIF: 8 digits and a letter (DNI), X/Y/Z/K/L/M, 7 digits and a letter (NIE), or an entity letter, 7 digits and a check digit or letter (CIF)',
  example: 'ESA28015865', checkDigit: 'mod 23 letter (DNI, NIE, K/L/M); Luhn digit or letter (CIF)', iso6523Icd: '9920',
  checkDigitFault(n) {
    const first = n[0] ?? '';
    if (/[0-9XYZ]/.test(first)) {
      const numeric = `${'XYZ'.indexOf(first) >= 0 ? 'XYZ'.indexOf(first) : first}${n.slice(1, 8)}`;
      const expected = DNI_LETTERS[decimalMod(numeric, 23)];
      return n[8] === expected ? undefined : `check letter is ${n[8]} but mod 23 gives ${expected}`;
    }
    if ('KLM'.includes(first)) {
      const expected = DNI_LETTERS[decimalMod(n.slice(1, 8), 23)];
      return n[8] === expected ? undefined : `check letter is ${n[8]} but mod 23 gives ${expected}`;
    }
    // Which entity types use the letter and which the digit is inconsistently documented; accept either.
    const control = luhnCheckDigit(n.slice(1, 8));
    const letter = CIF_LETTERS[control];
    return n[8] === String(control) || n[8] === letter ? undefined : `control character is ${n[8]} but the CIF rule gives ${control} or ${letter}`;
  },
};

const finland: MemberStateRule = {
  prefix: 'FI', country: 'FI', name: 'Finnish', lengths: [8], pattern: /^\d{8}$/,
  format: '8 digits (the business ID without its hyphen)', example: 'FI01120389', checkDigit: 'weighted mod 11 (7,9,10,5,8,4,2)',
  checkDigitFault(n) {
    const r = weightedSum(n, [7, 9, 10, 5, 8, 4, 2]) % 11;
    if (r === 1) return 'the first 7 digits admit no check digit under the weighted mod 11 rule';
    return digitFault(n[7], r === 0 ? 0 : 11 - r, 'the weighted mod 11 rule');
  },
};

const FR_KEY_ALPHABET = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ';
const france: MemberStateRule = {
  prefix: 'FR', country: 'FR', name: 'French', lengths: [11], pattern: /^[0-9A-HJ-NP-Z]{2}\d{9}$/,
  format: 'a 2-character key (digits or letters other than I and O) and the 9-digit SIREN', example: 'FR59542051180',
  checkDigit: 'key = (12 + 3 × (SIREN mod 97)) mod 97, or the VIES rule for alphanumeric keys; SIREN Luhn', iso6523Icd: '9957',
  checkDigitFault(n) {
    const siren = n.slice(2);
    // SIREN-like numbers starting with 000 are Monaco's, which have no Luhn digit.
    if (!siren.startsWith('000') && !luhnValid(siren)) return `SIREN ${siren} fails its Luhn check`;
    const key = n.slice(0, 2);
    if (/^\d\d$/.test(key)) {
      const expected = String((12 + 3 * decimalMod(siren, 97)) % 97).padStart(2, '0');
      return key === expected ? undefined : `key is ${key} but (12 + 3 × (SIREN mod 97)) mod 97 gives ${expected}`;
    }
    const c0 = FR_KEY_ALPHABET.indexOf(key[0] ?? '');
    const c1 = FR_KEY_ALPHABET.indexOf(key[1] ?? '');
    const s = /\d/.test(key[0] ?? '') ? c0 * 24 + c1 - 10 : c0 * 34 + c1 - 100;
    const matches = (decimalMod(siren, 11) + Math.floor(s / 11) + 1) % 11 === s % 11;
    return matches ? undefined : `alphanumeric key ${key} does not match SIREN ${siren} under the VIES rule`;
  },
};

const croatia: MemberStateRule = {
  prefix: 'HR', country: 'HR', name: 'Croatian', lengths: [11], pattern: /^\d{11}$/,
  format: '11 digits (the OIB)', example: 'HR27759560625', checkDigit: 'ISO 7064 MOD 11,10', iso6523Icd: '9934',
  checkDigitFault: (n) => digitFault(n[10], mod11_10CheckDigit(n.slice(0, 10)), 'ISO 7064 MOD 11,10'),
};

const hungary: MemberStateRule = {
  prefix: 'HU', country: 'HU', name: 'Hungarian', lengths: [8], pattern: /^\d{8}$/,
  format: '8 digits', example: 'HU12892312', checkDigit: 'weighted mod 10 (9,7,3,1)', iso6523Icd: '9910',
  checkDigitFault: (n) => digitFault(n[7], mod(10 - (weightedSum(n, [9, 7, 3, 1, 9, 7, 3]) % 10), 10), 'the weighted mod 10 rule'),
};

const IE_LETTERS = 'WABCDEFGHIJKLMNOPQRSTUV';
const ireland: MemberStateRule = {
  prefix: 'IE', country: 'IE', name: 'Irish', lengths: [8, 9], pattern: /^(\d{7}[A-W][A-W]?|\d[A-Z+*]\d{5}[A-W])$/,
  format: '7 digits and a check letter, optionally a second letter (since 2013), or the old form digit, letter or + or *, 5 digits, check letter',
  example: 'IE6388047V', checkDigit: 'weighted mod 23 check letter', iso6523Icd: '9935',
  checkDigitFault(n) {
    // The old form moves the first digit behind the five, with a leading 0, before the same calculation.
    const isOld = !/^\d{7}/.test(n);
    const base = isOld ? `0${n.slice(2, 7)}${n[0]}` : n.slice(0, 7);
    const second = isOld ? 0 : Math.max(0, IE_LETTERS.indexOf(n[8] ?? 'W'));
    const expected = IE_LETTERS[(weightedSum(base, [8, 7, 6, 5, 4, 3, 2]) + 9 * second) % 23];
    return n[7] === expected ? undefined : `check letter is ${n[7]} but the mod 23 rule gives ${expected}`;
  },
};

const italy: MemberStateRule = {
  prefix: 'IT', country: 'IT', name: 'Italian', lengths: [11], pattern: /^\d{11}$/,
  format: '11 digits (the partita IVA: 7-digit number, 3-digit office code, check digit)', example: 'IT00905811006', checkDigit: 'Luhn', iso6523Icd: '0211',
  structure(n) {
    if (n.startsWith('0000000')) return 'the first 7 digits cannot all be 0';
    const office = Number(n.slice(7, 10));
    const known = (office >= 1 && office <= 100) || [120, 121, 888, 999].includes(office);
    return known ? undefined : `office code ${n.slice(7, 10)} is not an issuing office (001–100, 120, 121, 888, 999)`;
  },
  checkDigitFault: (n) => digitFault(n[10], luhnCheckDigit(n.slice(0, 10)), 'Luhn'),
};

function lithuanianCheckDigit(n: string): number {
  const base = n.slice(0, -1);
  let r = digits(base).reduce((acc, d, i) => acc + d * (1 + (i % 9)), 0) % 11;
  if (r === 10) r = digits(base).reduce((acc, d, i) => acc + d * (1 + ((i + 2) % 9)), 0) % 11;
  return r % 10;
}
const lithuania: MemberStateRule = {
  prefix: 'LT', country: 'LT', name: 'Lithuanian', lengths: [9, 12], pattern: /^(\d{9}|\d{12})$/,
  format: '9 digits with 1 in 8th place (legal entities) or 12 digits with 1 in 11th place (temporary registrations)', example: 'LT119511515',
  checkDigit: 'weighted mod 11 (two passes)', iso6523Icd: '9937',
  structure: (n) => (n[n.length - 2] === '1' ? undefined : `the second-to-last digit must be 1 but is ${n[n.length - 2]}`),
  checkDigitFault: (n) => digitFault(n[n.length - 1], lithuanianCheckDigit(n), 'the weighted mod 11 rule'),
};

const luxembourg: MemberStateRule = {
  prefix: 'LU', country: 'LU', name: 'Luxembourg', lengths: [8], pattern: /^\d{8}$/,
  format: '8 digits', example: 'LU20260743', checkDigit: 'mod 89 (first 6 digits mod 89)', iso6523Icd: '9938',
  checkDigitFault(n) {
    const expected = String(decimalMod(n.slice(0, 6), 89)).padStart(2, '0');
    return n.slice(6) === expected ? undefined : `check digits are ${n.slice(6)} but mod 89 gives ${expected}`;
  },
};

const latvia: MemberStateRule = {
  prefix: 'LV', country: 'LV', name: 'Latvian', lengths: [11], pattern: /^\d{11}$/,
  format: '11 digits (legal entities start with 4–9; persons use their personal code)', example: 'LV40003521600',
  checkDigit: 'weighted mod 11 (legal entities); none (personal codes)', iso6523Icd: '9939',
  // Personal-code check digits are not published by an authority, so persons' numbers are checked for format only.
  checkDigitFault: (n) =>
    Number(n[0]) <= 3 || weightedSum(n, [9, 1, 4, 8, 3, 10, 2, 5, 7, 6, 1]) % 11 === 3 ? undefined : 'digits fail the weighted mod 11 check for legal entities',
};

const malta: MemberStateRule = {
  prefix: 'MT', country: 'MT', name: 'Maltese', lengths: [8], pattern: /^[1-9]\d{7}$/,
  format: '8 digits, the first not 0', example: 'MT11679112', checkDigit: 'weighted mod 37 (last two digits)', iso6523Icd: '9943',
  // The last two digits count as one number, so 00 and 37 are the same check value.
  checkDigitFault(n) {
    if (weightedSum(n, [3, 4, 6, 7, 8, 9, 10, 1]) % 37 === 0) return undefined;
    const expected = String(mod(-weightedSum(n, [3, 4, 6, 7, 8, 9]), 37)).padStart(2, '0');
    return `check digits are ${n.slice(6)} but mod 37 gives ${expected}`;
  },
};

const netherlands: MemberStateRule = {
  prefix: 'NL', country: 'NL', name: 'Dutch', lengths: [12], pattern: /^\d{9}B\d\d$/,
  format: '9 digits, B and a 2-digit branch number', example: 'NL004495445B01',
  checkDigit: 'mod 11 (RSIN), or ISO 7064 MOD 97-10 over NL and the number (sole proprietors since 2020)', iso6523Icd: '9944',
  // The 9 digits are an RSIN or BSN, often written without their leading zeros.
  canonical: (n) => (/^\d{1,8}B\d\d$/.test(n) ? n.padStart(12, '0') : n),
  structure(n) {
    if (n.startsWith('000000000')) return 'the 9 digits cannot all be 0';
    return n.endsWith('00') ? 'the branch number after B cannot be 00' : undefined;
  },
  checkDigitFault(n) {
    const elevenProof = mod(weightedSum(n, [9, 8, 7, 6, 5, 4, 3, 2, -1]), 11) === 0;
    return elevenProof || mod97_10(`NL${n}`) === 1 ? undefined : 'number fails both the mod 11 test and the MOD 97-10 test';
  },
};

const poland: MemberStateRule = {
  prefix: 'PL', country: 'PL', name: 'Polish', lengths: [10], pattern: /^\d{10}$/,
  format: '10 digits (the NIP)', example: 'PL7740001454', checkDigit: 'weighted mod 11 (6,5,7,2,3,4,5,6,7)', iso6523Icd: '9945',
  checkDigitFault(n) {
    const r = weightedSum(n, [6, 5, 7, 2, 3, 4, 5, 6, 7]) % 11;
    if (r === 10) return 'the first 9 digits admit no check digit under the weighted mod 11 rule';
    return digitFault(n[9], r, 'the weighted mod 11 rule');
  },
};

const portugal: MemberStateRule = {
  prefix: 'PT', country: 'PT', name: 'Portuguese', lengths: [9], pattern: /^[1-9]\d{8}$/,
  format: '9 digits, the first not 0', example: 'PT500697256', checkDigit: 'weighted mod 11 (9…2)', iso6523Icd: '9946',
  checkDigitFault(n) {
    const c = 11 - (weightedSum(n, [9, 8, 7, 6, 5, 4, 3, 2]) % 11);
    return digitFault(n[8], c >= 10 ? 0 : c, 'the weighted mod 11 rule');
  },
};

const romania: MemberStateRule = {
  prefix: 'RO', country: 'RO', name: 'Romanian', lengths: [2, 3, 4, 5, 6, 7, 8, 9, 10], pattern: /^[1-9]\d{1,9}$/,
  format: '2 to 10 digits (the CUI), the first not 0', example: 'RO18547290', checkDigit: 'weighted mod 11 (7,5,3,2,1,7,5,3,2)', iso6523Icd: '9947',
  checkDigitFault(n) {
    const base = n.slice(0, -1).padStart(9, '0');
    return digitFault(n[n.length - 1], ((weightedSum(base, [7, 5, 3, 2, 1, 7, 5, 3, 2]) * 10) % 11) % 10, 'the weighted mod 11 rule');
  },
};

const sweden: MemberStateRule = {
  prefix: 'SE', country: 'SE', name: 'Swedish', lengths: [12], pattern: /^\d{12}$/,
  format: 'the 10-digit organisation number followed by 01', example: 'SE556012579001', checkDigit: 'Luhn (organisation number)',
  structure(n) {
    const suffix = Number(n.slice(10));
    return suffix >= 1 && suffix <= 94 ? undefined : `the number must end in 01 (at most 94) but ends in ${n.slice(10)}`;
  },
  checkDigitFault: (n) => digitFault(n[9], luhnCheckDigit(n.slice(0, 9)), 'Luhn over the organisation number'),
};

const slovenia: MemberStateRule = {
  prefix: 'SI', country: 'SI', name: 'Slovenian', lengths: [8], pattern: /^[1-9]\d{7}$/,
  format: '8 digits, the first not 0', example: 'SI50223054', checkDigit: 'weighted mod 11 (8…2)', iso6523Icd: '9949',
  checkDigitFault(n) {
    const c = 11 - (weightedSum(n, [8, 7, 6, 5, 4, 3, 2]) % 11);
    if (c === 11) return 'the first 7 digits admit no check digit under the weighted mod 11 rule';
    return digitFault(n[7], c === 10 ? 0 : c, 'the weighted mod 11 rule');
  },
};

const slovakia: MemberStateRule = {
  prefix: 'SK', country: 'SK', name: 'Slovak', lengths: [10], pattern: /^[1-9]\d[2-47-9]\d{7}$/,
  format: '10 digits, the first not 0 and the third one of 2, 3, 4, 7, 8, 9', example: 'SK2022749619', checkDigit: 'mod 11 (the whole number)', iso6523Icd: '9950',
  checkDigitFault: (n) => (decimalMod(n, 11) === 0 ? undefined : 'number is not divisible by 11'),
};

const northernIreland: MemberStateRule = {
  prefix: 'XI', country: 'GB', name: 'Northern Ireland', lengths: [5, 9, 12], pattern: /^(\d{9}|\d{12}|GD[0-4]\d\d|HA[5-9]\d\d)$/,
  format: '9 digits, 12 digits (branch traders), GD and 3 digits below 500 (government departments) or HA and 3 digits from 500 (health authorities)',
  example: 'XI432525179', checkDigit: 'UK weighted mod 97 (old and 97-55 ranges)',
  checkDigitFault(n) {
    if (!/^\d/.test(n)) return undefined;
    const r = weightedSum(n, [8, 7, 6, 5, 4, 3, 2, 10, 1]) % 97;
    // Numbers from 100 upwards may use the 97-55 range introduced in 2010 (remainder 42) besides the old one.
    const accepted = Number(n.slice(0, 3)) >= 100 ? [0, 42, 55] : [0];
    return accepted.includes(r) ? undefined : 'digits fail the UK weighted mod 97 check';
  },
};

export const MEMBER_STATES: readonly MemberStateRule[] = [
  austria, belgium, bulgaria, cyprus, czechia, germany, denmark, estonia, greece, spain, finland, france, croatia, hungary,
  ireland, italy, lithuania, luxembourg, latvia, malta, netherlands, poland, portugal, romania, sweden, slovenia, slovakia,
  northernIreland,
];

export const MEMBER_STATE_BY_PREFIX: ReadonlyMap<string, MemberStateRule> = new Map(MEMBER_STATES.map((rule) => [rule.prefix, rule]));
