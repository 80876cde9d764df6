import { describeScheme, validateIdentifier, type IdentifierCheck } from './index.js';

function refused(value: string): Extract<IdentifierCheck, { valid: false }> {
  const check = validateIdentifier('eu-vat', value);
  if (check.valid) throw new Error(`expected ${value} to be refused, got ${JSON.stringify(check)}`);
  return check;
}

describe('eu-vat', () => {
  // VAT IDs the holders print on invoices and in their legal notices.
  it.each([
    ['ATU33864707', 'AT', 'Red Bull GmbH'],
    ['BE0202239951', 'BE', 'Proximus SA'],
    ['BE0417497106', 'BE', 'Anheuser-Busch InBev SA'],
    ['DE143454214', 'DE', 'SAP SE'],
    ['DK24256790', 'DK', 'Novo Nordisk A/S'],
    ['DK22756214', 'DK', 'A.P. Møller - Mærsk A/S'],
    ['ESA28015865', 'ES', 'Telefónica S.A.'],
    ['ESA39000013', 'ES', 'Banco Santander S.A.'],
    ['FI01120389', 'FI', 'Nokia Oyj'],
    ['FR59542051180', 'FR', 'TotalEnergies SE'],
    ['FR89380129866', 'FR', 'Orange SA'],
    ['HR27759560625', 'HR', 'INA d.d.'],
    ['IE6388047V', 'IE', 'Google Ireland Ltd'],
    ['IT00905811006', 'IT', 'Eni S.p.A.'],
    ['IT00159560366', 'IT', 'Ferrari S.p.A.'],
    ['LU20260743', 'LU', 'Amazon EU S.à r.l.'],
    ['PL7740001454', 'PL', 'ORLEN S.A.'],
    ['PT500697256', 'PT', 'EDP - Energias de Portugal S.A.'],
    ['SE556012579001', 'SE', 'AB Volvo'],
    ['SE556016068001', 'SE', 'Telefonaktiebolaget LM Ericsson'],
  ])('accepts %s (%s, %s)', (value, country) => {
    expect(validateIdentifier('eu-vat', value)).toMatchObject({ valid: true, scheme: 'eu-vat', normalized: value, country });
  });

  // Numbers published on traders' web pages, collected in python-stdnum's test data; they cover the states
  // and number forms the list above does not.
  it.each([
    ['BG175074752', 'BG'], ['CY10259033P', 'CY'], ['CZ25123891', 'CZ'], ['CZ6306150004', 'CZ'], ['CZ640903926', 'CZ'],
    ['EE100931558', 'EE'], ['EL094501040', 'GR'], ['FRK7399859412', 'FR'], ['HU12892312', 'HU'], ['IE8D79739I', 'IE'],
    ['IE6433435OA', 'IE'], ['LT119511515', 'LT'], ['LT100001919017', 'LT'], ['LV40003521600', 'LV'], ['MT11679112', 'MT'],
    ['NL004495445B01', 'NL'], ['RO18547290', 'RO'], ['SI50223054', 'SI'], ['SK2022749619', 'SK'], ['XI432525179', 'GB'],
  ])('accepts %s (%s)', (value, country) => {
    expect(validateIdentifier('eu-vat', value)).toMatchObject({ valid: true, normalized: value, country });
  });

  it('accepts the Dutch sole-proprietor form that only passes MOD 97-10 (business.gov.nl example)', () => {
    expect(validateIdentifier('eu-vat', 'NL000099998B57')).toMatchObject({ valid: true, country: 'NL' });
  });

  it.each([
    ['de 143.454-214', 'DE143454214', 'lower case, dots, dashes, spaces'],
    ['BE 202.239.951', 'BE0202239951', 'Belgian 9-digit form'],
    ['EL94501040', 'EL094501040', 'Greek 8-digit form'],
    ['NL4495445B01', 'NL004495445B01', 'Dutch RSIN without leading zeros'],
  ])('normalises %s to %s (%s)', (value, normalized) => {
    expect(validateIdentifier('eu-vat', value)).toMatchObject({ valid: true, normalized });
  });

  it('maps EL to ISO country GR and reports the Peppol scheme for the state', () => {
    expect(validateIdentifier('eu-vat', 'EL094501040')).toEqual({ valid: true, scheme: 'eu-vat', normalized: 'EL094501040', country: 'GR', iso6523Icd: '9933' });
    expect(validateIdentifier('eu-vat', 'DE143454214')).toMatchObject({ iso6523Icd: '9930' });
    expect(validateIdentifier('eu-vat', 'IT00905811006')).toMatchObject({ iso6523Icd: '0211' });
  });

  it('leaves the ICD out where Peppol has no active VAT scheme for the state', () => {
    const check = validateIdentifier('eu-vat', 'DK24256790');
    expect(check.valid && 'iso6523Icd' in check).toBe(false);
  });

  describe('check digits', () => {
    it('refuses a German check digit and names the algorithm and VIES', () => {
      const check = refused('DE129273399');
      expect(check.rule).toBe('checkDigit');
      expect(check.message).toContain('check digit is 9 but ISO 7064 MOD 11,10 gives 8');
      expect(check.message).toContain('VIES');
    });

    it.each([
      ['ATU33864708', 'check digit is 8 but the VIES rule gives 7'],
      ['BE0202239952', 'check digits are 52 but mod 97 gives 51'],
      ['DK24256791', 'weighted mod 11'],
      ['ESA28015866', 'control character is 6 but the CIF rule gives 5 or E'],
      ['FI01120388', 'check digit is 8 but the weighted mod 11 rule gives 9'],
      ['FR58542051180', 'key is 58 but (12 + 3 × (SIREN mod 97)) mod 97 gives 59'],
      ['FR59542051181', 'SIREN 542051181 fails its Luhn check'],
      ['IE6388047W', 'check letter is W but the mod 23 rule gives V'],
      ['IT00905811007', 'check digit is 7 but Luhn gives 6'],
      ['LU20260744', 'check digits are 44 but mod 89 gives 43'],
      ['NL004495446B01', 'fails both the mod 11 test and the MOD 97-10 test'],
      ['PL7740001455', 'check digit is 5 but the weighted mod 11 rule gives 4'],
      ['PT500697257', 'check digit is 7 but the weighted mod 11 rule gives 6'],
      ['SE556012579101', 'Luhn over the organisation number'],
      ['XI432525178', 'UK weighted mod 97'],
    ])('refuses %s: %s', (value, fragment) => {
      const check = refused(value);
      expect(check.rule).toBe('checkDigit');
      expect(check.message).toContain(fragment);
    });
  });

  describe('country prefix', () => {
    it('refuses a number without prefix and says to add it', () => {
      const check = refused('143454214');
      expect(check.rule).toBe('countryPrefix');
      expect(check.message).toContain('add the prefix');
    });

    it('refuses GR and gives the EL form', () => {
      const check = refused('GR094501040');
      expect(check.rule).toBe('countryPrefix');
      expect(check.message).toContain('write EL094501040');
    });

    it('refuses GB and points Northern Ireland traders to XI', () => {
      const check = refused('GB432525179');
      expect(check.rule).toBe('countryPrefix');
      expect(check.message).toContain('XI');
    });

    it('refuses a prefix that is no member state and lists the valid ones', () => {
      const check = refused('US123456789');
      expect(check.rule).toBe('countryPrefix');
      expect(check.message).toContain('"US" is not the VAT prefix of an EU member state');
      expect(check.message).toContain('AT, BE, BG');
    });
  });

  describe('length and format', () => {
    it('refuses a German number one digit short and states the expected form', () => {
      const check = refused('DE14345421');
      expect(check.rule).toBe('length');
      expect(check.message).toContain('DE followed by 9 digits');
      expect(check.message).toContain('has 8 characters after DE');
    });

    it('refuses an Austrian number without its U', () => {
      const check = refused('AT33864707');
      expect(check.rule).toBe('length');
      expect(check.message).toContain('U and 8 digits');
    });

    it('refuses characters that are not letters or digits and points at them', () => {
      const check = refused('DE143_454214');
      expect(check.rule).toBe('format');
      expect(check.message).toContain('"_" at position 6');
    });

    it.each([
      ['DE043454214', 'the first not 0'],
      ['ATX33864707', 'U and 8 digits'],
      ['NL861433701X01', '9 digits, B and a 2-digit branch number'],
    ])('refuses %s, which does not have the state\'s form', (value, fragment) => {
      const check = refused(value);
      expect(check.rule).toBe('format');
      expect(check.message).toContain(fragment);
    });

    it.each([
      ['IT00905815006', 'office code 500 is not an issuing office'],
      ['NL861433701B00', 'branch number after B cannot be 00'],
      ['SE556012579000', 'must end in 01'],
      ['LT119511525', 'second-to-last digit must be 1'],
      ['CZ95123891', 'cannot start with 9'],
    ])('refuses %s: %s', (value, fragment) => {
      const check = refused(value);
      expect(check.rule).toBe('format');
      expect(check.message).toContain(fragment);
    });
  });

  it('describes every member state, with an example that validates, and marks format-only forms', () => {
    const info = describeScheme('eu-vat');
    const rules = info.countryRules ?? [];
    expect(rules.map((r) => r.prefix)).toEqual([
      'AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'EL', 'ES', 'FI', 'FR', 'HR', 'HU', 'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK', 'XI',
    ]);
    for (const rule of rules) {
      expect(validateIdentifier('eu-vat', rule.example)).toMatchObject({ valid: true, country: rule.country });
      expect(rule.example.startsWith(rule.prefix)).toBe(true);
    }
    expect(rules.find((r) => r.prefix === 'LV')?.checkDigit).toContain('none (personal codes)');
    expect(rules.find((r) => r.prefix === 'DE')).toMatchObject({ checkDigit: 'ISO 7064 MOD 11,10', iso6523Icd: '9930' });
    expect(rules.find((r) => r.prefix === 'FR')?.iso6523Icd).toBe('9957');
    expect(rules.find((r) => r.prefix === 'SE')?.iso6523Icd).toBeUndefined();
  });
});
