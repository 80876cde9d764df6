// The contract between the operator (which compiles a Policy custom resource into this form and
// stores it where connectors read it) and the connector (which evaluates it at negotiation and before
// every transfer start). Changing it means changing both sides.

/** ODRL operators Musubi supports, by their ODRL short names. */
export const CONSTRAINT_OPERATORS = ['eq', 'neq', 'gt', 'gteq', 'lt', 'lteq', 'isAnyOf', 'isAllOf', 'isNoneOf'] as const;
export type ConstraintOperator = (typeof CONSTRAINT_OPERATORS)[number];
/** Operators whose right operand is a list. */
export const SET_OPERATORS: readonly ConstraintOperator[] = ['isAnyOf', 'isAllOf', 'isNoneOf'];

/**
 * What a constraint talks about. ODRL core operands keep their ODRL names; Musubi's verified-claim
 * operands live under the musubi policy namespace (see POLICY_NAMESPACE).
 */
export const LEFT_OPERANDS = [
  'credentialType',   // types of the consumer's verified credentials
  'issuerAnchor',     // DID of the trust anchor that (directly or via recognition) vouches for the consumer
  'jurisdiction',     // ISO 3166-1 alpha-2 (or 'EU') of that anchor
  'identifierScheme', // schemes of the consumer's verified identifiers, e.g. 'jp-corporate-number'
  'memberRole',       // roles of the acting employee credential, when one was presented
  'relationship',     // relationship types the consumer holds towards the provider, e.g. 'recyclerOf'
  'membership',       // dataspace memberships (dataspace ids) of the consumer
  'consumerCountry',  // ISO 3166-1 alpha-2 country of the consumer's legal-person credential
  'purpose',          // ODRL purpose declared by the consumer for the request
  'dateTime',         // evaluation time, ISO 8601
  'count',            // number of completed transfers under the agreement so far
] as const;
export type LeftOperand = (typeof LEFT_OPERANDS)[number];

export type ConstraintValue = string | number | boolean | string[];

export interface AtomicConstraint {
  leftOperand: LeftOperand;
  operator: ConstraintOperator;
  rightOperand: ConstraintValue;
}

export interface LogicalConstraint {
  /** ODRL logical constraint: all (and), any (or), exactly one (xone). */
  logic: 'and' | 'or' | 'xone';
  constraints: Constraint[];
}

export type Constraint = AtomicConstraint | LogicalConstraint;

export interface CompiledRule {
  /** ODRL action, e.g. 'use', 'transfer', 'distribute'. */
  action: string;
  constraints: Constraint[];
}

export interface CompiledDuty extends CompiledRule {
  /** Duties Musubi can discharge itself; anything else is recorded on the agreement for the consumer. */
  kind: 'delete' | 'notify' | 'anonymize' | 'inform' | 'other';
}

export interface CompiledPolicy {
  /** `<namespace>/<name>` of the Policy custom resource. */
  id: string;
  /** Policy.metadata.generation the document was compiled from. */
  generation: number;
  /** Hash of the canonical JSON of this document (without this field); rolls connector pods. */
  digest: string;
  permissions: CompiledRule[];
  prohibitions: CompiledRule[];
  obligations: CompiledDuty[];
  /** The same policy as an ODRL JSON-LD offer body, ready to be placed in a DCAT dataset. */
  odrl: Record<string, unknown>;
}

/** Verified facts about the consumer, produced by the connector's identity check. */
export interface VerifiedConsumer {
  did: string;
  credentialTypes: string[];
  issuerAnchors: string[];
  jurisdictions: string[];
  identifierSchemes: string[];
  memberRoles: string[];
  /** Relationship types the consumer holds towards THIS provider (granted by the provider). */
  relationships: string[];
  memberships: string[];
  country?: string;
}

export interface PolicyRequest {
  action: string;
  purpose?: string;
  now: Date;
  /** Completed transfers under the agreement so far (0 at negotiation). */
  usageCount: number;
}

/** Why access was denied, machine-readable: which constraint failed and with which value. */
export interface PolicyDenial {
  reason: 'ConstraintNotSatisfied' | 'Prohibited' | 'NoMatchingPermission';
  /** JSON path of the failing constraint inside the compiled policy, e.g. `permissions[0].constraints[1]`. */
  path: string;
  leftOperand?: LeftOperand;
  operator?: ConstraintOperator;
  expected?: ConstraintValue;
  actual?: ConstraintValue | null;
  message: string;
}

export type PolicyDecision =
  | { allowed: true; permissionPath: string; duties: CompiledDuty[] }
  | { allowed: false; denials: PolicyDenial[] };

export const POLICY_NAMESPACE = 'https://musubi.dev/ns/policy#';
