import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluatePolicy } from '@musubi/core/policy';
import type { Policy } from '../../api/v1alpha1/index.js';
import { expectGolden } from '../../testing/golden.js';
import { compilePolicy } from './compile.js';
import { renderCompiledPolicy } from './render.js';

const here = dirname(fileURLToPath(import.meta.url));

const recyclersOnly: Policy = {
  apiVersion: 'musubi.dev/v1alpha1',
  kind: 'Policy',
  metadata: { name: 'pcf-recyclers-only', namespace: 'dataspace' },
  spec: {
    permissions: [{
      action: 'use',
      constraints: [
        { leftOperand: 'credentialType', operator: 'eq', value: 'LegalPersonCredential' },
        { leftOperand: 'jurisdiction', operator: 'isAnyOf', values: ['JP', 'EU'] },
        { leftOperand: 'relationship', operator: 'eq', value: 'recyclerOf' },
        { or: [{ leftOperand: 'purpose', operator: 'eq', value: 'end-of-life-recycling' }, { leftOperand: 'purpose', operator: 'eq', value: 'carbon-accounting' }] },
        { leftOperand: 'count', operator: 'lt', value: '100' },
      ],
    }],
    prohibitions: [{ action: 'distribute' }],
    obligations: [{ action: 'delete', constraints: [{ leftOperand: 'dateTime', operator: 'lt', value: '2028-06-30T00:00:00Z' }] }],
  },
};

const recycler = {
  did: 'did:web:recycler.example', credentialTypes: ['LegalPersonCredential'], issuerAnchors: ['did:web:eu-anchor.example'],
  jurisdictions: ['EU'], identifierSchemes: ['eu-vat'], memberRoles: [], relationships: ['recyclerOf'], memberships: [], country: 'DE',
};

test('compiles the cross-border PCF policy into the document connectors read (golden)', () => {
  const result = compilePolicy(recyclersOnly);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  expect(result.compiled.permissions[0]?.constraints[4]).toEqual({ leftOperand: 'count', operator: 'lt', rightOperand: 100 });
  expectGolden(join(here, '__golden__', 'pcf-recyclers-only.yaml'), renderCompiledPolicy({ name: 'pcf-recyclers-only', namespace: 'dataspace', uid: 'uid-1' }, result.compiled));
});

test('the compiled policy admits a recognised recycler and refuses a supplier, saying why', () => {
  const result = compilePolicy(recyclersOnly);
  if (!result.ok) throw new Error('compile failed');
  const request = { action: 'use', purpose: 'end-of-life-recycling', now: new Date('2027-01-01T00:00:00Z'), usageCount: 0 };
  expect(evaluatePolicy(result.compiled, recycler, request).allowed).toBe(true);
  const denied = evaluatePolicy(result.compiled, { ...recycler, relationships: ['supplierOf'] }, request);
  expect(denied.allowed).toBe(false);
  if (!denied.allowed) expect(denied.denials[0]).toEqual(expect.objectContaining({ leftOperand: 'relationship', path: 'permissions[0].constraints[2]' }));
});

test('the digest ignores the generation and follows the meaning', () => {
  const a = compilePolicy({ ...recyclersOnly, metadata: { ...recyclersOnly.metadata, generation: 1 } as Policy['metadata'] });
  const b = compilePolicy({ ...recyclersOnly, metadata: { ...recyclersOnly.metadata, generation: 7 } as Policy['metadata'] });
  const c = compilePolicy({ ...recyclersOnly, spec: { ...recyclersOnly.spec, prohibitions: [] } });
  if (!a.ok || !b.ok || !c.ok) throw new Error('compile failed');
  expect(a.compiled.digest).toBe(b.compiled.digest);
  expect(a.compiled.digest).not.toBe(c.compiled.digest);
});

test.each([
  ['a count that is not a number', { leftOperand: 'count', operator: 'lt', value: 'ten' }, 'spec.permissions[0].constraints[0].value', 'whole number'],
  ['gt on a set-valued operand', { leftOperand: 'relationship', operator: 'gt', value: 'recyclerOf' }, 'spec.permissions[0].constraints[0].operator', ''],
  ['a date that is not ISO 8601', { leftOperand: 'dateTime', operator: 'lt', value: 'next year' }, 'spec.permissions[0].constraints[0].value', ''],
] as const)('reports %s with the path to fix', (_name, constraint, path, text) => {
  const result = compilePolicy({ ...recyclersOnly, spec: { permissions: [{ action: 'use', constraints: [constraint as never] }] } });
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.errors.map((e) => e.path)).toContain(path);
  expect(result.errors.find((e) => e.path === path)?.message).toContain(text);
});

test('a member of an or-group is reported at its or[i] path', () => {
  const result = compilePolicy({ ...recyclersOnly, spec: { permissions: [{ action: 'use', constraints: [{ or: [{ leftOperand: 'purpose', operator: 'eq', value: 'a' }, { leftOperand: 'dateTime', operator: 'gt', value: 'soon' }] }] }] } });
  expect(result.ok).toBe(false);
  if (!result.ok) expect(result.errors[0]?.path).toBe('spec.permissions[0].constraints[0].or[1].value');
});
