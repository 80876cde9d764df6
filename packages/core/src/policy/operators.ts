// What each left operand is (a set of names, a single name, an instant, a count), which operators make
// sense for it, and how a constraint is decided once the consumer's value is known. The typing rules
// live here, next to the comparison they protect, so the two cannot drift apart.
import { CREDENTIAL_TYPES, RELATIONSHIP_TYPES } from '../vocabulary/index.js';
import type { AtomicConstraint, ConstraintOperator, ConstraintValue, LeftOperand, PolicyRequest, VerifiedConsumer } from './types.js';

export type OperandKind = 'set' | 'name' | 'instant' | 'count';

export type SetOperand = 'credentialType' | 'issuerAnchor' | 'jurisdiction' | 'identifierScheme' | 'memberRole' | 'relationship' | 'membership';
export type NameOperand = 'consumerCountry' | 'purpose';

export const OPERAND_KINDS: Readonly<Record<LeftOperand, OperandKind>> = {
  credentialType: 'set',
  issuerAnchor: 'set',
  jurisdiction: 'set',
  identifierScheme: 'set',
  memberRole: 'set',
  relationship: 'set',
  membership: 'set',
  consumerCountry: 'name',
  purpose: 'name',
  dateTime: 'instant',
  count: 'count',
};

/** Operators that are meaningful for each operand kind; anything else is a typing error. */
export const OPERATORS_BY_KIND: Readonly<Record<OperandKind, readonly ConstraintOperator[]>> = {
  set: ['eq', 'neq', 'isAnyOf', 'isAllOf', 'isNoneOf'],
  // A consumer has one country and declares one purpose, so "all of" could only hold for one value.
  name: ['eq', 'neq', 'isAnyOf', 'isNoneOf'],
  // The evaluation instant never equals a policy instant in practice; windows are built from bounds.
  instant: ['gt', 'gteq', 'lt', 'lteq'],
  count: ['eq', 'neq', 'gt', 'gteq', 'lt', 'lteq'],
};

const LIST_OPERATORS: readonly ConstraintOperator[] = ['isAnyOf', 'isAllOf', 'isNoneOf'];
const ORDER_OPERATORS: readonly ConstraintOperator[] = ['gt', 'gteq', 'lt', 'lteq'];

/** The consumer's value for a left operand; `null` when the consumer did not present it. */
export type OperandValue =
  | { kind: 'set'; values: readonly string[] }
  | { kind: 'name'; value: string | null }
  | { kind: 'instant'; epochMs: number; iso: string }
  | { kind: 'count'; value: number };

export function operandValue(leftOperand: LeftOperand, consumer: VerifiedConsumer, request: PolicyRequest): OperandValue {
  switch (leftOperand) {
    case 'credentialType': return { kind: 'set', values: consumer.credentialTypes };
    case 'issuerAnchor': return { kind: 'set', values: consumer.issuerAnchors };
    case 'jurisdiction': return { kind: 'set', values: consumer.jurisdictions };
    case 'identifierScheme': return { kind: 'set', values: consumer.identifierSchemes };
    case 'memberRole': return { kind: 'set', values: consumer.memberRoles };
    case 'relationship': return { kind: 'set', values: consumer.relationships };
    case 'membership': return { kind: 'set', values: consumer.memberships };
    case 'consumerCountry': return { kind: 'name', value: consumer.country ?? null };
    case 'purpose': return { kind: 'name', value: request.purpose ?? null };
    case 'dateTime': return { kind: 'instant', epochMs: request.now.getTime(), iso: request.now.toISOString() };
    case 'count': return { kind: 'count', value: request.usageCount };
  }
}

/** The value as a PolicyDenial reports it. */
export function reportedValue(value: OperandValue): ConstraintValue | null {
  switch (value.kind) {
    case 'set': return [...value.values];
    case 'name': return value.value;
    case 'instant': return value.iso;
    case 'count': return value.value;
  }
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * Epoch milliseconds of an ISO 8601 / xsd:dateTime instant, or undefined when the text is not one.
 * An offset is required: without it the instant depends on where the connector runs.
 */
export function parseInstant(text: string): number | undefined {
  const m = DATE_TIME.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  const millis = Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3));
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  const local = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  // Date.UTC rolls 31 February over into March; a real calendar day survives the round trip.
  if (new Date(local).getUTCDate() !== day || year < 1) return undefined;
  let offsetMinutes = 0;
  if (m[8] !== 'Z') {
    const offsetHours = Number(m[10]);
    const offsetMins = Number(m[11]);
    if (offsetHours > 14 || offsetMins > 59 || (offsetHours === 14 && offsetMins > 0)) return undefined;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  return local - offsetMinutes * 60_000;
}

export type TypingCode = 'OperatorNotApplicable' | 'RightOperandType' | 'InvalidDateTime' | 'UnknownValue' | 'EmptyList';

export interface TypingProblem {
  code: TypingCode;
  /** Path relative to the constraint: '' for the constraint itself, 'rightOperand' or 'rightOperand[2]'. */
  at: '' | 'operator' | 'rightOperand' | `rightOperand[${number}]`;
  message: string;
}

const COUNTRY = /^[A-Z]{2}$/;

/** Everything wrong with how an atomic constraint combines its operand, operator and value. */
export function typingProblems(c: AtomicConstraint): TypingProblem[] {
  const kind = OPERAND_KINDS[c.leftOperand];
  const allowed = OPERATORS_BY_KIND[kind];
  if (!allowed.includes(c.operator)) {
    return [{ code: 'OperatorNotApplicable', at: 'operator', message: operatorMisfit(c.leftOperand, kind, c.operator, allowed) }];
  }
  const right = c.rightOperand;
  switch (kind) {
    case 'set':
    case 'name': {
      if (LIST_OPERATORS.includes(c.operator)) {
        if (!Array.isArray(right)) {
          return [{ code: 'RightOperandType', at: 'rightOperand', message: `${c.operator} on ${c.leftOperand} compares against a list; write rightOperand as a list of strings, e.g. [${JSON.stringify(right)}]` }];
        }
        if (right.length === 0) {
          return [{ code: 'EmptyList', at: 'rightOperand', message: `${c.operator} on ${c.leftOperand} with an empty list ${emptyListMeaning(c.operator)}; list at least one value` }];
        }
        return right.flatMap((value, i) => valueProblems(c.leftOperand, value, `rightOperand[${i}]`));
      }
      if (typeof right !== 'string') {
        const hint = Array.isArray(right) ? `; to compare with a list use ${kind === 'set' ? 'isAnyOf or isAllOf' : 'isAnyOf'}` : '';
        return [{ code: 'RightOperandType', at: 'rightOperand', message: `${c.operator} on ${c.leftOperand} compares against one string, got ${describeValue(right)}${hint}` }];
      }
      return valueProblems(c.leftOperand, right, 'rightOperand');
    }
    case 'instant':
      if (typeof right !== 'string' || parseInstant(right) === undefined) {
        return [{ code: 'InvalidDateTime', at: 'rightOperand', message: `dateTime compares ISO 8601 instants; ${describeValue(right)} is not one — write a date-time with an offset, e.g. "2026-04-01T00:00:00Z" or "2026-04-01T09:00:00+09:00"` }];
      }
      return [];
    case 'count':
      if (typeof right !== 'number' || !Number.isSafeInteger(right) || right < 0) {
        const hint = typeof right === 'string' && /^\d+$/.test(right) ? ` — write ${right} without quotes` : '';
        return [{ code: 'RightOperandType', at: 'rightOperand', message: `count compares numbers of completed transfers; rightOperand must be a whole number ≥ 0, got ${describeValue(right)}${hint}` }];
      }
      return [];
  }
}

function valueProblems(leftOperand: LeftOperand, value: string, at: TypingProblem['at']): TypingProblem[] {
  const problem = (message: string): TypingProblem[] => [{ code: 'UnknownValue', at, message }];
  if (value.length === 0) return problem(`${leftOperand} value must not be empty`);
  switch (leftOperand) {
    case 'relationship':
      return (RELATIONSHIP_TYPES as readonly string[]).includes(value) ? [] : problem(`'${value}' is not a relationship type Musubi knows; use one of ${RELATIONSHIP_TYPES.join(', ')}`);
    case 'credentialType':
      return (CREDENTIAL_TYPES as readonly string[]).includes(value) ? [] : problem(`'${value}' is not a credential type Musubi verifies; use one of ${CREDENTIAL_TYPES.join(', ')}`);
    case 'consumerCountry':
    case 'jurisdiction':
      return COUNTRY.test(value) ? [] : problem(`${leftOperand} values are ISO 3166-1 alpha-2 codes (or EU) in upper case, got '${value}'${/^[a-z]{2}$/i.test(value) ? ` — write '${value.toUpperCase()}'` : ''}`);
    case 'issuerAnchor':
      return /^did:[a-z0-9]+:\S+$/.test(value) ? [] : problem(`issuerAnchor values are trust anchor DIDs (did:<method>:<id>), got '${value}'`);
    default:
      return [];
  }
}

function operatorMisfit(leftOperand: LeftOperand, kind: OperandKind, operator: ConstraintOperator, allowed: readonly ConstraintOperator[]): string {
  const use = `use one of ${allowed.join(', ')}`;
  if (kind === 'set' && ORDER_OPERATORS.includes(operator)) {
    return `${operator} orders values, but ${leftOperand} is a set of names that has no order; ${use}`;
  }
  if (kind === 'name' && ORDER_OPERATORS.includes(operator)) return `${operator} orders values, but ${leftOperand} is a name that has no order; ${use}`;
  if (kind === 'name') return `${leftOperand} has a single value, so isAllOf could only hold for one listed value; use eq (one value) or isAnyOf (alternatives)`;
  if (kind === 'instant' && (operator === 'eq' || operator === 'neq')) {
    return `${operator} on dateTime would compare the evaluation instant to the millisecond; express a time window with gteq (from) and lt (until) instead`;
  }
  return `${operator} compares against a list of names, but ${leftOperand} is ${kind === 'instant' ? 'an instant' : 'a number'}; ${use}`;
}

function emptyListMeaning(operator: ConstraintOperator): string {
  return operator === 'isAnyOf' ? 'can never hold' : 'always holds';
}

function describeValue(value: ConstraintValue): string {
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (Array.isArray(value)) return `the list ${JSON.stringify(value)}`;
  return `the ${typeof value} ${String(value)}`;
}

/**
 * Whether a well-typed constraint holds for the consumer's value. A value the consumer did not
 * present satisfies no constraint: nothing is assumed about facts that were not verified.
 */
export function constraintHolds(c: AtomicConstraint, actual: OperandValue): boolean {
  const right = c.rightOperand;
  switch (actual.kind) {
    case 'set': {
      const held = new Set(actual.values);
      return setHolds(c.operator, held, right);
    }
    case 'name':
      if (actual.value === null) return false;
      return setHolds(c.operator, new Set([actual.value]), right);
    case 'instant': {
      const bound = typeof right === 'string' ? parseInstant(right) : undefined;
      return bound !== undefined && orderHolds(c.operator, actual.epochMs, bound);
    }
    case 'count':
      return typeof right === 'number' && orderHolds(c.operator, actual.value, right);
  }
}

function setHolds(operator: ConstraintOperator, held: ReadonlySet<string>, right: ConstraintValue): boolean {
  const listed = Array.isArray(right) ? right : [String(right)];
  switch (operator) {
    case 'eq': return typeof right === 'string' && held.has(right);
    case 'neq': return typeof right === 'string' && !held.has(right);
    case 'isAnyOf': return listed.some((v) => held.has(v));
    case 'isAllOf': return listed.every((v) => held.has(v));
    case 'isNoneOf': return !listed.some((v) => held.has(v));
    default: return false;
  }
}

function orderHolds(operator: ConstraintOperator, left: number, right: number): boolean {
  switch (operator) {
    case 'eq': return left === right;
    case 'neq': return left !== right;
    case 'gt': return left > right;
    case 'gteq': return left >= right;
    case 'lt': return left < right;
    case 'lteq': return left <= right;
    default: return false;
  }
}
