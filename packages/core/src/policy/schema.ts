// The compiled policy document as the connector reads it from a mounted file: shape (zod), typing of
// every constraint, the digest over its content, and agreement between its rules and its ODRL form.
// A corrupt document is rejected with every problem named by its JSON path.
import { z } from 'zod';
import { DIGEST_PATTERN, policyDigest } from './digest.js';
import { formatPath } from './explain.js';
import { fromOdrlPolicy } from './odrl-parse.js';
import { samePolicy } from './same-policy.js';
import { checkConstraintTyping, type PolicyIssue } from './typing.js';
import { CONSTRAINT_OPERATORS, LEFT_OPERANDS, type CompiledPolicy, type Constraint } from './types.js';

const atomicConstraintSchema = z.strictObject({
  // Present only so the union can tell the two constraint shapes apart by this key.
  logic: z.undefined().optional(),
  leftOperand: z.enum(LEFT_OPERANDS, { error: () => `leftOperand must be one of ${LEFT_OPERANDS.join(', ')}` }),
  operator: z.enum(CONSTRAINT_OPERATORS, { error: () => `operator must be one of ${CONSTRAINT_OPERATORS.join(', ')}` }),
  rightOperand: z.union([z.string(), z.number(), z.boolean(), z.array(z.string())], {
    error: () => 'rightOperand must be a string, a number, a boolean or a list of strings',
  }),
});

const logicalConstraintSchema = z.strictObject({
  logic: z.enum(['and', 'or', 'xone'], { error: () => 'logic must be one of and, or, xone' }),
  get constraints() {
    return z.array(constraintSchema).min(1, { error: 'a logical constraint needs at least one member constraint' });
  },
});

const constraintSchema: z.ZodType<Constraint> = z.discriminatedUnion('logic', [logicalConstraintSchema, atomicConstraintSchema], {
  error: () => 'logic must be one of and, or, xone (or absent for an atomic constraint)',
});

const action = z.string().min(1, { error: 'action must name an ODRL action, e.g. use' });

const ruleSchema = z.strictObject({ action, constraints: z.array(constraintSchema) });

const dutySchema = z.strictObject({
  action,
  constraints: z.array(constraintSchema),
  kind: z.enum(['delete', 'notify', 'anonymize', 'inform', 'other'], { error: () => 'kind must be one of delete, notify, anonymize, inform, other' }),
});

const DNS_LABEL = '[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?';

export const compiledPolicySchema = z.strictObject({
  id: z.string().regex(new RegExp(`^${DNS_LABEL}/${DNS_LABEL}(\\.${DNS_LABEL})*$`), { error: 'id must be <namespace>/<name> of the Policy resource' }),
  generation: z.number().int().nonnegative({ error: 'generation must be a whole number ≥ 0' }),
  digest: z.string().regex(DIGEST_PATTERN, { error: 'digest must be sha256:<64 lower-case hex digits>' }),
  permissions: z.array(ruleSchema).min(1, { error: 'a policy without permissions grants nothing; add at least one permission' }),
  prohibitions: z.array(ruleSchema),
  obligations: z.array(dutySchema),
  odrl: z.record(z.string(), z.unknown()),
}) satisfies z.ZodType<CompiledPolicy>;

export type PolicyValidation = { ok: true; policy: CompiledPolicy } | { ok: false; issues: PolicyIssue[] };

/** Checks a compiled policy document read from outside (e.g. a mounted file). */
export function validateCompiledPolicy(doc: unknown): PolicyValidation {
  const parsed = compiledPolicySchema.safeParse(doc);
  if (!parsed.success) {
    return { ok: false, issues: parsed.error.issues.map((issue) => documentIssue(issue, doc)) };
  }
  const policy: CompiledPolicy = parsed.data;
  const issues = checkConstraintTyping(policy);
  const expected = policyDigest(policy);
  if (expected !== policy.digest) {
    issues.push({
      code: 'DigestMismatch',
      path: 'digest',
      message: `digest ${policy.digest} does not match the document's content (${expected}); the file is corrupt or was edited — let the operator recompile the Policy`,
    });
  }
  issues.push(...odrlAgreementIssues(policy));
  return issues.length > 0 ? { ok: false, issues } : { ok: true, policy };
}

function documentIssue(issue: z.core.$ZodIssue, doc: unknown): PolicyIssue {
  const segments = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  const path = formatPath(segments);
  const last = segments.at(-1);
  // zod's own wording for an absent field ("expected string, received undefined") hides the point.
  if (issue.code === 'invalid_type' && last !== undefined && valueAt(doc, segments) === undefined) {
    return { code: 'InvalidDocument', path, message: `${String(last)} is required (${issue.expected})` };
  }
  return { code: 'InvalidDocument', path, message: issue.message };
}

function valueAt(doc: unknown, segments: readonly (string | number)[]): unknown {
  let node = doc;
  for (const segment of segments) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

/** The ODRL form is what consumers see in the catalogue; it must say what the connector enforces. */
function odrlAgreementIssues(policy: CompiledPolicy): PolicyIssue[] {
  const parsed = fromOdrlPolicy(policy.odrl);
  if (!parsed.ok) return parsed.issues.map((issue) => ({ ...issue, path: issue.path ? `odrl.${issue.path}` : 'odrl' }));
  if (samePolicy(parsed.policy, policy)) return [];
  return [{ code: 'OdrlMismatch', path: 'odrl', message: 'odrl does not state the same rules as permissions/prohibitions/obligations; regenerate it with toOdrlPolicyBody' }];
}

export class CompiledPolicyError extends Error {
  constructor(
    readonly source: string,
    readonly issues: readonly PolicyIssue[],
  ) {
    super(`compiled policy ${source} is invalid:\n${issues.map((i) => `  ${i.path || '(document)'}: ${i.message}`).join('\n')}`);
    this.name = 'CompiledPolicyError';
  }
}

/** validateCompiledPolicy for callers that stop on a bad document; `source` names it in the error. */
export function parseCompiledPolicy(doc: unknown, source: string): CompiledPolicy {
  const result = validateCompiledPolicy(doc);
  if (!result.ok) throw new CompiledPolicyError(source, result.issues);
  return result.policy;
}
