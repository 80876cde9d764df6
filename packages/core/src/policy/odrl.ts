// The compiled policy written as ODRL JSON-LD, in the compacted form the Dataspace Protocol 2025-1
// context defines: what a provider embeds in DCAT datasets and in contract negotiation messages.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json/index.js';
import { OPERAND_KINDS } from './operators.js';
import { POLICY_NAMESPACE, type CompiledDuty, type CompiledPolicy, type CompiledRule, type Constraint, type ConstraintValue, type LeftOperand } from './types.js';
import type { PolicyRules } from './typing.js';

export const ODRL_NAMESPACE = 'http://www.w3.org/ns/odrl/2/';
/** ODRL profile IRI announcing Musubi's left operands and duty actions. */
export const POLICY_PROFILE = POLICY_NAMESPACE.replace(/#$/, '');

/** Left operands defined by ODRL itself; the rest are Musubi's, under POLICY_NAMESPACE. */
export const ODRL_CORE_OPERANDS: readonly LeftOperand[] = ['dateTime', 'count', 'purpose'];

/** Actions of the ODRL 2.2 vocabulary, written as `odrl:` terms on the wire. */
export const ODRL_ACTIONS: readonly string[] = [
  'acceptTracking', 'aggregate', 'annotate', 'anonymize', 'archive', 'attribute', 'compensate', 'concurrentUse',
  'delete', 'derive', 'digitize', 'display', 'distribute', 'ensureExclusivity', 'execute', 'extract', 'give',
  'grantUse', 'include', 'index', 'inform', 'install', 'modify', 'move', 'nextPolicy', 'obtainConsent', 'play',
  'present', 'print', 'read', 'reproduce', 'reviewPolicy', 'sell', 'stream', 'synchronize', 'textToSpeech',
  'transfer', 'transform', 'translate', 'uninstall', 'use', 'watermark',
];

export type OdrlJson = Record<string, unknown>;

/** Duty kinds Musubi can discharge itself, by their action; any other duty is recorded for the consumer. */
export function dutyKindOf(action: string): CompiledDuty['kind'] {
  switch (action) {
    case 'delete':
    case 'notify':
    case 'anonymize':
    case 'inform':
      return action;
    default:
      return 'other';
  }
}

export function actionTerm(action: string): string {
  // 'use' is a term of the DSP context itself; other ODRL actions need the odrl: prefix it declares.
  if (action === 'use') return 'use';
  if (ODRL_ACTIONS.includes(action)) return `odrl:${action}`;
  if (action.includes(':')) return action;
  return `${POLICY_NAMESPACE}${action}`;
}

export function leftOperandTerm(leftOperand: LeftOperand): string {
  return ODRL_CORE_OPERANDS.includes(leftOperand) ? `odrl:${leftOperand}` : `${POLICY_NAMESPACE}${leftOperand}`;
}

function rightOperandTerm(leftOperand: LeftOperand, value: ConstraintValue): unknown {
  const kind = OPERAND_KINDS[leftOperand];
  if (kind === 'instant' && typeof value === 'string') return { '@value': value, '@type': 'xsd:dateTime' };
  if (typeof value === 'number') return { '@value': value, '@type': Number.isInteger(value) ? 'xsd:integer' : 'xsd:decimal' };
  // The DSP schema admits strings, objects and arrays as right operands, so typed literals carry the rest.
  if (typeof value === 'boolean') return { '@value': value, '@type': 'xsd:boolean' };
  return value;
}

function constraintJson(c: Constraint): OdrlJson {
  if ('logic' in c) return { [c.logic]: c.constraints.map(constraintJson) };
  return { leftOperand: leftOperandTerm(c.leftOperand), operator: c.operator, rightOperand: rightOperandTerm(c.leftOperand, c.rightOperand) };
}

function ruleJson(rule: CompiledRule): OdrlJson {
  const json: OdrlJson = { action: actionTerm(rule.action) };
  if (rule.constraints.length > 0) json.constraint = rule.constraints.map(constraintJson);
  return json;
}

/**
 * The rules of a policy as an ODRL policy body (profile, permission, prohibition, obligation) without
 * identity, parties or target. This is what CompiledPolicy.odrl holds; empty rule lists are left out
 * because the DSP schema requires every present list to have a member.
 */
export function toOdrlPolicyBody(rules: PolicyRules): OdrlJson {
  const body: OdrlJson = { profile: POLICY_PROFILE };
  if (rules.permissions.length > 0) body.permission = rules.permissions.map(ruleJson);
  if (rules.prohibitions.length > 0) body.prohibition = rules.prohibitions.map(ruleJson);
  if (rules.obligations.length > 0) body.obligation = rules.obligations.map(ruleJson);
  return body;
}

export interface OdrlOfferOptions {
  /** The provider's participant DID. */
  assigner: string;
  /** The dataset (asset) the offer is for. */
  target: string;
  /**
   * 'dataset' (default): for a DCAT dataset's hasPolicy, where DSP forbids `target` because the
   * dataset is the target. 'message': for a ContractOfferMessage / ContractRequestMessage offer.
   */
  placement?: 'dataset' | 'message';
  /** Offer @id; by default derived from the policy id, its digest and the target. */
  offerId?: string;
}

/**
 * Offer id that changes whenever the policy content changes, so a consumer cannot negotiate against
 * an offer the provider no longer makes, and is the same in the dataset and in messages.
 */
export function defaultOfferId(policy: Pick<CompiledPolicy, 'id' | 'digest'>, target: string): string {
  const hash = createHash('sha256').update(canonicalJson({ policy: policy.id, digest: policy.digest, target }), 'utf8').digest('hex');
  return `urn:musubi:offer:${hash.slice(0, 32)}`;
}

/** The policy as an odrl:Offer from the provider for one dataset. */
export function toOdrlOffer(policy: CompiledPolicy, options: OdrlOfferOptions): OdrlJson {
  const offer: OdrlJson = {
    '@id': options.offerId ?? defaultOfferId(policy, options.target),
    '@type': 'Offer',
    assigner: options.assigner,
  };
  if ((options.placement ?? 'dataset') === 'message') offer.target = options.target;
  return { ...offer, ...toOdrlPolicyBody(policy) };
}

export interface OdrlAgreementOptions {
  /** Agreement @id, chosen by the provider when it agrees. */
  agreementId: string;
  assigner: string;
  /** The consumer's participant DID. */
  assignee: string;
  target: string;
  /** When the provider agreed. */
  timestamp: Date;
}

/** The policy as the odrl:Agreement of a ContractAgreementMessage. */
export function toOdrlAgreement(policy: PolicyRules, options: OdrlAgreementOptions): OdrlJson {
  return {
    '@id': options.agreementId,
    '@type': 'Agreement',
    assigner: options.assigner,
    assignee: options.assignee,
    target: options.target,
    // DSP's timestamp pattern admits whole seconds with an optional fraction; toISOString gives both.
    timestamp: options.timestamp.toISOString(),
    ...toOdrlPolicyBody(policy),
  };
}
