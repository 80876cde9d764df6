import { z } from 'zod';
import { KINDS } from '../api/v1alpha1/index.js';
import { renderCrd } from './crd.js';
import { StructuralSchemaError, toStructuralSchema, type JsonSchema } from './openapi.js';

describe('generated CRDs', () => {
  test.each(KINDS.map((k) => [k.kind, k] as const))('%s is structural, described, and has the CLI affordances', (_kind, def) => {
    const crd = renderCrd(def) as { spec: { names: { categories: string[]; shortNames: string[] }; versions: { subresources: unknown; additionalPrinterColumns: { name: string }[]; schema: { openAPIV3Schema: JsonSchema } }[] } };
    const version = crd.spec.versions[0]!;
    expect(crd.spec.names.categories).toEqual(['musubi']);
    expect(crd.spec.names.shortNames.length).toBeGreaterThan(0);
    expect(version.subresources).toEqual({ status: {} });
    expect(version.additionalPrinterColumns.map((c) => c.name)).toEqual(expect.arrayContaining(['Ready', 'Reason', 'Age']));
    const schema = version.schema.openAPIV3Schema;
    const walk = (node: JsonSchema, path: string): void => {
      expect(node.anyOf ?? node.oneOf ?? node.allOf).toBeUndefined();
      if (node.additionalProperties === false) throw new Error(`${path}: additionalProperties false is not allowed`);
      for (const [name, child] of Object.entries((node.properties as Record<string, JsonSchema>) ?? {})) walk(child, `${path}.${name}`);
      if (node.items) walk(node.items as JsonSchema, `${path}[]`);
    };
    walk(schema, def.kind);
    expect(JSON.stringify(schema)).toContain('x-kubernetes-validations');
  });
});

describe('toStructuralSchema', () => {
  test('refuses a field without a description, naming it', () => {
    expect(() => toStructuralSchema(z.object({ spec: z.object({ size: z.number() }).describe('spec') }))).toThrow(/spec.size: has no description/);
  });
  test('refuses unions other than int-or-string, naming the field', () => {
    const schema = z.object({ value: z.union([z.string(), z.object({ a: z.string().describe('a') })]).describe('v') });
    expect(() => toStructuralSchema(schema)).toThrow(StructuralSchemaError);
    expect(() => toStructuralSchema(schema)).toThrow(/value: anyOf cannot be expressed structurally/);
  });
});
