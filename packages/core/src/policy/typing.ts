// Static checks over a whole policy: every operator/operand pairing and value type, found before any
// request is evaluated, each reported with the JSON path of the constraint that needs fixing.
import { formatPath } from './explain.js';
import { typingProblems, type TypingCode } from './operators.js';
import type { CompiledDuty, CompiledPolicy, CompiledRule, Constraint, ConstraintOperator, LeftOperand } from './types.js';

export type PolicyIssueCode = 'InvalidDocument' | TypingCode | 'EmptyLogicalConstraint' | 'DigestMismatch' | 'OdrlMismatch' | 'UnsupportedOdrl';

/** One thing wrong with a policy document, at a JSON path such as `permissions[0].constraints[1].operator`. */
export interface PolicyIssue {
  code: PolicyIssueCode;
  path: string;
  message: string;
  leftOperand?: LeftOperand;
  operator?: ConstraintOperator;
}

export interface PolicyRules {
  permissions: readonly CompiledRule[];
  prohibitions: readonly CompiledRule[];
  obligations: readonly CompiledDuty[];
}

/** Operator/operand combinations that make no sense, with the path and the fix for each. */
export function checkConstraintTyping(policy: PolicyRules | CompiledPolicy): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  const sections = [['permissions', policy.permissions], ['prohibitions', policy.prohibitions], ['obligations', policy.obligations]] as const;
  for (const [section, rules] of sections) {
    rules.forEach((rule, r) => {
      rule.constraints.forEach((c, i) => checkConstraint(c, [section, r, 'constraints', i], issues));
    });
  }
  return issues;
}

/** Typing issues of one constraint tree rooted at `at` (used for ODRL coming in over the wire too). */
export function checkConstraint(c: Constraint, at: readonly (string | number)[], issues: PolicyIssue[]): void {
  if ('logic' in c) {
    if (c.constraints.length === 0) {
      issues.push({ code: 'EmptyLogicalConstraint', path: formatPath([...at, 'constraints']), message: `an '${c.logic}' constraint needs at least one member constraint` });
    }
    c.constraints.forEach((member, i) => checkConstraint(member, [...at, 'constraints', i], issues));
    return;
  }
  for (const problem of typingProblems(c)) {
    const path = formatPath(problem.at === '' ? at : [...at, problem.at]);
    issues.push({ code: problem.code, path, message: problem.message, leftOperand: c.leftOperand, operator: c.operator });
  }
}
