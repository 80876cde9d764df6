import {
  SET_OPERATORS, checkConstraintTyping, policyDigest,
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

  const withoutDigest = {
    id: `${policy.metadata.namespace ?? 'default'}/${policy.metadata.name}`,
    generation: Number((policy.metadata as { generation?: number }).generation ?? 0),
    permissions,
    prohibitions,
    obligations,
    odrl: {},
  };
  // Typing errors are reported with paths inside the compiled document; map them back onto the spec.
  for (const problem of checkConstraintTyping({ ...withoutDigest, digest: '' })) {
    errors.push({ path: `spec.${problem.path}`, message: problem.message });
  }
  if (errors.length > 0) return { ok: false, errors };
  const compiled: CompiledPolicy = { ...withoutDigest, digest: '' };
  // The generation is left out of the digest: a change to the description alone must not roll connectors.
  compiled.digest = policyDigest({ ...compiled, generation: 0 });
  return { ok: true, compiled };
}
