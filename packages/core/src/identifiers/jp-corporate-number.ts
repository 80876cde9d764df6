import { digits } from './check-digits.js';
import { firstOffending, refuse, type IdentifierScheme, type SchemeVerdict } from './scheme.js';

/**
 * The NTA's check digit for a 12-digit base number (財務省令第七十号 第二条): 9 − (Σ Pn×Qn mod 9), where Pn is
 * the n-th digit counted from the rightmost base digit and Qn is 1 for odd n, 2 for even n. Always 1–9, which
 * is why no corporate number starts with 0.
 */
export function corporateNumberCheckDigit(base: string): number {
  const sum = digits(base)
    .reverse()
    .reduce((acc, d, i) => acc + d * (i % 2 === 0 ? 1 : 2), 0);
  return 9 - (sum % 9);
}

const REGISTER = 'the NTA corporate number register (法人番号公表サイト, houjin-bangou.nta.go.jp)';

function check(value: string): SchemeVerdict {
  // A "T" in front is the qualified invoice issuer number (適格請求書発行事業者登録番号) of a corporation,
  // which embeds the corporate number; say so instead of a bare format error.
  if (/^T\d{13}$/.test(value)) {
    return refuse('format', `"${value}" is a qualified invoice issuer registration number (T + corporate number): drop the leading T to give the corporate number ${value.slice(1)}`);
  }
  const bad = firstOffending(value, /\d/);
  if (bad) {
    return refuse('format', `corporate number may contain only digits but has "${bad.char}" at position ${bad.position}: give the 13 digits as shown in ${REGISTER}`);
  }
  if (value.length === 12) {
    const candidate = `${corporateNumberCheckDigit(value)}${value}`;
    return refuse('length', `corporate number must have 13 digits but has 12: if this is the 12-digit company registration number (会社法人等番号), the corporate number adds the check digit in front (${candidate}); otherwise copy all 13 digits from ${REGISTER}`);
  }
  if (value.length !== 13) {
    return refuse('length', `corporate number must have 13 digits but has ${value.length}: copy all 13 digits from ${REGISTER}`);
  }
  const expected = corporateNumberCheckDigit(value.slice(1));
  if (value[0] !== String(expected)) {
    return refuse('checkDigit', `corporate number check digit is ${expected} but the first digit is ${value[0]}: check the number against ${REGISTER}`);
  }
  return { normalized: value, country: 'JP', iso6523Icd: '0188' };
}

export const jpCorporateNumber: IdentifierScheme = {
  info: {
    id: 'jp-corporate-number',
    title: 'Japanese corporate number (法人番号)',
    iso6523Icd: '0188',
    countries: ['JP'],
    example: '1180301018771',
    checkDigit: 'NTA mod 9 (leading digit, weights 1,2 from the rightmost base digit)',
  },
  check,
};
