import { validateIdentifier, type IdentifierCheck } from './index.js';

function refused(value: string): Extract<IdentifierCheck, { valid: false }> {
  const check = validateIdentifier('lei', value);
  if (check.valid) throw new Error(`expected ${value} to be refused, got ${JSON.stringify(check)}`);
  return check;
}

describe('lei', () => {
  // LEIs as published in the GLEIF Global LEI Index (search.gleif.org).
  it.each([
    ['506700GE1G29325QX363', 'GLEIF'],
    ['5493006W3QUS5LMH6R84', 'Toyota Motor Corporation'],
    ['529900R5WX9N2OI2N910', 'Sony Group Corporation'],
    ['7LTWFZYICNSX8D621K86', 'Deutsche Bank AG'],
    ['HWUPKR0MPOU8FGXBT394', 'Apple Inc.'],
  ])('accepts %s (%s)', (value) => {
    expect(validateIdentifier('lei', value)).toEqual({ valid: true, scheme: 'lei', normalized: value, iso6523Icd: '0199' });
  });

  it('normalises case and spaces', () => {
    expect(validateIdentifier('lei', ' 5493 006w3qus5lmh6r84 ')).toMatchObject({ valid: true, normalized: '5493006W3QUS5LMH6R84' });
  });

  it('refuses wrong check digits and gives the ones MOD 97-10 expects', () => {
    const check = refused('5493006W3QUS5LMH6R85');
    expect(check.rule).toBe('checkDigit');
    expect(check.message).toContain('check digits are 85 but ISO 7064 MOD 97-10 gives 84');
    expect(check.message).toContain('search.gleif.org');
  });

  it('refuses transposed characters', () => {
    expect(refused('5493006W3QSU5LMH6R84').rule).toBe('checkDigit');
  });

  it.each([
    ['5493006W3QUS5LMH6R8', 19],
    ['5493006W3QUS5LMH6R840', 21],
  ])('refuses %s with %i characters', (value, length) => {
    const check = refused(value);
    expect(check.rule).toBe('length');
    expect(check.message).toContain(`20 characters but has ${length}`);
  });

  it('refuses characters outside A-Z and 0-9', () => {
    const check = refused('5493006W3QUS5LMH6R8_');
    expect(check.rule).toBe('format');
    expect(check.message).toContain('"_" at position 20');
  });

  it('refuses letters in the check digit positions', () => {
    const check = refused('5493006W3QUS5LMH6RAB');
    expect(check.rule).toBe('format');
    expect(check.message).toContain('two check digits');
  });
});
