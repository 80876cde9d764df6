import { assembleCompiledPolicy } from './assemble.js';
import { evaluatePolicy } from './evaluate.js';
import type { CompiledDuty, CompiledPolicy, CompiledRule, PolicyRequest, VerifiedConsumer } from './types.js';

const ANCHOR_JP = 'did:web:anchor.gbiz.example.jp';

function policy(rules: { permissions: CompiledRule[]; prohibitions?: CompiledRule[]; obligations?: CompiledDuty[] }): CompiledPolicy {
  return assembleCompiledPolicy({ id: 'battery/recycling-data', generation: 1, prohibitions: [], obligations: [], ...rules });
}

const recycler: VerifiedConsumer = {
  did: 'did:web:recycler.example.jp',
  credentialTypes: ['LegalPersonCredential', 'RelationshipCredential'],
  issuerAnchors: [ANCHOR_JP],
  jurisdictions: ['JP'],
  identifierSchemes: ['jp-corporate-number'],
  memberRoles: [],
  relationships: ['recyclerOf'],
  memberships: ['battery-passport'],
  country: 'JP',
};
const supplier: VerifiedConsumer = { ...recycler, did: 'did:web:supplier.example.de', relationships: ['supplierOf'], jurisdictions: ['EU'], country: 'DE' };

const at = (overrides: Partial<PolicyRequest> = {}): PolicyRequest => ({ action: 'transfer', now: new Date('2026-04-01T00:00:00Z'), usageCount: 0, ...overrides });

describe('relationship-based access (ReBAC)', () => {
  const rebac = policy({ permissions: [{ action: 'use', constraints: [{ leftOperand: 'relationship', operator: 'eq', rightOperand: 'recyclerOf' }] }] });

  test('a recycler of the provider may transfer', () => {
    expect(evaluatePolicy(rebac, recycler, at())).toEqual({ allowed: true, permissionPath: 'permissions[0]', duties: [] });
  });

  test('a supplier is refused, and told which relationship it lacks and which it has', () => {
    expect(evaluatePolicy(rebac, supplier, at())).toEqual({
      allowed: false,
      denials: [{
        reason: 'ConstraintNotSatisfied',
        path: 'permissions[0].constraints[0]',
        leftOperand: 'relationship',
        operator: 'eq',
        expected: 'recyclerOf',
        actual: ['supplierOf'],
        message: "consumer holds no 'recyclerOf' relationship with this provider (has: supplierOf)",
      }],
    });
  });

  test('a consumer with no relationships is told it has none', () => {
    const decision = evaluatePolicy(rebac, { ...supplier, relationships: [] }, at());
    expect(decision.allowed === false && decision.denials[0]?.message).toBe("consumer holds no 'recyclerOf' relationship with this provider (has: none)");
  });
});

describe('action matching', () => {
  const readOnly = policy({ permissions: [{ action: 'read', constraints: [] }, { action: 'transfer', constraints: [] }] });

  test("a permission for 'use' covers every action", () => {
    const any = policy({ permissions: [{ action: 'use', constraints: [] }] });
    for (const action of ['use', 'transfer', 'distribute', 'read']) expect(evaluatePolicy(any, recycler, at({ action })).allowed).toBe(true);
  });

  test('otherwise the action must match exactly', () => {
    expect(evaluatePolicy(readOnly, recycler, at({ action: 'read' }))).toMatchObject({ allowed: true, permissionPath: 'permissions[0]' });
    expect(evaluatePolicy(readOnly, recycler, at({ action: 'transfer' }))).toMatchObject({ allowed: true, permissionPath: 'permissions[1]' });
  });

  test('no permission for the action: the denial lists what the policy does grant', () => {
    expect(evaluatePolicy(readOnly, recycler, at({ action: 'distribute' }))).toEqual({
      allowed: false,
      denials: [{ reason: 'NoMatchingPermission', path: 'permissions', message: "policy 'battery/recycling-data' grants no permission for action 'distribute' (it grants: read, transfer)" }],
    });
  });
});

describe('several candidate permissions', () => {
  const twoWays = policy({
    permissions: [
      { action: 'use', constraints: [
        { leftOperand: 'jurisdiction', operator: 'eq', rightOperand: 'JP' },
        { leftOperand: 'relationship', operator: 'isAnyOf', rightOperand: ['recyclerOf', 'maintenancePartnerOf'] },
      ] },
      { action: 'read', constraints: [{ leftOperand: 'relationship', operator: 'eq', rightOperand: 'recyclerOf' }] },
      { action: 'transfer', constraints: [{ leftOperand: 'membership', operator: 'eq', rightOperand: 'battery-passport' }, { leftOperand: 'purpose', operator: 'eq', rightOperand: 'recycling' }] },
    ],
  });

  test('the first permission whose constraints all hold is chosen', () => {
    expect(evaluatePolicy(twoWays, recycler, at({ purpose: 'recycling' }))).toMatchObject({ allowed: true, permissionPath: 'permissions[0]' });
    expect(evaluatePolicy(twoWays, supplier, at({ purpose: 'recycling' }))).toMatchObject({ allowed: true, permissionPath: 'permissions[2]' });
  });

  test('when none holds, each candidate contributes its first failing constraint, in policy order', () => {
    const decision = evaluatePolicy(twoWays, supplier, at({ purpose: 'marketing' }));
    expect(decision).toEqual({
      allowed: false,
      denials: [
        expect.objectContaining({ path: 'permissions[0].constraints[0]', leftOperand: 'jurisdiction', actual: ['EU'], message: "consumer is vouched for by no trust anchor of jurisdiction 'JP' (has: EU)" }),
        expect.objectContaining({ path: 'permissions[2].constraints[1]', leftOperand: 'purpose', expected: 'recycling', actual: 'marketing', message: "consumer declared purpose 'marketing'; this rule requires purpose 'recycling'" }),
      ],
    });
  });

  test('a missing purpose is reported as missing, with what to do', () => {
    const decision = evaluatePolicy(twoWays, supplier, at());
    expect(decision.allowed === false && decision.denials[1]).toMatchObject({
      actual: null,
      message: "consumer declared no purpose (declare one with the request); this rule requires purpose 'recycling'",
    });
  });
});

describe('prohibitions override permissions', () => {
  const base = { action: 'use', constraints: [{ leftOperand: 'membership', operator: 'eq', rightOperand: 'battery-passport' }] } satisfies CompiledRule;

  test('a prohibition whose constraints hold refuses an otherwise permitted request', () => {
    const p = policy({ permissions: [base], prohibitions: [{ action: 'distribute', constraints: [{ leftOperand: 'relationship', operator: 'eq', rightOperand: 'supplierOf' }] }] });
    expect(evaluatePolicy(p, supplier, at({ action: 'transfer' })).allowed).toBe(true);
    expect(evaluatePolicy(p, recycler, at({ action: 'distribute' })).allowed).toBe(true);
    expect(evaluatePolicy(p, supplier, at({ action: 'distribute' }))).toEqual({
      allowed: false,
      denials: [{
        reason: 'Prohibited',
        path: 'prohibitions[0].constraints[0]',
        leftOperand: 'relationship',
        operator: 'eq',
        expected: 'supplierOf',
        actual: ['supplierOf'],
        message: "policy 'battery/recycling-data' prohibits 'distribute' here: consumer holds a 'supplierOf' relationship with this provider",
      }],
    });
  });

  test("a prohibition on 'use' prohibits every action; without constraints it always applies", () => {
    const p = policy({ permissions: [base], prohibitions: [{ action: 'use', constraints: [] }] });
    expect(evaluatePolicy(p, recycler, at({ action: 'read' }))).toEqual({
      allowed: false,
      denials: [{ reason: 'Prohibited', path: 'prohibitions[0]', message: "policy 'battery/recycling-data' prohibits 'use' without condition" }],
    });
  });

  test('a prohibition with several constraints applies only when all hold, and names them all', () => {
    const p = policy({
      permissions: [base],
      prohibitions: [{ action: 'transfer', constraints: [
        { leftOperand: 'consumerCountry', operator: 'isNoneOf', rightOperand: ['JP'] },
        { leftOperand: 'purpose', operator: 'eq', rightOperand: 'marketing' },
      ] }],
    });
    expect(evaluatePolicy(p, supplier, at({ purpose: 'recycling' })).allowed).toBe(true);
    expect(evaluatePolicy(p, recycler, at({ purpose: 'marketing' })).allowed).toBe(true);
    const decision = evaluatePolicy(p, supplier, at({ purpose: 'marketing' }));
    expect(decision).toEqual({
      allowed: false,
      denials: [{
        reason: 'Prohibited',
        path: 'prohibitions[0]',
        message: "policy 'battery/recycling-data' prohibits 'transfer' here: consumer's legal-person credential states country 'DE'; consumer declared purpose 'marketing'",
      }],
    });
  });

  test('when no permission holds either, prohibitions are reported after the permission denials', () => {
    const p = policy({ permissions: [base], prohibitions: [{ action: 'use', constraints: [{ leftOperand: 'jurisdiction', operator: 'eq', rightOperand: 'EU' }] }] });
    const decision = evaluatePolicy(p, { ...supplier, memberships: [] }, at());
    expect(decision.allowed === false && decision.denials.map((d) => [d.reason, d.path])).toEqual([
      ['ConstraintNotSatisfied', 'permissions[0].constraints[0]'],
      ['Prohibited', 'prohibitions[0].constraints[0]'],
    ]);
  });
});

describe('logical constraints', () => {
  const jp = { leftOperand: 'jurisdiction', operator: 'eq', rightOperand: 'JP' } as const;
  const recyclerRel = { leftOperand: 'relationship', operator: 'eq', rightOperand: 'recyclerOf' } as const;
  const member = { leftOperand: 'membership', operator: 'eq', rightOperand: 'battery-passport' } as const;
  const withLogic = (logic: 'and' | 'or' | 'xone') => policy({ permissions: [{ action: 'use', constraints: [member, { logic, constraints: [jp, recyclerRel] }] }] });

  // Rows: [jurisdiction JP?, recyclerOf?] for consumers built from the supplier.
  const consumers: [string, VerifiedConsumer][] = [
    ['neither', supplier],
    ['JP only', { ...supplier, jurisdictions: ['JP'] }],
    ['recycler only', { ...supplier, relationships: ['recyclerOf'] }],
    ['both', recycler],
  ];
  const expected: Record<'and' | 'or' | 'xone', boolean[]> = {
    and: [false, false, false, true],
    or: [false, true, true, true],
    xone: [false, true, true, false],
  };
  test.each(['and', 'or', 'xone'] as const)('%s truth table', (logic) => {
    expect(consumers.map(([, c]) => evaluatePolicy(withLogic(logic), c, at()).allowed)).toEqual(expected[logic]);
  });

  test("a failing 'and' points at its first failing member", () => {
    const decision = evaluatePolicy(withLogic('and'), { ...supplier, jurisdictions: ['JP'] }, at());
    expect(decision.allowed === false && decision.denials[0]).toMatchObject({ path: 'permissions[0].constraints[1].constraints[1]', leftOperand: 'relationship' });
  });

  test("a failing 'or' explains every alternative", () => {
    const decision = evaluatePolicy(withLogic('or'), supplier, at());
    expect(decision.allowed === false && decision.denials[0]).toEqual({
      reason: 'ConstraintNotSatisfied',
      path: 'permissions[0].constraints[1]',
      message: "none of these alternatives holds: consumer is vouched for by no trust anchor of jurisdiction 'JP' (has: EU); or consumer holds no 'recyclerOf' relationship with this provider (has: supplierOf)",
    });
  });

  test("an 'xone' with two holding alternatives names both", () => {
    const decision = evaluatePolicy(withLogic('xone'), recycler, at());
    expect(decision.allowed === false && decision.denials[0]).toEqual({
      reason: 'ConstraintNotSatisfied',
      path: 'permissions[0].constraints[1]',
      message: "exactly one of these alternatives may hold, but 2 do: permissions[0].constraints[1].constraints[0] (consumer is vouched for by a trust anchor of jurisdiction 'JP') and permissions[0].constraints[1].constraints[1] (consumer holds a 'recyclerOf' relationship with this provider)",
    });
  });

  test('nested logic: or of ands', () => {
    const p = policy({ permissions: [{ action: 'use', constraints: [{ logic: 'or', constraints: [
      { logic: 'and', constraints: [jp, recyclerRel] },
      { logic: 'and', constraints: [{ leftOperand: 'consumerCountry', operator: 'eq', rightOperand: 'DE' }, { leftOperand: 'relationship', operator: 'eq', rightOperand: 'supplierOf' }] },
    ] }] }] });
    expect(evaluatePolicy(p, recycler, at()).allowed).toBe(true);
    expect(evaluatePolicy(p, supplier, at()).allowed).toBe(true);
    expect(evaluatePolicy(p, { ...supplier, country: 'FR' }, at()).allowed).toBe(false);
  });
});

describe('time windows', () => {
  const window = policy({ permissions: [{ action: 'use', constraints: [
    { leftOperand: 'dateTime', operator: 'gteq', rightOperand: '2026-04-01T00:00:00+09:00' },
    { leftOperand: 'dateTime', operator: 'lt', rightOperand: '2026-10-01T00:00:00+09:00' },
  ] }] });

  test.each([
    ['2026-03-31T14:59:59Z', false],
    ['2026-03-31T15:00:00Z', true],
    ['2026-09-30T14:59:59.999Z', true],
    ['2026-09-30T15:00:00Z', false],
  ])('at %s allowed=%s', (now, allowed) => {
    expect(evaluatePolicy(window, recycler, at({ now: new Date(now) })).allowed).toBe(allowed);
  });

  test('after the window the consumer is told it has closed, with the evaluation time', () => {
    const decision = evaluatePolicy(window, recycler, at({ now: new Date('2026-11-01T00:00:00Z') }));
    expect(decision.allowed === false && decision.denials[0]).toEqual({
      reason: 'ConstraintNotSatisfied',
      path: 'permissions[0].constraints[1]',
      leftOperand: 'dateTime',
      operator: 'lt',
      expected: '2026-10-01T00:00:00+09:00',
      actual: '2026-11-01T00:00:00.000Z',
      message: 'this rule allows the action only before 2026-10-01T00:00:00+09:00 (evaluated at 2026-11-01T00:00:00.000Z); that window has closed',
    });
  });

  test('before the window the consumer is told when to retry', () => {
    const decision = evaluatePolicy(window, recycler, at({ now: new Date('2026-01-01T00:00:00Z') }));
    expect(decision.allowed === false && decision.denials[0]?.message).toBe(
      'this rule allows the action only from 2026-04-01T00:00:00+09:00 (evaluated at 2026-01-01T00:00:00.000Z); retry from that instant',
    );
  });
});

describe('usage counts', () => {
  const fiveTransfers = policy({ permissions: [{ action: 'transfer', constraints: [{ leftOperand: 'count', operator: 'lt', rightOperand: 5 }] }] });

  test('five transfers are allowed, the sixth is refused', () => {
    expect([0, 4, 5].map((usageCount) => evaluatePolicy(fiveTransfers, recycler, at({ usageCount })).allowed)).toEqual([true, true, false]);
  });

  test('the refusal says the limit is reached and what to do', () => {
    const decision = evaluatePolicy(fiveTransfers, recycler, at({ usageCount: 5 }));
    expect(decision.allowed === false && decision.denials[0]).toMatchObject({
      leftOperand: 'count',
      expected: 5,
      actual: 5,
      message: 'this rule allows the action only while fewer than 5 transfers have completed under the agreement (5 completed so far); the usage limit of the agreement is reached — negotiate a new agreement',
    });
  });
});

describe('explanations for every set operator', () => {
  const one = (operator: 'neq' | 'isAnyOf' | 'isAllOf' | 'isNoneOf', rightOperand: string | string[]) =>
    policy({ permissions: [{ action: 'use', constraints: [{ leftOperand: 'credentialType', operator, rightOperand }] }] });
  const messageFor = (p: CompiledPolicy) => {
    const decision = evaluatePolicy(p, { ...supplier, credentialTypes: ['LegalPersonCredential'] }, at());
    return decision.allowed ? 'allowed' : decision.denials[0]?.message;
  };

  test.each([
    [one('neq', 'LegalPersonCredential'), "consumer presented a verified 'LegalPersonCredential', which this rule excludes"],
    [one('isAnyOf', ['EmployeeCredential', 'DataspaceMembershipCredential']), "consumer has none of the accepted verified credential types: 'EmployeeCredential', 'DataspaceMembershipCredential' (has: LegalPersonCredential)"],
    [one('isAllOf', ['LegalPersonCredential', 'EmployeeCredential']), "consumer lacks the required verified credential types 'EmployeeCredential' (has: LegalPersonCredential); all of 'LegalPersonCredential', 'EmployeeCredential' are required"],
    [one('isNoneOf', ['EmployeeCredential', 'LegalPersonCredential']), "consumer has the excluded verified credential types 'LegalPersonCredential', which this rule excludes"],
  ])('%#', (p, message) => expect(messageFor(p)).toBe(message));

  test('member roles, anchors and country', () => {
    const p = policy({ permissions: [
      { action: 'use', constraints: [{ leftOperand: 'memberRole', operator: 'eq', rightOperand: 'procurement' }] },
      { action: 'use', constraints: [{ leftOperand: 'issuerAnchor', operator: 'eq', rightOperand: ANCHOR_JP }] },
      { action: 'use', constraints: [{ leftOperand: 'consumerCountry', operator: 'isAnyOf', rightOperand: ['JP', 'FR'] }] },
    ] });
    const decision = evaluatePolicy(p, { ...supplier, issuerAnchors: ['did:web:anchor.example.eu'] }, at());
    expect(decision.allowed === false && decision.denials.map((d) => d.message)).toEqual([
      "no employee credential with role 'procurement' was presented (has: none)",
      `consumer is not vouched for by trust anchor '${ANCHOR_JP}' (has: did:web:anchor.example.eu)`,
      "consumer's legal-person credential states country 'DE'; this rule requires one of the country values 'JP', 'FR'",
    ]);
  });
});

describe('duties', () => {
  test('obligations are returned with an allow', () => {
    const deleteAfter: CompiledDuty = { action: 'delete', kind: 'delete', constraints: [{ leftOperand: 'dateTime', operator: 'lteq', rightOperand: '2027-01-01T00:00:00Z' }] };
    const p = policy({ permissions: [{ action: 'use', constraints: [] }], obligations: [deleteAfter] });
    expect(evaluatePolicy(p, recycler, at())).toEqual({ allowed: true, permissionPath: 'permissions[0]', duties: [deleteAfter] });
  });
});

describe('ill-typed policies fail closed', () => {
  test('a policy that was never validated is refused as a whole, with the typing problem', () => {
    const p = policy({
      permissions: [{ action: 'use', constraints: [] }],
      prohibitions: [{ action: 'use', constraints: [{ leftOperand: 'relationship', operator: 'gt', rightOperand: 'supplierOf' }] }],
    });
    const decision = evaluatePolicy(p, recycler, at());
    expect(decision).toEqual({
      allowed: false,
      denials: [expect.objectContaining({ reason: 'ConstraintNotSatisfied', path: 'prohibitions[0].constraints[0].operator', leftOperand: 'relationship', operator: 'gt' })],
    });
    expect(decision.allowed === false && decision.denials[0]?.message).toMatch(/^policy 'battery\/recycling-data' cannot be evaluated and refuses every request until it is fixed: gt orders values/);
  });
});
