import {
  IDENTIFIER_SCHEMES,
  describeScheme,
  gaiaxRegistrationProperty,
  iso6523Identifier,
  validateIdentifier,
} from './index.js';

describe('identifier registry', () => {
  it('refuses an unknown scheme and lists the known ones', () => {
    expect(validateIdentifier('duns', '123456789')).toEqual({
      valid: false,
      scheme: 'duns',
      rule: 'unknownScheme',
      message: 'unknown identifier scheme "duns": use one of jp-corporate-number, eu-vat, lei, eori',
    });
  });

  it.each(IDENTIFIER_SCHEMES)('refuses an empty %s and shows an example', (scheme) => {
    const check = validateIdentifier(scheme, ' - . ');
    expect(check).toMatchObject({ valid: false, scheme, rule: 'empty' });
    expect(!check.valid && check.message).toContain(describeScheme(scheme).example);
  });

  it('refuses input far longer than any identifier without looking at it further', () => {
    expect(validateIdentifier('lei', 'A'.repeat(10_000))).toMatchObject({ valid: false, rule: 'length' });
  });

  it('refuses a value that is not a string, as YAML can deliver', () => {
    expect(validateIdentifier('jp-corporate-number', 1180301018771 as unknown as string)).toMatchObject({ valid: false, rule: 'format' });
  });

  it.each(IDENTIFIER_SCHEMES)('describes %s with an example that validates', (scheme) => {
    const info = describeScheme(scheme);
    expect(info.id).toBe(scheme);
    expect(info.title).not.toBe('');
    expect(info.checkDigit).not.toBe('');
    expect(validateIdentifier(scheme, info.example)).toMatchObject({ valid: true, normalized: info.example });
  });

  it('hands out copies of the description, so one caller cannot change it for others', () => {
    describeScheme('eu-vat').countries?.push('US');
    expect(describeScheme('eu-vat').countries).not.toContain('US');
  });

  it('throws for an unknown scheme passed around the type system', () => {
    expect(() => describeScheme('duns' as never)).toThrow('unknown identifier scheme "duns"');
  });

  it('maps schemes to Gaia-X registration number properties', () => {
    expect(Object.fromEntries(IDENTIFIER_SCHEMES.map((s) => [s, gaiaxRegistrationProperty(s)]))).toEqual({
      'jp-corporate-number': 'local',
      'eu-vat': 'vatID',
      lei: 'leiCode',
      eori: 'EORI',
    });
  });

  it.each([
    ['jp-corporate-number', '1180301018771', '0188:1180301018771'],
    ['lei', '5493006w3qus5lmh6r84', '0199:5493006W3QUS5LMH6R84'],
    ['eu-vat', 'DE 143 454 214', '9930:DE143454214'],
    ['eu-vat', 'IT00905811006', '0211:IT00905811006'],
  ])('renders %s %s as %s for credentials', (scheme, value, rendered) => {
    expect(iso6523Identifier(validateIdentifier(scheme, value))).toBe(rendered);
  });

  it.each([
    ['eu-vat', 'DK24256790', 'no active Peppol VAT scheme for Denmark'],
    ['eori', 'GB706817527000', 'EORI has no ICD'],
    ['jp-corporate-number', '2180301018771', 'invalid'],
  ])('renders no ISO 6523 identifier for %s %s (%s)', (scheme, value) => {
    expect(iso6523Identifier(validateIdentifier(scheme, value))).toBeUndefined();
  });
});
