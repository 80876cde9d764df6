import { validateIdentifier, type IdentifierCheck } from './index.js';

function refused(value: string): Extract<IdentifierCheck, { valid: false }> {
  const check = validateIdentifier('eori', value);
  if (check.valid) throw new Error(`expected ${value} to be refused, got ${JSON.stringify(check)}`);
  return check;
}

describe('eori', () => {
  // EORIs printed by their holders on invoices and order documents.
  it.each([
    ['GB706817527000', 'GB', 'Savoir Beds Ltd (VAT GB 706 8175 27 with 000)'],
    ['GB156851584000', 'GB', 'Pound Plus Distribution Ltd (VAT GB 156 8515 84 with 000)'],
    ['DE530306934761723', 'DE', 'a German warehouse operator, 15-digit form'],
    ['IT00091930420', 'IT', 'an Ancona manufacturer, IT + partita IVA'],
    ['IT00736790965', 'IT', 'a Giussano manufacturer, IT + partita IVA'],
    ['NL861433701', 'NL', 'a Dutch healthcare wholesaler, NL + RSIN'],
    ['NL804624677', 'NL', 'a Dutch shipping company, NL + RSIN'],
  ])('accepts %s (%s: %s)', (value, country) => {
    expect(validateIdentifier('eori', value)).toEqual({ valid: true, scheme: 'eori', normalized: value, country });
  });

  it('accepts the EORI Belgian customs give as example for enterprise number 0314.595.348', () => {
    expect(validateIdentifier('eori', 'BE 0314.595.348')).toMatchObject({ valid: true, normalized: 'BE0314595348', country: 'BE' });
  });

  it('accepts XI for Northern Ireland and EL as an alias of GR, reporting ISO countries', () => {
    expect(validateIdentifier('eori', 'XI706817527000')).toMatchObject({ valid: true, country: 'GB' });
    expect(validateIdentifier('eori', 'EL094501040000')).toMatchObject({ valid: true, country: 'GR' });
  });

  it('has no ISO 6523 ICD', () => {
    expect(validateIdentifier('eori', 'GB706817527000')).not.toHaveProperty('iso6523Icd');
  });

  it('refuses a prefix that is no EU member state, GB or XI', () => {
    const check = refused('US123456789');
    expect(check.rule).toBe('countryPrefix');
    expect(check.message).toContain('add the country code of the customs authority');
  });

  it('refuses more than 15 characters after the prefix', () => {
    const check = refused('DE1234567890123456');
    expect(check.rule).toBe('length');
    expect(check.message).toContain('1 to 15 characters after DE but has 16');
  });

  it('refuses a bare prefix', () => {
    expect(refused('DE').rule).toBe('length');
  });

  it('refuses characters that are not letters or digits', () => {
    const check = refused('DE5303_06934761723');
    expect(check.rule).toBe('format');
    expect(check.message).toContain('"_" at position 7');
  });

  it('refuses letters in a German EORI', () => {
    const check = refused('DE53030693476172A');
    expect(check.rule).toBe('format');
    expect(check.message).toContain('up to 15 digits');
  });

  it('refuses a GB EORI of the wrong length', () => {
    const check = refused('GB70681752700');
    expect(check.rule).toBe('length');
    expect(check.message).toContain('12 digits');
  });

  it('refuses a Dutch VAT number given as EORI and states the EORI form', () => {
    const check = refused('NL 0085.36.910 B01');
    expect(check.rule).toBe('format');
    expect(check.message).toContain('9 digits (the RSIN');
  });

  it('cross-checks the Belgian enterprise number inside the EORI', () => {
    const check = refused('BE0314595349');
    expect(check.rule).toBe('checkDigit');
    expect(check.message).toContain('enterprise number 0314595349');
    expect(check.message).toContain('mod 97 gives 48');
    expect(check.message).toContain('EORI validation service');
  });

  it('cross-checks the partita IVA inside an 11-digit Italian EORI', () => {
    const check = refused('IT00091930421');
    expect(check.rule).toBe('checkDigit');
    expect(check.message).toContain('partita IVA');
    expect(check.message).toContain('Luhn gives 0');
  });
});
