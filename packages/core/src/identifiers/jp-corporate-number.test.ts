import { corporateNumberCheckDigit, validateIdentifier, type IdentifierCheck } from './index.js';

function refused(value: string): Extract<IdentifierCheck, { valid: false }> {
  const check = validateIdentifier('jp-corporate-number', value);
  if (check.valid) throw new Error(`expected ${value} to be refused, got ${JSON.stringify(check)}`);
  return check;
}

describe('jp-corporate-number', () => {
  // Each number is published in the NTA corporate number register (houjin-bangou.nta.go.jp) and, for
  // listed companies, in their EDINET filings.
  it.each([
    ['1180301018771', 'トヨタ自動車株式会社'],
    ['5010401067252', 'ソニーグループ株式会社'],
    ['5120001158218', 'パナソニック ホールディングス株式会社'],
    ['1130001011420', '任天堂株式会社'],
    ['5010001008846', '株式会社三菱ＵＦＪ銀行'],
    ['7000012050002', '国税庁 (National Tax Agency)'],
    ['4000012090001', '経済産業省 (METI)'],
  ])('accepts %s (%s)', (value) => {
    expect(validateIdentifier('jp-corporate-number', value)).toEqual({
      valid: true, scheme: 'jp-corporate-number', normalized: value, country: 'JP', iso6523Icd: '0188',
    });
  });

  it('computes the NTA worked example: base number 123456789012 has check digit 7', () => {
    expect(corporateNumberCheckDigit('123456789012')).toBe(7);
    expect(corporateNumberCheckDigit('180301018771')).toBe(1);
  });

  it.each([
    ['1-1803-0101-8771', 'hyphen groups'],
    [' 1180 3010 1877 1 ', 'spaces'],
    ['１１８０３０１０１８７７１', 'full-width digits'],
  ])('normalises %s (%s)', (value) => {
    const check = validateIdentifier('jp-corporate-number', value);
    expect(check).toMatchObject({ valid: true, normalized: '1180301018771' });
  });

  it('refuses a wrong leading check digit and names both digits', () => {
    const check = refused('2180301018771');
    expect(check.rule).toBe('checkDigit');
    expect(check.message).toContain('check digit is 1 but the first digit is 2');
    expect(check.message).toContain('NTA corporate number register');
  });

  it.each([
    ['7010401067252', 'one digit off from Sony Group'],
    ['1180301018778', 'last digit changed'],
    ['1180301017871', 'adjacent digits swapped'],
    ['0180301018771', 'leading 0, which no check digit produces'],
  ])('refuses %s (%s) by check digit', (value) => {
    expect(refused(value).rule).toBe('checkDigit');
  });

  it('refuses 12 digits and offers the corporate number of a company registration number', () => {
    const check = refused('180301018771');
    expect(check.rule).toBe('length');
    expect(check.message).toContain('13 digits but has 12');
    expect(check.message).toContain('会社法人等番号');
    expect(check.message).toContain('1180301018771');
  });

  it('refuses 14 digits', () => {
    const check = refused('11803010187710');
    expect(check.rule).toBe('length');
    expect(check.message).toContain('13 digits but has 14');
    expect(check.message).toContain('copy all 13 digits');
  });

  it('refuses letters and points at the first one', () => {
    const check = refused('118030101877A');
    expect(check.rule).toBe('format');
    expect(check.message).toContain('"A" at position 13');
  });

  it('refuses a qualified invoice issuer number and says to drop the T', () => {
    const check = refused('T5010401067252');
    expect(check.rule).toBe('format');
    expect(check.message).toContain('drop the leading T');
    expect(check.message).toContain('5010401067252');
  });
});
