// ODRL evaluation at the provider's edge: a request is allowed when a permission covering its action
// has all constraints satisfied and no prohibition covering it has all of its constraints satisfied.
// Every refusal says which constraint failed, at which path, and with which of the consumer's values.
import { explainFailure, explainHolding, formatPath } from './explain.js';
import { constraintHolds, operandValue, reportedValue } from './operators.js';
import { checkConstraintTyping } from './typing.js';
import type { AtomicConstraint, CompiledPolicy, CompiledRule, Constraint, PolicyDecision, PolicyDenial, PolicyRequest, VerifiedConsumer } from './types.js';

type Path = readonly (string | number)[];

/** A constraint that does not hold, explained; `atomic` is set when one atomic constraint is to blame. */
interface Failure {
  path: Path;
  atomic?: { constraint: AtomicConstraint; actual: ReturnType<typeof reportedValue> };
  message: string;
}

type Outcome = { holds: true; because: string[] } | { holds: false; failure: Failure };

interface Facts {
  consumer: VerifiedConsumer;
  request: PolicyRequest;
}

/** ODRL's 'use' is the parent of every action, so a rule on 'use' covers whatever is requested. */
export function actionCovers(ruleAction: string, requested: string): boolean {
  return ruleAction === 'use' || ruleAction === requested;
}

export function evaluatePolicy(policy: CompiledPolicy, consumer: VerifiedConsumer, request: PolicyRequest): PolicyDecision {
  // A policy that slipped past validation is refused as a whole rather than half-evaluated: an
  // ill-typed prohibition that silently "does not hold" would open access instead of closing it.
  const typing = checkConstraintTyping(policy);
  if (typing.length > 0) {
    return {
      allowed: false,
      denials: typing.map((issue) => ({
        reason: 'ConstraintNotSatisfied',
        path: issue.path,
        ...(issue.leftOperand && { leftOperand: issue.leftOperand }),
        ...(issue.operator && { operator: issue.operator }),
        message: `policy '${policy.id}' cannot be evaluated and refuses every request until it is fixed: ${issue.message}`,
      })),
    };
  }
  const facts: Facts = { consumer, request };
  const prohibited = policy.prohibitions.flatMap((rule, index) => prohibitionDenial(policy, rule, index, facts) ?? []);

  const candidates = policy.permissions.flatMap((rule, index) => (actionCovers(rule.action, request.action) ? [{ rule, index }] : []));
  if (candidates.length === 0) {
    const granted = [...new Set(policy.permissions.map((p) => p.action))];
    const denial: PolicyDenial = {
      reason: 'NoMatchingPermission',
      path: 'permissions',
      message: `policy '${policy.id}' grants no permission for action '${request.action}' (it grants: ${granted.length > 0 ? granted.join(', ') : 'nothing'})`,
    };
    return { allowed: false, denials: [denial, ...prohibited] };
  }

  const unmet: PolicyDenial[] = [];
  for (const { rule, index } of candidates) {
    const outcome = allHold(rule.constraints, ['permissions', index, 'constraints'], facts);
    if (outcome.holds) {
      if (prohibited.length > 0) return { allowed: false, denials: prohibited };
      return { allowed: true, permissionPath: formatPath(['permissions', index]), duties: [...policy.obligations] };
    }
    unmet.push(toDenial('ConstraintNotSatisfied', outcome.failure, outcome.failure.message));
  }
  return { allowed: false, denials: [...unmet, ...prohibited] };
}

function prohibitionDenial(policy: CompiledPolicy, rule: CompiledRule, index: number, facts: Facts): PolicyDenial | undefined {
  if (!actionCovers(rule.action, facts.request.action)) return undefined;
  const path: Path = ['prohibitions', index];
  const outcome = allHold(rule.constraints, [...path, 'constraints'], facts);
  if (!outcome.holds) return undefined;
  const subject = `policy '${policy.id}' prohibits '${rule.action}'`;
  const message = outcome.because.length === 0 ? `${subject} without condition` : `${subject} here: ${outcome.because.join('; ')}`;
  // Name the single atomic constraint when there is exactly one, so programs can match on it.
  const only = rule.constraints.length === 1 && rule.constraints[0] && !('logic' in rule.constraints[0]) ? rule.constraints[0] : undefined;
  const failure: Failure = only
    ? { path: [...path, 'constraints', 0], atomic: { constraint: only, actual: reportedValue(operandValue(only.leftOperand, facts.consumer, facts.request)) }, message }
    : { path, message };
  return toDenial('Prohibited', failure, message);
}

function toDenial(reason: PolicyDenial['reason'], failure: Failure, message: string): PolicyDenial {
  const denial: PolicyDenial = { reason, path: formatPath(failure.path), message };
  if (failure.atomic) {
    denial.leftOperand = failure.atomic.constraint.leftOperand;
    denial.operator = failure.atomic.constraint.operator;
    denial.expected = failure.atomic.constraint.rightOperand;
    denial.actual = failure.atomic.actual;
  }
  return denial;
}

/** Implicit AND over a rule's constraints (and ODRL's explicit 'and'): the first failure decides. */
function allHold(constraints: readonly Constraint[], at: Path, facts: Facts): Outcome {
  const because: string[] = [];
  for (const [i, c] of constraints.entries()) {
    const outcome = evaluateConstraint(c, [...at, i], facts);
    if (!outcome.holds) return outcome;
    because.push(...outcome.because);
  }
  return { holds: true, because };
}

function evaluateConstraint(c: Constraint, at: Path, facts: Facts): Outcome {
  if (!('logic' in c)) {
    const actual = operandValue(c.leftOperand, facts.consumer, facts.request);
    if (constraintHolds(c, actual)) return { holds: true, because: [explainHolding(c, actual)] };
    return { holds: false, failure: { path: at, atomic: { constraint: c, actual: reportedValue(actual) }, message: explainFailure(c, actual) } };
  }
  const membersAt: Path = [...at, 'constraints'];
  if (c.logic === 'and') return allHold(c.constraints, membersAt, facts);

  const outcomes = c.constraints.map((member, i) => ({ i, outcome: evaluateConstraint(member, [...membersAt, i], facts) }));
  const holding = outcomes.flatMap(({ i, outcome }) => (outcome.holds ? [{ i, because: outcome.because }] : []));
  const failing = outcomes.flatMap(({ outcome }) => (outcome.holds ? [] : [outcome.failure]));
  const first = holding[0];
  if (c.logic === 'or' && first) return { holds: true, because: first.because };
  if (c.logic === 'xone' && first && holding.length === 1) return { holds: true, because: [...first.because, `no other alternative of ${formatPath(at)} holds`] };

  if (holding.length > 1) {
    const which = holding.map(({ i, because }) => `${formatPath([...membersAt, i])} (${because.join('; ')})`);
    return { holds: false, failure: { path: at, message: `exactly one of these alternatives may hold, but ${holding.length} do: ${which.join(' and ')}` } };
  }
  if (failing.length === 1 && failing[0]) return { holds: false, failure: failing[0] };
  const alternatives = failing.map((f) => f.message).join('; or ');
  return { holds: false, failure: { path: at, message: `none of these alternatives holds: ${alternatives}` } };
}
