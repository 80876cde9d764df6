// Sentences a person can act on, for a constraint that failed (why access was refused) or held (why a
// prohibition applies). They name the consumer's actual facts so the reader knows what to change.
import type { NameOperand, OperandValue, SetOperand } from './operators.js';
import type { AtomicConstraint, ConstraintOperator, ConstraintValue } from './types.js';

/** `permissions[0].constraints[1]` from ['permissions', 0, 'constraints', 1]. */
export function formatPath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

interface SetWording {
  has(value: string): string;
  lacks(value: string): string;
  /** Plural noun for listing values, e.g. "relationships with this provider". */
  plural: string;
}

const SET_WORDING: Readonly<Record<SetOperand, SetWording>> = {
  relationship: {
    has: (v) => `consumer holds a '${v}' relationship with this provider`,
    lacks: (v) => `consumer holds no '${v}' relationship with this provider`,
    plural: 'relationships with this provider',
  },
  credentialType: {
    has: (v) => `consumer presented a verified '${v}'`,
    lacks: (v) => `consumer presented no verified '${v}'`,
    plural: 'verified credential types',
  },
  issuerAnchor: {
    has: (v) => `consumer is vouched for by trust anchor '${v}'`,
    lacks: (v) => `consumer is not vouched for by trust anchor '${v}'`,
    plural: 'vouching trust anchors',
  },
  jurisdiction: {
    has: (v) => `consumer is vouched for by a trust anchor of jurisdiction '${v}'`,
    lacks: (v) => `consumer is vouched for by no trust anchor of jurisdiction '${v}'`,
    plural: 'trust anchor jurisdictions',
  },
  identifierScheme: {
    has: (v) => `consumer has a verified '${v}' identifier`,
    lacks: (v) => `consumer has no verified '${v}' identifier`,
    plural: 'verified identifier schemes',
  },
  memberRole: {
    has: (v) => `the acting employee holds role '${v}'`,
    lacks: (v) => `no employee credential with role '${v}' was presented`,
    plural: 'employee roles',
  },
  membership: {
    has: (v) => `consumer is a member of dataspace '${v}'`,
    lacks: (v) => `consumer is not a member of dataspace '${v}'`,
    plural: 'dataspace memberships',
  },
};

interface NameWording {
  noun: string;
  stated(value: string): string;
  missing: string;
}

const NAME_WORDING: Readonly<Record<NameOperand, NameWording>> = {
  purpose: {
    noun: 'purpose',
    stated: (v) => `consumer declared purpose '${v}'`,
    missing: 'consumer declared no purpose (declare one with the request)',
  },
  consumerCountry: {
    noun: 'country',
    stated: (v) => `consumer's legal-person credential states country '${v}'`,
    missing: `consumer presented no LegalPersonCredential stating its country`,
  },
};

function quoted(values: readonly string[]): string {
  return values.map((v) => `'${v}'`).join(', ');
}

function held(values: readonly string[]): string {
  return `(has: ${values.length === 0 ? 'none' : values.join(', ')})`;
}

function asList(right: ConstraintValue): string[] {
  return Array.isArray(right) ? right : [String(right)];
}

/** Why a well-typed atomic constraint does not hold for the consumer's value. */
export function explainFailure(c: AtomicConstraint, actual: OperandValue): string {
  const right = c.rightOperand;
  switch (actual.kind) {
    case 'set': {
      const w = SET_WORDING[c.leftOperand as SetOperand];
      const values = actual.values;
      const listed = asList(right);
      switch (c.operator) {
        case 'eq': return `${w.lacks(String(right))} ${held(values)}`;
        case 'neq': return `${w.has(String(right))}, which this rule excludes`;
        case 'isAnyOf': return `consumer has none of the accepted ${w.plural}: ${quoted(listed)} ${held(values)}`;
        case 'isAllOf': {
          const missing = listed.filter((v) => !values.includes(v));
          return `consumer lacks the required ${w.plural} ${quoted(missing)} ${held(values)}; all of ${quoted(listed)} are required`;
        }
        default: return `consumer has the excluded ${w.plural} ${quoted(listed.filter((v) => values.includes(v)))}, which this rule excludes`;
      }
    }
    case 'name': {
      const w = NAME_WORDING[c.leftOperand as NameOperand];
      const state = actual.value === null ? w.missing : w.stated(actual.value);
      switch (c.operator) {
        case 'eq': return `${state}; this rule requires ${w.noun} '${String(right)}'`;
        case 'isAnyOf': return `${state}; this rule requires one of the ${w.noun} values ${quoted(asList(right))}`;
        case 'neq': return actual.value === null ? `${state}; this rule requires a ${w.noun} other than '${String(right)}'` : `${state}, which this rule excludes`;
        default: return actual.value === null ? `${state}; this rule requires a ${w.noun} outside ${quoted(asList(right))}` : `${state}, which this rule excludes (excluded: ${quoted(asList(right))})`;
      }
    }
    case 'instant': {
      const at = `(evaluated at ${actual.iso})`;
      switch (c.operator) {
        case 'lt': return `this rule allows the action only before ${String(right)} ${at}; that window has closed`;
        case 'lteq': return `this rule allows the action only until ${String(right)} ${at}; that window has closed`;
        case 'gt': return `this rule allows the action only after ${String(right)} ${at}; retry after that instant`;
        default: return `this rule allows the action only from ${String(right)} ${at}; retry from that instant`;
      }
    }
    case 'count': {
      const so = `${actual.value} completed so far`;
      const limit = 'the usage limit of the agreement is reached — negotiate a new agreement';
      switch (c.operator) {
        case 'lt': return `this rule allows the action only while fewer than ${String(right)} transfers have completed under the agreement (${so}); ${limit}`;
        case 'lteq': return `this rule allows the action only while at most ${String(right)} transfers have completed under the agreement (${so}); ${limit}`;
        case 'gt': return `this rule requires more than ${String(right)} completed transfers under the agreement (${so})`;
        case 'gteq': return `this rule requires at least ${String(right)} completed transfers under the agreement (${so})`;
        case 'eq': return `this rule requires exactly ${String(right)} completed transfers under the agreement (${so})`;
        default: return `this rule excludes the case of exactly ${String(right)} completed transfers under the agreement (${so})`;
      }
    }
  }
}

const INSTANT_RELATION: Partial<Record<ConstraintOperator, string>> = { gt: 'after', gteq: 'at or after', lt: 'before', lteq: 'at or before' };

/** What makes a well-typed atomic constraint hold, for explaining why a prohibition applies. */
export function explainHolding(c: AtomicConstraint, actual: OperandValue): string {
  const right = c.rightOperand;
  switch (actual.kind) {
    case 'set': {
      const w = SET_WORDING[c.leftOperand as SetOperand];
      const listed = asList(right);
      switch (c.operator) {
        case 'eq': return w.has(String(right));
        case 'neq': return w.lacks(String(right));
        case 'isAnyOf': return `consumer has ${quoted(listed.filter((v) => actual.values.includes(v)))} among the ${w.plural} ${quoted(listed)}`;
        case 'isAllOf': return `consumer has all of the ${w.plural} ${quoted(listed)}`;
        default: return `consumer has none of the ${w.plural} ${quoted(listed)} ${held(actual.values)}`;
      }
    }
    case 'name':
      // A missing value holds no constraint, so a holding name constraint always has a value.
      return NAME_WORDING[c.leftOperand as NameOperand].stated(actual.value ?? '');
    case 'instant':
      return `the evaluation time ${actual.iso} is ${INSTANT_RELATION[c.operator] ?? c.operator} ${String(right)}`;
    case 'count':
      return `${actual.value} transfers have completed under the agreement (${c.operator} ${String(right)})`;
  }
}
