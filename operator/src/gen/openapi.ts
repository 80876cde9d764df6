import { z } from 'zod';

// Turns a zod object into a Kubernetes *structural* OpenAPI v3 schema. Kubernetes forbids some of what
// JSON Schema allows (additionalProperties next to properties, const, anyOf carrying types), so the
// output of z.toJSONSchema is rewritten here, and anything that cannot be made structural is an error
// rather than a silently different CRD.

export type JsonSchema = { [key: string]: unknown };

const SAFE_INT = Number.MAX_SAFE_INTEGER;

export class StructuralSchemaError extends Error {}

export function toStructuralSchema(schema: z.ZodType): JsonSchema {
  const raw = z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'throw' }) as JsonSchema;
  delete raw.$schema;
  const problems: string[] = [];
  const out = rewrite(raw, '', problems);
  if (problems.length > 0) throw new StructuralSchemaError(`schema is not structural:\n  ${problems.join('\n  ')}`);
  return out;
}

function rewrite(node: JsonSchema, path: string, problems: string[]): JsonSchema {
  if (node['x-kubernetes-int-or-string'] === true) {
    // A union of string and number: Kubernetes spells it as one marker instead of anyOf.
    return pick(node, ['description', 'x-kubernetes-int-or-string']);
  }
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'additionalProperties' && value === false) continue;
    if (key === 'const') continue;
    if ((key === 'minimum' && value === -SAFE_INT) || (key === 'maximum' && value === SAFE_INT)) continue;
    if (key === 'anyOf' || key === 'oneOf' || key === 'allOf') {
      problems.push(`${path || '<root>'}: ${key} cannot be expressed structurally; use sibling optional fields with a CEL rule`);
      continue;
    }
    if (key === 'properties') {
      const props: JsonSchema = {};
      for (const [name, child] of Object.entries(value as Record<string, JsonSchema>)) {
        props[name] = rewrite(child, path ? `${path}.${name}` : name, problems);
      }
      out.properties = props;
    } else if (key === 'items') {
      out.items = rewrite(value as JsonSchema, `${path}[]`, problems);
    } else if (key === 'additionalProperties' && typeof value === 'object' && value !== null) {
      out.additionalProperties = rewrite(value as JsonSchema, `${path}{}`, problems);
    } else {
      out[key] = value;
    }
  }
  if (out.type === undefined && out['x-kubernetes-int-or-string'] === undefined && out['x-kubernetes-preserve-unknown-fields'] === undefined) {
    problems.push(`${path || '<root>'}: has no type`);
  }
  // List items and map values are described by the field that holds them.
  const describedByParent = path === '' || path.endsWith('[]') || path.endsWith('{}');
  if (!describedByParent && typeof out.description !== 'string') {
    problems.push(`${path}: has no description (add .describe() in the zod schema; kubectl explain shows it)`);
  }
  return out;
}

function pick(node: JsonSchema, keys: string[]): JsonSchema {
  const out: JsonSchema = {};
  for (const key of keys) if (node[key] !== undefined) out[key] = node[key];
  return out;
}
