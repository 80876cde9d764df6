import { z } from 'zod';
import { CONSTRAINT_OPERATORS, LEFT_OPERANDS } from '@musubi/core/policy';
import { POLICY_ACTIONS } from '@musubi/core/vocabulary';
import { customResource, statusBase } from './common.js';

const SET_OPERATOR_RULE = "self.operator in ['isAnyOf', 'isAllOf', 'isNoneOf'] ? (has(self.values) && !has(self.value)) : (has(self.value) && !has(self.values))";
const SET_OPERATOR_MESSAGE = 'isAnyOf, isAllOf and isNoneOf take a list in values; every other operator takes a single value';

export const AtomicConstraint = z
  .strictObject({
    leftOperand: z.enum(LEFT_OPERANDS).describe('What is checked: a verified claim of the consumer (credentialType, issuerAnchor, jurisdiction, identifierScheme, memberRole, relationship, membership, consumerCountry) or the request (purpose, dateTime, count).'),
    operator: z.enum(CONSTRAINT_OPERATORS).describe('ODRL operator: eq, neq, gt, gteq, lt, lteq, isAnyOf, isAllOf, isNoneOf.'),
    value: z.string().max(1024).optional().describe('Right operand for single-valued operators; numbers and dates as strings, e.g. "5" or "2027-01-01T00:00:00Z".'),
    values: z.array(z.string().max(1024)).min(1).max(64).optional().describe('Right operand list for isAnyOf, isAllOf and isNoneOf.'),
  })
  .meta({ 'x-kubernetes-validations': [{ rule: SET_OPERATOR_RULE, message: SET_OPERATOR_MESSAGE }] })
  .describe('One ODRL constraint.');

export const Constraint = z
  .strictObject({
    leftOperand: AtomicConstraint.shape.leftOperand.optional(),
    operator: AtomicConstraint.shape.operator.optional(),
    value: AtomicConstraint.shape.value,
    values: AtomicConstraint.shape.values,
    or: z.array(AtomicConstraint).min(2).max(16).optional().describe('Satisfied when any of these constraints is (ODRL or).'),
    xone: z.array(AtomicConstraint).min(2).max(16).optional().describe('Satisfied when exactly one of these constraints is (ODRL xone).'),
  })
  .meta({
    'x-kubernetes-validations': [
      { rule: '(has(self.leftOperand) ? 1 : 0) + (has(self.or) ? 1 : 0) + (has(self.xone) ? 1 : 0) == 1', message: 'a constraint is either atomic (leftOperand, operator, value/values) or a group (or, xone), not both' },
      { rule: 'has(self.leftOperand) == has(self.operator)', message: 'leftOperand and operator go together' },
      { rule: `!has(self.operator) || (${SET_OPERATOR_RULE})`, message: SET_OPERATOR_MESSAGE },
    ],
  })
  .describe('An ODRL constraint: atomic, or an or/xone group of atomic constraints. Constraints listed together must all hold (and).');

const constraints = z.array(Constraint).max(32).optional().describe('Constraints that must all hold.');

export const Rule = z
  .strictObject({
    action: z.enum(POLICY_ACTIONS).default('use').describe('ODRL action the rule is about; "use" covers every other action.'),
    constraints,
  })
  .describe('An ODRL permission or prohibition.');

export const Duty = z
  .strictObject({
    action: z.enum(['delete', 'notify', 'anonymize', 'inform', 'compensate']).describe('What the consumer must do.'),
    constraints,
  })
  .describe('An ODRL duty (obligation).');

export const PolicySpec = z
  .strictObject({
    description: z.string().max(2048).optional().describe('What the policy is for, shown in catalogs.'),
    permissions: z.array(Rule).min(1).max(16).describe('Permissions; access is granted when one of them is satisfied.'),
    prohibitions: z.array(Rule).max(16).optional().describe('Prohibitions; a satisfied prohibition denies access even when a permission holds.'),
    obligations: z.array(Duty).max(16).optional().describe('Duties the consumer accepts with the agreement.'),
  })
  .describe('PolicySpec: an ODRL policy over the consumer\'s verified claims, relationships and the request.');

export const PolicyError = z
  .strictObject({
    path: z.string().describe('JSON path of the offending field, e.g. spec.permissions[0].constraints[1].value.'),
    message: z.string().describe('What is wrong and how to fix it.'),
  })
  .describe('A compile error of the policy.');

export const PolicyStatus = z
  .strictObject({
    ...statusBase,
    digest: z.string().optional().describe('sha256 digest of the compiled policy; connectors roll when it changes.'),
    compiledConfigMap: z.string().optional().describe('ConfigMap holding the compiled ODRL document.'),
    errors: z.array(PolicyError).max(64).optional().describe('Compile errors with their JSON paths.'),
    usedBy: z.array(z.string()).max(256).optional().describe('Connectors whose offers use this policy.'),
  })
  .describe('Observed state of the Policy.');

export const Policy = customResource('Policy', PolicySpec, PolicyStatus, 'Policy is an ODRL usage policy a provider\'s connector enforces at the edge.');

export type Policy = z.infer<typeof Policy>;
export type PolicySpec = z.infer<typeof PolicySpec>;
export type PolicyStatus = z.infer<typeof PolicyStatus>;
