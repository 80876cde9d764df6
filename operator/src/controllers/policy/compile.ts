import {
  SET_OPERATORS, assembleCompiledPolicy, checkConstraintTyping,
  type AtomicConstraint as CompiledAtomic, type CompiledDuty, type CompiledPolicy, type CompiledRule, type Constraint as CompiledConstraint,
} from '@musubi/core/policy';
import type { Policy } from '../../api/v1alpha1/index.js';

export interface PolicyCompileError {
  /** Path inside the Policy object, e.g. `spec.permissions[0].constraints[1].value`. */
  path: string;
  message: string;
}

export type PolicyCompileResult = { ok: true; compiled: CompiledPolicy } | { ok: false; errors: PolicyCompileError[] };

type SpecConstraint = NonNullable<Policy['spec']['permissions'][number]['constraints']>[number];
type SpecAtomic = NonNullable<SpecConstraint['or']>[number];

const NUMERIC_OPERANDS = new Set(['count']);

/**
 * Compiles a Policy custom resource into the document connectors evaluate. Pure: the same Policy always
 * gives the same document and digest, so connectors roll only when the meaning changes.
 */
export function compilePolicy(policy: Policy): PolicyCompileResult {
  const errors: PolicyCompileError[] = [];
  const atomic = (c: SpecAtomic, path: string): CompiledAtomic => {
    const isSet = SET_OPERATORS.includes(c.operator);
    let rightOperand: CompiledAtomic['rightOperand'];
    if (isSet) {
      rightOperand = c.values ?? [];
    } else if (NUMERIC_OPERANDS.has(c.leftOperand)) {
      const n = Number(c.value);
      if (c.value === undefined || !Number.isInteger(n) || n < 0) {
        errors.push({ path: `${path}.value`, message: `${c.leftOperand} compares with a whole number: write e.g. "10", got ${JSON.stringify(c.value)}` });
      }
      rightOperand = n;
    } else {
      rightOperand = c.value ?? '';
    }
    return { leftOperand: c.leftOperand, operator: c.operator, rightOperand };
  };
  const constraint = (c: SpecConstraint, path: string): CompiledConstraint => {
    if (c.or) return { logic: 'or', constraints: c.or.map((a, i) => atomic(a, `${path}.or[${i}]`)) };
    if (c.xone) return { logic: 'xone', constraints: c.xone.map((a, i) => atomic(a, `${path}.xone[${i}]`)) };
    return atomic(c as SpecAtomic, path);
  };
  const rule = (r: { action: string; constraints?: SpecConstraint[] | undefined }, path: string): CompiledRule => ({
    action: r.action,
    constraints: (r.constraints ?? []).map((c, i) => constraint(c, `${path}.constraints[${i}]`)),
  });

  const permissions = policy.spec.permissions.map((r, i) => rule(r, `spec.permissions[${i}]`));
  const prohibitions = (policy.spec.prohibitions ?? []).map((r, i) => rule(r, `spec.prohibitions[${i}]`));
  const obligations: CompiledDuty[] = (policy.spec.obligations ?? []).map((d, i) => ({
    ...rule(d, `spec.obligations[${i}]`),
    kind: d.action === 'compensate' ? 'other' : d.action,
  }));

  const content = {
    id: `${policy.metadata.namespace ?? 'default'}/${policy.metadata.name}`,
    generation: Number((policy.metadata as { generation?: number }).generation ?? 0),
    permissions,
    prohibitions,
    obligations,
  };
  const reported = new Set(errors.map((e) => e.path));
  for (const problem of checkConstraintTyping(content)) {
    const path = specPath(problem.path, content);
    if (!reported.has(path)) errors.push({ path, message: problem.message });
  }
  if (errors.length > 0) return { ok: false, errors };
  // assembleCompiledPolicy leaves the generation out of the digest: a changed description alone must
  // not roll every connector that uses the policy.
  return { ok: true, compiled: assembleCompiledPolicy(content) };
}

/**
 * Typing problems come with paths inside the compiled document; users edit the Policy, so translate:
 * a member of a logical constraint is `or[i]`/`xone[i]` there, and the right operand is value/values.
 */
export function specPath(compiledPath: string, content: Pick<CompiledPolicy, 'permissions' | 'prohibitions' | 'obligations'>): string {
  const match = /^(permissions|prohibitions|obligations)\[(\d+)\]\.constraints\[(\d+)\](?:\.constraints\[(\d+)\])?(?:\.(\w+))?$/.exec(compiledPath);
  if (!match) return `spec.${compiledPath}`;
  const [, section, rule, index, member, field] = match;
  const top = content[section as 'permissions'][Number(rule)]?.constraints[Number(index)];
  let path = `spec.${section}[${rule}].constraints[${index}]`;
  let atomic = top;
  if (member !== undefined && top && 'logic' in top) {
    path += `.${top.logic}[${member}]`;
    atomic = top.constraints[Number(member)];
  }
  if (field === 'rightOperand') {
    return `${path}.${atomic && !('logic' in atomic) && SET_OPERATORS.includes(atomic.operator) ? 'values' : 'value'}`;
  }
  return field ? `${path}.${field}` : path;
}
