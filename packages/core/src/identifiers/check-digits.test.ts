import { decimalMod, luhnCheckDigit, luhnValid, mod11_10CheckDigit, mod97_10 } from './check-digits.js';

describe('check-digit arithmetic', () => {
  it('Luhn: accepts the textbook number 79927398713 and computes its check digit', () => {
    expect(luhnValid('79927398713')).toBe(true);
    expect(luhnValid('79927398710')).toBe(false);
    expect(luhnCheckDigit('7992739871')).toBe(3);
  });

  it('ISO 7064 MOD 11,10: gives the last digit of published German VAT and Croatian OIB numbers', () => {
    expect(mod11_10CheckDigit('14345421')).toBe(4);
    expect(mod11_10CheckDigit('2775956062')).toBe(5);
  });

  it('ISO 7064 MOD 97-10: a valid LEI leaves remainder 1, letters counting A=10 … Z=35', () => {
    expect(mod97_10('506700GE1G29325QX363')).toBe(1);
    expect(mod97_10('506700GE1G29325QX364')).toBe(2);
  });

  it('reduces long decimal strings without losing precision', () => {
    expect(decimalMod('99999999999999999999', 97)).toBe(Number(BigInt('99999999999999999999') % 97n));
  });
});
