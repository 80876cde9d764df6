import { assembleCompiledPolicy } from './assemble.js';
import { policyDigest } from './digest.js';
import { checkConstraintTyping } from './typing.js';
import { CompiledPolicyError, parseCompiledPolicy, validateCompiledPolicy } from './schema.js';
import type { CompiledPolicy } from './types.js';

const good = (): CompiledPolicy => assembleCompiledPolicy({
  id: 'battery/recycling-data',
  generation: 3,
  permissions: [{ action: 'use', constraints: [
    { leftOperand: 'relationship', operator: 'isAnyOf', rightOperand: ['recyclerOf', 'maintenancePartnerOf'] },
    { logic: 'or', constraints: [
      { leftOperand: 'jurisdiction', operator: 'eq', rightOperand: 'JP' },
      { leftOperand: 'jurisdiction', operator: 'eq', rightOperand: 'EU' },
    ] },
    { leftOperand: 'count', operator: 'lt', rightOperand: 10 },
  ] }],
  prohibitions: [{ action: 'distribute', constraints: [] }],
  obligations: [{ action: 'delete', kind: 'delete', constraints: [{ leftOperand: 'dateTime', operator: 'lteq', rightOperand: '2027-01-01T00:00:00Z' }] }],
});

const REMOVE = Symbol('remove');

/** A copy of the document read back from a file, with the value at each path replaced (or removed). */
function edited(edits: Record<string, unknown>): unknown {
  const doc = JSON.parse(JSON.stringify(good())) as unknown;
  for (const [path, value] of Object.entries(edits)) {
    const segments = path.split(/[.[\]]+/).filter(Boolean);
    const last = segments.pop() as string;
    const parent = segments.reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], doc) as Record<string, unknown>;
    if (value === REMOVE) delete parent[last];
    else parent[last] = value;
  }
  return doc;
}

/** The same edits with the digest recomputed, so only the edits themselves are wrong. */
function editedAndResealed(edits: Record<string, unknown>): unknown {
  const doc = edited(edits) as CompiledPolicy;
  return { ...doc, digest: policyDigest(doc) };
}

describe('validateCompiledPolicy', () => {
  test('accepts a document assembled from its rules, also after a JSON round trip', () => {
    const doc = JSON.parse(JSON.stringify(good())) as unknown;
    expect(validateCompiledPolicy(doc)).toEqual({ ok: true, policy: good() });
  });

  test.each([
    ['not an object', 'nonsense', [{ path: '', message: expect.stringMatching(/expected object/) }]],
    ['missing digest', edited({ digest: REMOVE }), [{ path: 'digest', message: 'digest is required (string)' }]],
    ['malformed digest', edited({ digest: 'md5:abc' }), [{ path: 'digest', message: 'digest must be sha256:<64 lower-case hex digits>' }]],
    ['unknown operator deep inside', edited({ 'permissions[0].constraints[1].constraints[0].operator': 'equals' }),
      [{ path: 'permissions[0].constraints[1].constraints[0].operator', message: expect.stringMatching(/^operator must be one of eq, neq/) }]],
    ['unknown left operand', edited({ 'permissions[0].constraints[0].leftOperand': 'partner' }),
      [{ path: 'permissions[0].constraints[0].leftOperand', message: expect.stringMatching(/^leftOperand must be one of credentialType/) }]],
    ['bad logic', edited({ 'permissions[0].constraints[1].logic': 'nor' }),
      [{ path: 'permissions[0].constraints[1].logic', message: 'logic must be one of and, or, xone (or absent for an atomic constraint)' }]],
    ['empty logical constraint', edited({ 'permissions[0].constraints[1].constraints': [] }),
      [{ path: 'permissions[0].constraints[1].constraints', message: 'a logical constraint needs at least one member constraint' }]],
    ['object right operand', edited({ 'permissions[0].constraints[2].rightOperand': { value: 10 } }),
      [{ path: 'permissions[0].constraints[2].rightOperand', message: 'rightOperand must be a string, a number, a boolean or a list of strings' }]],
    ['unexpected key', edited({ 'permissions[0].duties': [] }), [{ path: 'permissions[0]', message: expect.stringMatching(/duties/) }]],
    ['no permissions', edited({ permissions: [] }), [{ path: 'permissions', message: 'a policy without permissions grants nothing; add at least one permission' }]],
    ['bad duty kind', edited({ 'obligations[0].kind': 'erase' }), [{ path: 'obligations[0].kind', message: expect.stringMatching(/kind must be one of delete/) }]],
    ['bad id', edited({ id: 'recycling-data' }), [{ path: 'id', message: 'id must be <namespace>/<name> of the Policy resource' }]],
  ])('rejects %s, naming the path', (_name, doc, issues) => {
    const result = validateCompiledPolicy(doc);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues).toEqual(issues.map((i) => ({ code: 'InvalidDocument', ...i })));
  });

  test('rejects ill-typed constraints with their paths', () => {
    const doc = editedAndResealed({
      'permissions[0].constraints[0].operator': 'gt',
      'permissions[0].constraints[2].rightOperand': '10',
      'obligations[0].constraints[0].rightOperand': 'next year',
      odrl: {},
    });
    const result = validateCompiledPolicy(doc);
    expect(!result.ok && result.issues).toEqual([
      expect.objectContaining({ code: 'OperatorNotApplicable', path: 'permissions[0].constraints[0].operator', leftOperand: 'relationship', operator: 'gt' }),
      expect.objectContaining({ code: 'RightOperandType', path: 'permissions[0].constraints[2].rightOperand', message: expect.stringMatching(/write 10 without quotes/) }),
      expect.objectContaining({ code: 'InvalidDateTime', path: 'obligations[0].constraints[0].rightOperand' }),
      expect.objectContaining({ code: 'OdrlMismatch', path: 'odrl' }),
    ]);
  });

  test('rejects a document whose content no longer matches its digest', () => {
    const result = validateCompiledPolicy(edited({ 'permissions[0].constraints[2].rightOperand': 1000, 'odrl.permission[0].constraint[2].rightOperand.@value': 1000 }));
    expect(!result.ok && result.issues).toEqual([{ code: 'DigestMismatch', path: 'digest', message: expect.stringMatching(/does not match the document's content \(sha256:[0-9a-f]{64}\); the file is corrupt or was edited — let the operator recompile the Policy$/) }]);
  });

  test('rejects an ODRL form that says something other than the rules', () => {
    const result = validateCompiledPolicy(editedAndResealed({ 'odrl.permission[0].constraint[2].rightOperand.@value': 1000 }));
    expect(!result.ok && result.issues).toEqual([{ code: 'OdrlMismatch', path: 'odrl', message: expect.stringMatching(/regenerate it with toOdrlPolicyBody/) }]);
  });

  test('reports unreadable ODRL under odrl.*', () => {
    const result = validateCompiledPolicy(editedAndResealed({ 'odrl.permission[0].constraint[0].leftOperand': 'partner' }));
    expect(!result.ok && result.issues).toEqual([expect.objectContaining({ code: 'UnsupportedOdrl', path: 'odrl.permission[0].constraint[0].leftOperand' })]);
  });

  test('generation does not enter the digest', () => {
    expect(validateCompiledPolicy(edited({ generation: 4 })).ok).toBe(true);
  });
});

describe('parseCompiledPolicy', () => {
  test('throws one error naming the source and every path', () => {
    const doc = edited({ generation: -1, 'prohibitions[0].action': '' });
    expect(() => parseCompiledPolicy(doc, '/etc/musubi/policy/recycling-data.json')).toThrow(CompiledPolicyError);
    expect(() => parseCompiledPolicy(doc, '/etc/musubi/policy/recycling-data.json')).toThrow(
      'compiled policy /etc/musubi/policy/recycling-data.json is invalid:\n  generation: generation must be a whole number ≥ 0\n  prohibitions[0].action: action must name an ODRL action, e.g. use',
    );
  });
});

describe('checkConstraintTyping', () => {
  test('paths reach into logical constraints and duties', () => {
    const p = good();
    expect(checkConstraintTyping({
      ...p,
      permissions: [{ action: 'use', constraints: [{ logic: 'xone', constraints: [{ logic: 'and', constraints: [{ leftOperand: 'membership', operator: 'lteq', rightOperand: 'x' }] }] }] }],
      obligations: [{ action: 'delete', kind: 'delete', constraints: [{ leftOperand: 'dateTime', operator: 'eq', rightOperand: '2027-01-01T00:00:00Z' }] }],
    })).toEqual([
      expect.objectContaining({ code: 'OperatorNotApplicable', path: 'permissions[0].constraints[0].constraints[0].constraints[0].operator' }),
      expect.objectContaining({ code: 'OperatorNotApplicable', path: 'obligations[0].constraints[0].operator', message: expect.stringMatching(/express a time window/) }),
    ]);
  });

  test('an empty logical constraint built in code is reported', () => {
    expect(checkConstraintTyping({ permissions: [{ action: 'use', constraints: [{ logic: 'or', constraints: [] }] }], prohibitions: [], obligations: [] })).toEqual([
      { code: 'EmptyLogicalConstraint', path: 'permissions[0].constraints[0].constraints', message: "an 'or' constraint needs at least one member constraint" },
    ]);
  });
});
