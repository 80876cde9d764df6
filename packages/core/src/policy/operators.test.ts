import { constraintHolds, OPERAND_KINDS, OPERATORS_BY_KIND, operandValue, parseInstant, typingProblems, type OperandKind } from './operators.js';
import { CONSTRAINT_OPERATORS, LEFT_OPERANDS, type AtomicConstraint, type ConstraintOperator, type ConstraintValue, type LeftOperand, type PolicyRequest, type VerifiedConsumer } from './types.js';

const consumer = (overrides: Partial<VerifiedConsumer> = {}): VerifiedConsumer => ({
  did: 'did:web:consumer.example',
  credentialTypes: [],
  issuerAnchors: [],
  jurisdictions: [],
  identifierSchemes: [],
  memberRoles: [],
  relationships: [],
  memberships: [],
  ...overrides,
});
const request = (overrides: Partial<PolicyRequest> = {}): PolicyRequest => ({ action: 'use', now: new Date('2026-04-01T00:00:00Z'), usageCount: 0, ...overrides });

function holds(leftOperand: LeftOperand, operator: ConstraintOperator, rightOperand: ConstraintValue, c: VerifiedConsumer, r: PolicyRequest): boolean {
  const constraint: AtomicConstraint = { leftOperand, operator, rightOperand };
  expect(typingProblems(constraint)).toEqual([]);
  return constraintHolds(constraint, operandValue(leftOperand, c, r));
}

describe('set-valued operands use set semantics', () => {
  // The consumer holds {supplierOf, customerOf}.
  const table: [ConstraintOperator, ConstraintValue, boolean][] = [
    ['eq', 'supplierOf', true],
    ['eq', 'recyclerOf', false],
    ['neq', 'recyclerOf', true],
    ['neq', 'supplierOf', false],
    ['isAnyOf', ['recyclerOf', 'customerOf'], true],
    ['isAnyOf', ['recyclerOf', 'subsidiaryOf'], false],
    ['isAllOf', ['supplierOf', 'customerOf'], true],
    ['isAllOf', ['supplierOf'], true],
    ['isAllOf', ['supplierOf', 'recyclerOf'], false],
    ['isNoneOf', ['recyclerOf', 'subsidiaryOf'], true],
    ['isNoneOf', ['recyclerOf', 'supplierOf'], false],
  ];
  test.each(table)('relationship %s %j → %s', (operator, right, expected) => {
    expect(holds('relationship', operator, right, consumer({ relationships: ['supplierOf', 'customerOf'] }), request())).toBe(expected);
  });

  const emptyTable: [ConstraintOperator, ConstraintValue, boolean][] = [
    ['eq', 'supplierOf', false],
    ['neq', 'supplierOf', true],
    ['isAnyOf', ['supplierOf'], false],
    ['isAllOf', ['supplierOf'], false],
    ['isNoneOf', ['supplierOf'], true],
  ];
  test.each(emptyTable)('with no relationships at all: %s %j → %s', (operator, right, expected) => {
    expect(holds('relationship', operator, right, consumer(), request())).toBe(expected);
  });

  // Every set operand reads its own field of the verified consumer.
  const values: Record<string, [keyof VerifiedConsumer, string]> = {
    credentialType: ['credentialTypes', 'LegalPersonCredential'],
    issuerAnchor: ['issuerAnchors', 'did:web:anchor.example.jp'],
    jurisdiction: ['jurisdictions', 'JP'],
    identifierScheme: ['identifierSchemes', 'jp-corporate-number'],
    memberRole: ['memberRoles', 'buyer'],
    relationship: ['relationships', 'recyclerOf'],
    membership: ['memberships', 'battery-passport'],
  };
  test.each(Object.entries(values))('%s reads VerifiedConsumer.%s', (leftOperand, [field, value]) => {
    const c = consumer({ [field]: [value] });
    expect(holds(leftOperand as LeftOperand, 'eq', value, c, request())).toBe(true);
    expect(holds(leftOperand as LeftOperand, 'eq', value, consumer(), request())).toBe(false);
  });
});

describe('scalar name operands compare one value', () => {
  const table: [ConstraintOperator, ConstraintValue, string | undefined, boolean][] = [
    ['eq', 'research', 'research', true],
    ['eq', 'research', 'marketing', false],
    ['neq', 'marketing', 'research', true],
    ['neq', 'research', 'research', false],
    ['isAnyOf', ['research', 'maintenance'], 'maintenance', true],
    ['isAnyOf', ['research', 'maintenance'], 'marketing', false],
    ['isNoneOf', ['marketing'], 'research', true],
    ['isNoneOf', ['marketing'], 'marketing', false],
    // A purpose the consumer did not declare satisfies no constraint, not even a negative one.
    ['eq', 'research', undefined, false],
    ['neq', 'marketing', undefined, false],
    ['isAnyOf', ['research'], undefined, false],
    ['isNoneOf', ['marketing'], undefined, false],
  ];
  test.each(table)('purpose %s %j with declared %s → %s', (operator, right, purpose, expected) => {
    expect(holds('purpose', operator, right, consumer(), request(purpose === undefined ? {} : { purpose }))).toBe(expected);
  });

  test.each([
    ['eq', 'JP', 'JP', true],
    ['eq', 'JP', 'DE', false],
    ['neq', 'JP', 'DE', true],
    ['isAnyOf', ['JP', 'DE'], 'DE', true],
    ['isNoneOf', ['JP', 'DE'], 'FR', true],
    ['eq', 'JP', undefined, false],
  ] as [ConstraintOperator, ConstraintValue, string | undefined, boolean][])('consumerCountry %s %j with country %s → %s', (operator, right, country, expected) => {
    expect(holds('consumerCountry', operator, right, consumer(country === undefined ? {} : { country }), request())).toBe(expected);
  });
});

describe('dateTime compares instants, not strings', () => {
  const bound = '2026-04-01T09:00:00+09:00'; // = 2026-04-01T00:00:00Z
  const at = (iso: string) => request({ now: new Date(iso) });
  const table: [ConstraintOperator, string, boolean][] = [
    ['lt', '2026-03-31T23:59:59.999Z', true],
    ['lt', '2026-04-01T00:00:00Z', false],
    ['lteq', '2026-04-01T00:00:00Z', true],
    ['lteq', '2026-04-01T00:00:00.001Z', false],
    ['gt', '2026-04-01T00:00:00Z', false],
    ['gt', '2026-04-01T00:00:00.001Z', true],
    ['gteq', '2026-04-01T00:00:00Z', true],
    ['gteq', '2026-03-31T23:59:59Z', false],
  ];
  test.each(table)(`dateTime %s ${bound} at %s → %s`, (operator, now, expected) => {
    expect(holds('dateTime', operator, bound, consumer(), at(now))).toBe(expected);
  });

  test('a bound without seconds (as in the DSP examples) is accepted', () => {
    expect(holds('dateTime', 'lteq', '2023-12-31T06:00Z', consumer(), at('2023-12-31T06:00:00Z'))).toBe(true);
  });
});

describe('count compares numbers of completed transfers', () => {
  const table: [ConstraintOperator, number, boolean, boolean, boolean][] = [
    // operator, right, at 4, at 5, at 6
    ['eq', 5, false, true, false],
    ['neq', 5, true, false, true],
    ['gt', 5, false, false, true],
    ['gteq', 5, false, true, true],
    ['lt', 5, true, false, false],
    ['lteq', 5, true, true, false],
  ];
  test.each(table)('count %s %d at 4/5/6 → %s/%s/%s', (operator, right, at4, at5, at6) => {
    expect([4, 5, 6].map((usageCount) => holds('count', operator, right, consumer(), request({ usageCount })))).toEqual([at4, at5, at6]);
  });
});

describe('typing: which operator fits which operand kind', () => {
  const sample: Record<OperandKind, { leftOperand: LeftOperand; scalar: ConstraintValue; list: ConstraintValue }> = {
    set: { leftOperand: 'relationship', scalar: 'supplierOf', list: ['supplierOf'] },
    name: { leftOperand: 'purpose', scalar: 'research', list: ['research'] },
    instant: { leftOperand: 'dateTime', scalar: '2026-04-01T00:00:00Z', list: ['2026-04-01T00:00:00Z'] },
    count: { leftOperand: 'count', scalar: 3, list: ['3'] },
  };
  const cells = (Object.keys(sample) as OperandKind[]).flatMap((kind) => CONSTRAINT_OPERATORS.map((operator) => [kind, operator] as const));
  test.each(cells)('%s × %s', (kind, operator) => {
    const { leftOperand, scalar, list } = sample[kind];
    const rightOperand = ['isAnyOf', 'isAllOf', 'isNoneOf'].includes(operator) ? list : scalar;
    const problems = typingProblems({ leftOperand, operator, rightOperand });
    if (OPERATORS_BY_KIND[kind].includes(operator)) {
      expect(problems).toEqual([]);
    } else {
      expect(problems).toEqual([expect.objectContaining({ code: 'OperatorNotApplicable', at: 'operator' })]);
      expect(problems[0]?.message).toMatch(/use (one of|eq)|express a time window with gteq/);
    }
  });

  test('every left operand has a kind', () => {
    for (const operand of LEFT_OPERANDS) expect(OPERATORS_BY_KIND[OPERAND_KINDS[operand]].length).toBeGreaterThan(0);
  });

  test('gt on a relationship explains that sets have no order', () => {
    expect(typingProblems({ leftOperand: 'relationship', operator: 'gt', rightOperand: 'supplierOf' })[0]?.message).toBe(
      'gt orders values, but relationship is a set of names that has no order; use one of eq, neq, isAnyOf, isAllOf, isNoneOf',
    );
  });

  test.each([
    [{ leftOperand: 'count', operator: 'lt', rightOperand: '5' }, 'RightOperandType', /whole number ≥ 0, got the string "5" — write 5 without quotes/],
    [{ leftOperand: 'count', operator: 'lt', rightOperand: 2.5 }, 'RightOperandType', /whole number/],
    [{ leftOperand: 'count', operator: 'lt', rightOperand: -1 }, 'RightOperandType', /whole number/],
    [{ leftOperand: 'dateTime', operator: 'lt', rightOperand: '2026-04-01' }, 'InvalidDateTime', /not one — write a date-time with an offset/],
    [{ leftOperand: 'dateTime', operator: 'lt', rightOperand: '2026-04-01T00:00:00' }, 'InvalidDateTime', /offset/],
    [{ leftOperand: 'dateTime', operator: 'lt', rightOperand: '2026-02-30T00:00:00Z' }, 'InvalidDateTime', /ISO 8601/],
    [{ leftOperand: 'dateTime', operator: 'lt', rightOperand: 1775001600000 }, 'InvalidDateTime', /the number 1775001600000/],
    [{ leftOperand: 'relationship', operator: 'isAnyOf', rightOperand: 'supplierOf' }, 'RightOperandType', /write rightOperand as a list of strings, e.g. \["supplierOf"\]/],
    [{ leftOperand: 'relationship', operator: 'eq', rightOperand: ['supplierOf', 'recyclerOf'] }, 'RightOperandType', /use isAnyOf or isAllOf/],
    [{ leftOperand: 'relationship', operator: 'isAnyOf', rightOperand: [] }, 'EmptyList', /can never hold/],
    [{ leftOperand: 'relationship', operator: 'isNoneOf', rightOperand: [] }, 'EmptyList', /always holds/],
    [{ leftOperand: 'relationship', operator: 'eq', rightOperand: 'recylerOf' }, 'UnknownValue', /'recylerOf' is not a relationship type Musubi knows; use one of supplierOf/],
    [{ leftOperand: 'credentialType', operator: 'eq', rightOperand: 'PassportCredential' }, 'UnknownValue', /not a credential type/],
    [{ leftOperand: 'consumerCountry', operator: 'eq', rightOperand: 'jp' }, 'UnknownValue', /write 'JP'/],
    [{ leftOperand: 'jurisdiction', operator: 'isAnyOf', rightOperand: ['JP', 'Japan'] }, 'UnknownValue', /got 'Japan'/],
    [{ leftOperand: 'issuerAnchor', operator: 'eq', rightOperand: 'anchor.example.jp' }, 'UnknownValue', /trust anchor DIDs/],
    [{ leftOperand: 'purpose', operator: 'eq', rightOperand: true }, 'RightOperandType', /one string, got the boolean true/],
    [{ leftOperand: 'purpose', operator: 'eq', rightOperand: '' }, 'UnknownValue', /must not be empty/],
  ] as [AtomicConstraint, string, RegExp][])('%j is a %s error', (constraint, code, message) => {
    const problems = typingProblems(constraint);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.code).toBe(code);
    expect(problems[0]?.message).toMatch(message);
  });

  test('a bad list member is reported at its index', () => {
    expect(typingProblems({ leftOperand: 'jurisdiction', operator: 'isAnyOf', rightOperand: ['JP', 'eu'] })).toEqual([
      expect.objectContaining({ code: 'UnknownValue', at: 'rightOperand[1]' }),
    ]);
  });
});

describe('parseInstant', () => {
  test.each([
    ['2026-04-01T00:00:00Z', Date.UTC(2026, 3, 1)],
    ['2026-04-01T09:00:00+09:00', Date.UTC(2026, 3, 1)],
    ['2026-03-31T19:00:00-05:00', Date.UTC(2026, 3, 1)],
    ['2026-04-01T00:00Z', Date.UTC(2026, 3, 1)],
    ['2026-04-01T00:00:00.5Z', Date.UTC(2026, 3, 1) + 500],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
  ])('%s', (text, ms) => expect(parseInstant(text)).toBe(ms));

  test.each(['2026-04-01', '2026-04-01T00:00:00', '2025-02-29T00:00:00Z', '2026-13-01T00:00:00Z', '2026-04-01T24:00:00Z', '2026-04-01t00:00:00z', '2026-04-01T00:00:00+15:00', 'yesterday'])(
    '%s is not an instant',
    (text) => expect(parseInstant(text)).toBeUndefined(),
  );
});
