// Reads an ODRL policy that arrived over DSP (an offer echoed in a contract request, an agreement)
// back into Musubi constraints, so the connector can compare it with the policy it offered. Anything
// Musubi would not evaluate the same way is an issue with its path, never silently dropped.
import { formatPath } from './explain.js';
import { OPERAND_KINDS, typingProblems } from './operators.js';
import { dutyKindOf, ODRL_ACTIONS, ODRL_CORE_OPERANDS, ODRL_NAMESPACE } from './odrl.js';
import { CONSTRAINT_OPERATORS, LEFT_OPERANDS, POLICY_NAMESPACE } from './types.js';
import type { AtomicConstraint, CompiledDuty, CompiledRule, Constraint, ConstraintOperator, ConstraintValue, LeftOperand } from './types.js';
import type { PolicyIssue, PolicyRules } from './typing.js';

export interface OdrlPolicy extends PolicyRules {
  id?: string;
  type?: string;
  target?: string;
  assigner?: string;
  assignee?: string;
  permissions: CompiledRule[];
  prohibitions: CompiledRule[];
  obligations: CompiledDuty[];
}

export type OdrlParseResult = { ok: true; policy: OdrlPolicy } | { ok: false; issues: PolicyIssue[] };

type Path = readonly (string | number)[];
type Json = Record<string, unknown>;

const RULE_KEYS = new Set(['@id', '@type', 'action', 'constraint', 'uid']);
const CONSTRAINT_KEYS = new Set(['@id', '@type', 'uid', 'leftOperand', 'operator', 'rightOperand']);
const LOGIC_KEYS = ['and', 'or', 'xone', 'andSequence'] as const;
// Policy-level ODRL properties that would change what the rules mean.
const SEMANTIC_POLICY_KEYS = ['inheritFrom', 'conflict'];

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class Reader {
  readonly issues: PolicyIssue[] = [];

  problem(code: PolicyIssue['code'], at: Path, message: string): undefined {
    this.issues.push({ code, path: formatPath(at), message });
    return undefined;
  }

  /** JSON-LD allows a single value where a set is meant, and @list wrappers around ordered ones. */
  many(value: unknown): unknown[] {
    if (isObject(value) && Array.isArray(value['@list'])) return value['@list'] as unknown[];
    return Array.isArray(value) ? value : [value];
  }

  /** An IRI-valued property: a string or a node reference {"@id": ...}. */
  reference(value: unknown, at: Path): string | undefined {
    if (typeof value === 'string') return value;
    if (isObject(value) && typeof value['@id'] === 'string') return value['@id'];
    return this.problem('InvalidDocument', at, `expected an IRI (a string or {"@id": ...}), got ${JSON.stringify(value)}`);
  }

  action(value: unknown, at: Path): string | undefined {
    if (isObject(value) && ('refinement' in value || 'rdf:value' in value)) {
      return this.problem('UnsupportedOdrl', at, 'actions with refinements are not supported; express the condition as a constraint of the rule');
    }
    const term = this.reference(value, at);
    if (term === undefined) return undefined;
    for (const prefix of ['odrl:', ODRL_NAMESPACE]) {
      if (term.startsWith(prefix) && ODRL_ACTIONS.includes(term.slice(prefix.length))) return term.slice(prefix.length);
    }
    if (term.startsWith(POLICY_NAMESPACE)) return term.slice(POLICY_NAMESPACE.length);
    return term;
  }

  leftOperand(value: unknown, at: Path): LeftOperand | undefined {
    const term = this.reference(value, at);
    if (term === undefined) return undefined;
    const known = (name: string): LeftOperand | undefined => (LEFT_OPERANDS as readonly string[]).includes(name) ? (name as LeftOperand) : undefined;
    const odrlName = ['odrl:', ODRL_NAMESPACE, ''].map((prefix) => (term.startsWith(prefix) ? known(term.slice(prefix.length)) : undefined)).find((n) => n !== undefined);
    if (odrlName && ODRL_CORE_OPERANDS.includes(odrlName)) return odrlName;
    const musubiName = term.startsWith(POLICY_NAMESPACE) ? known(term.slice(POLICY_NAMESPACE.length)) : undefined;
    if (musubiName && !ODRL_CORE_OPERANDS.includes(musubiName)) return musubiName;
    const musubiOperands = LEFT_OPERANDS.filter((o) => !ODRL_CORE_OPERANDS.includes(o));
    const hint = musubiOperands.includes(term as LeftOperand) ? `; write it as ${POLICY_NAMESPACE}${term}` : '';
    return this.problem('UnsupportedOdrl', at, `leftOperand '${term}' is not one Musubi evaluates${hint} (known: ${ODRL_CORE_OPERANDS.map((o) => `odrl:${o}`).join(', ')}, ${musubiOperands.map((o) => `${POLICY_NAMESPACE}${o}`).join(', ')})`);
  }

  operator(value: unknown, at: Path): ConstraintOperator | undefined {
    const term = this.reference(value, at);
    if (term === undefined) return undefined;
    const name = term.replace(/^odrl:/, '').replace(ODRL_NAMESPACE, '');
    if ((CONSTRAINT_OPERATORS as readonly string[]).includes(name)) return name as ConstraintOperator;
    return this.problem('UnsupportedOdrl', at, `operator '${term}' is not supported; use one of ${CONSTRAINT_OPERATORS.join(', ')}`);
  }

  /** A literal: plain JSON, a typed value {"@value": ...}, or an IRI {"@id": ...}. */
  literal(value: unknown, at: Path): string | number | boolean | undefined {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
    if (isObject(value)) {
      const inner = value['@value'] ?? value['@id'];
      if (typeof inner === 'string' || typeof inner === 'number' || typeof inner === 'boolean') return inner;
    }
    return this.problem('InvalidDocument', at, `expected a literal value, got ${JSON.stringify(value)}`);
  }

  rightOperand(value: unknown, leftOperand: LeftOperand, operator: ConstraintOperator, at: Path): ConstraintValue | undefined {
    const kind = OPERAND_KINDS[leftOperand];
    const items = this.many(value).map((item, i) => this.literal(item, Array.isArray(value) ? [...at, i] : at));
    if (items.some((item) => item === undefined)) return undefined;
    const literals = items as (string | number | boolean)[];
    if ((kind === 'set' || kind === 'name') && ['isAnyOf', 'isAllOf', 'isNoneOf'].includes(operator)) {
      return literals.map(String);
    }
    if (literals.length !== 1) return this.problem('InvalidDocument', at, `${operator} on ${leftOperand} takes one value, got ${literals.length}`);
    const single = literals[0] as string | number | boolean;
    if (kind === 'count' && typeof single === 'string' && /^\d+$/.test(single)) return Number(single);
    return single;
  }

  constraint(value: unknown, at: Path): Constraint | undefined {
    if (!isObject(value)) return this.problem('InvalidDocument', at, 'a constraint must be an object');
    const logic = LOGIC_KEYS.filter((key) => key in value);
    if (logic.length > 0) return this.logical(value, logic, at);
    const extra = Object.keys(value).filter((key) => !CONSTRAINT_KEYS.has(key));
    if (extra.length > 0) {
      return this.problem('UnsupportedOdrl', at, `constraint properties ${extra.join(', ')} are not supported; Musubi constraints have leftOperand, operator and rightOperand only`);
    }
    for (const key of ['leftOperand', 'operator', 'rightOperand']) {
      if (!(key in value)) return this.problem('InvalidDocument', [...at, key], `a constraint needs ${key}`);
    }
    const leftOperand = this.leftOperand(value.leftOperand, [...at, 'leftOperand']);
    const operator = this.operator(value.operator, [...at, 'operator']);
    if (!leftOperand || !operator) return undefined;
    const rightOperand = this.rightOperand(value.rightOperand, leftOperand, operator, [...at, 'rightOperand']);
    if (rightOperand === undefined) return undefined;
    const atomic: AtomicConstraint = { leftOperand, operator, rightOperand };
    for (const problem of typingProblems(atomic)) {
      const relative = problem.at === '' ? [] : [problem.at];
      this.issues.push({ code: problem.code, path: formatPath([...at, ...relative]), message: problem.message, leftOperand, operator });
    }
    return atomic;
  }

  logical(value: Json, logic: readonly (typeof LOGIC_KEYS)[number][], at: Path): Constraint | undefined {
    const [key] = logic;
    if (logic.length > 1 || key === undefined) return this.problem('InvalidDocument', at, `a logical constraint has exactly one of and, or, xone; got ${logic.join(', ')}`);
    if (key === 'andSequence') return this.problem('UnsupportedOdrl', [...at, key], `andSequence is not supported; use and`);
    const members = this.many(value[key]).map((member, i) => this.constraint(member, [...at, key, i]));
    if (members.length === 0) return this.problem('EmptyLogicalConstraint', [...at, key], `an '${key}' constraint needs at least one member constraint`);
    if (members.some((m) => m === undefined)) return undefined;
    return { logic: key, constraints: members as Constraint[] };
  }

  rule(value: unknown, at: Path): CompiledRule | undefined {
    if (!isObject(value)) return this.problem('InvalidDocument', at, 'a rule must be an object');
    if ('duty' in value) return this.problem('UnsupportedOdrl', [...at, 'duty'], 'duties attached to a permission are not supported; Musubi states duties as policy obligations');
    const extra = Object.keys(value).filter((key) => !RULE_KEYS.has(key));
    if (extra.length > 0) return this.problem('UnsupportedOdrl', at, `rule properties ${extra.join(', ')} are not supported (a rule has action and constraint)`);
    if (!('action' in value)) return this.problem('InvalidDocument', [...at, 'action'], 'a rule needs an action');
    const action = this.action(value.action, [...at, 'action']);
    const raw = 'constraint' in value ? this.many(value.constraint) : [];
    const constraints = raw.map((c, i) => this.constraint(c, [...at, 'constraint', i]));
    if (action === undefined || constraints.some((c) => c === undefined)) return undefined;
    return { action, constraints: constraints as Constraint[] };
  }

  rules(policy: Json, key: 'permission' | 'prohibition' | 'obligation'): CompiledRule[] {
    if (!(key in policy)) return [];
    return this.many(policy[key]).flatMap((rule, i) => this.rule(rule, [key, i]) ?? []);
  }
}

/** Parses a compacted ODRL policy (Offer, Agreement or a bare policy body) into Musubi rules. */
export function fromOdrlPolicy(jsonld: unknown): OdrlParseResult {
  const reader = new Reader();
  if (!isObject(jsonld)) {
    return { ok: false, issues: [{ code: 'InvalidDocument', path: '', message: 'an ODRL policy must be a JSON object' }] };
  }
  for (const key of SEMANTIC_POLICY_KEYS) {
    if (key in jsonld) reader.problem('UnsupportedOdrl', [key], `${key} is not supported; send the complete policy`);
  }
  const policy: OdrlPolicy = {
    permissions: reader.rules(jsonld, 'permission'),
    prohibitions: reader.rules(jsonld, 'prohibition'),
    obligations: reader.rules(jsonld, 'obligation').map((duty) => ({ ...duty, kind: dutyKindOf(duty.action) })),
  };
  for (const key of ['@id', '@type', 'target', 'assigner', 'assignee'] as const) {
    if (!(key in jsonld)) continue;
    const value = reader.reference(jsonld[key], [key]);
    if (value === undefined) continue;
    const field = key === '@id' ? 'id' : key === '@type' ? 'type' : key;
    policy[field] = key === '@type' ? value.replace(/^odrl:/, '').replace(ODRL_NAMESPACE, '') : value;
  }
  return reader.issues.length > 0 ? { ok: false, issues: reader.issues } : { ok: true, policy };
}

