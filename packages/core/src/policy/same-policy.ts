// Two policies are the same when they grant, prohibit and oblige the same things: rule and member
// order, nested 'and's, list order and the spelling of an instant do not matter. The connector uses
// this to check that the policy in a consumer's request or in an agreement is the one it offered.
import { canonicalJson } from '../canonical-json/index.js';
import { OPERAND_KINDS, parseInstant } from './operators.js';
import type { CompiledRule, Constraint, ConstraintValue } from './types.js';
import type { PolicyRules } from './typing.js';

interface CanonicalRule {
  action: string;
  constraints: Constraint[];
}

export interface CanonicalPolicyRules {
  permissions: CanonicalRule[];
  prohibitions: CanonicalRule[];
  /** Obligations by action and constraints; the duty kind is derived locally, not agreed. */
  obligations: CanonicalRule[];
}

function byCanonicalText<T>(items: readonly T[]): T[] {
  return items.map((item) => [canonicalJson(item), item] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, item]) => item);
}

/** Sorted by canonical JSON text, duplicates removed: rule lists and and/or members are sets. */
function canonicalSet<T>(items: readonly T[]): T[] {
  const byText = new Map(items.map((item) => [canonicalJson(item), item] as const));
  return byCanonicalText([...byText.values()]);
}

function canonicalValue(c: Extract<Constraint, { leftOperand: unknown }>): ConstraintValue {
  const right = c.rightOperand;
  if (Array.isArray(right)) {
    const unique = [...new Set(right)].sort();
    return (c.operator === 'eq' || c.operator === 'neq') && unique.length === 1 && unique[0] !== undefined ? unique[0] : unique;
  }
  if (OPERAND_KINDS[c.leftOperand] === 'instant' && typeof right === 'string') {
    const ms = parseInstant(right);
    if (ms !== undefined) return new Date(ms).toISOString();
  }
  return right;
}

/** Members of a conjunction with nested 'and's (and single-member groups) spliced in. */
function conjunction(constraints: readonly Constraint[]): Constraint[] {
  return canonicalSet(constraints.flatMap((c) => {
    const canonical = canonicalConstraint(c);
    return 'logic' in canonical && canonical.logic === 'and' ? canonical.constraints : [canonical];
  }));
}

function canonicalConstraint(c: Constraint): Constraint {
  if (!('logic' in c)) return { leftOperand: c.leftOperand, operator: c.operator, rightOperand: canonicalValue(c) };
  if (c.constraints.length === 1 && c.constraints[0]) return canonicalConstraint(c.constraints[0]);
  if (c.logic === 'and') return { logic: 'and', constraints: conjunction(c.constraints) };
  // 'or' is associative, 'xone' is not: (a xone b) xone c differs from xone(a, b, c) when all hold.
  const members = c.constraints.map(canonicalConstraint).flatMap((m) => (c.logic === 'or' && 'logic' in m && m.logic === 'or' ? m.constraints : [m]));
  // A repeated xone member is not redundant: xone(a, a) never holds, so only order is ignored.
  return { logic: c.logic, constraints: c.logic === 'xone' ? byCanonicalText(members) : canonicalSet(members) };
}

function canonicalRule(rule: CompiledRule): CanonicalRule {
  return { action: rule.action, constraints: conjunction(rule.constraints) };
}

export function canonicalPolicyRules(rules: PolicyRules): CanonicalPolicyRules {
  return {
    permissions: canonicalSet(rules.permissions.map(canonicalRule)),
    prohibitions: canonicalSet(rules.prohibitions.map(canonicalRule)),
    obligations: canonicalSet(rules.obligations.map(canonicalRule)),
  };
}

/** Whether two policies (compiled, or parsed from ODRL) have the same rules. */
export function samePolicy(a: PolicyRules, b: PolicyRules): boolean {
  return canonicalJson(canonicalPolicyRules(a)) === canonicalJson(canonicalPolicyRules(b));
}
