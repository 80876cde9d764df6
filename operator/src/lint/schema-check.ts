import type { z } from 'zod';
import { evaluate } from '@marcbachmann/cel-js';
import type { KindDefinition } from '../api/v1alpha1/index.js';
import { toStructuralSchema, type JsonSchema } from '../gen/openapi.js';

export interface FieldProblem {
  path: (string | number)[];
  message: string;
}

/**
 * Validates an object against its kind's zod schema and then against the CEL rules of the generated
 * CRD: the very rules the API server enforces, so lint and the cluster cannot disagree. Returns the
 * defaulted object when the schema accepts it.
 */
export function checkAgainstSchema(def: KindDefinition, value: unknown): { problems: FieldProblem[]; parsed?: unknown } {
  const result = def.schema.safeParse(value, { reportInput: true });
  if (!result.success) return { problems: result.error.issues.flatMap(describeIssue) };
  const problems: FieldProblem[] = [];
  checkCelRules(structuralSchemaOf(def), result.data, [], problems);
  return { problems, parsed: result.data };
}

function describeIssue(issue: z.core.$ZodIssue): FieldProblem[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ path: [...path, key], message: `unknown field "${key}": remove it or fix its spelling (kubectl explain lists the fields)` }));
    case 'invalid_type':
      return [{ path, message: issue.input === undefined ? `required field is missing: add ${String(path.at(-1) ?? 'it')}` : `expected ${issue.expected}, got ${typeName(issue.input)}` }];
    case 'invalid_value':
      return [{ path, message: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(issue.input)}` }];
    case 'too_small':
      return [{ path, message: issue.origin === 'array' ? `needs at least ${String(issue.minimum)} item(s)` : issue.origin === 'string' ? `must not be empty${Number(issue.minimum) > 1 ? ` (at least ${String(issue.minimum)} characters)` : ''}` : `must be at least ${String(issue.minimum)}` }];
    case 'too_big':
      return [{ path, message: issue.origin === 'array' ? `allows at most ${String(issue.maximum)} item(s)` : issue.origin === 'string' ? `must be at most ${String(issue.maximum)} characters` : `must be at most ${String(issue.maximum)}` }];
    default:
      return [{ path, message: issue.message }];
  }
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

const structuralSchemas = new Map<string, JsonSchema>();
function structuralSchemaOf(def: KindDefinition): JsonSchema {
  let schema = structuralSchemas.get(def.kind);
  if (!schema) {
    schema = toStructuralSchema(def.schema);
    structuralSchemas.set(def.kind, schema);
  }
  return schema;
}

interface CelRule {
  rule: string;
  message: string;
}

function checkCelRules(schema: JsonSchema, value: unknown, path: (string | number)[], problems: FieldProblem[]): void {
  if (value === undefined || value === null) return;
  for (const { rule, message } of (schema['x-kubernetes-validations'] as CelRule[] | undefined) ?? []) {
    // Transition rules need the stored object; only the API server can check them.
    if (rule.includes('oldSelf')) continue;
    let holds: unknown;
    try {
      holds = evaluate(rule, { self: toCelValue(value) });
    } catch {
      // An evaluation error means the object does not have the shape the rule expects; the
      // rule's own message explains the constraint better than the evaluator's error would.
      holds = false;
    }
    if (holds !== true) problems.push({ path, message });
  }
  const properties = schema.properties as Record<string, JsonSchema> | undefined;
  if (properties && typeof value === 'object' && !Array.isArray(value)) {
    for (const [name, child] of Object.entries(properties)) checkCelRules(child, (value as Record<string, unknown>)[name], [...path, name], problems);
  }
  const items = schema.items as JsonSchema | undefined;
  if (items && Array.isArray(value)) value.forEach((item, i) => checkCelRules(items, item, [...path, i], problems));
}

// CEL distinguishes int from double; Kubernetes hands integers to CEL as int, so do the same.
function toCelValue(value: unknown): unknown {
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (Array.isArray(value)) return value.map(toCelValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toCelValue(v)]));
  }
  return value;
}
