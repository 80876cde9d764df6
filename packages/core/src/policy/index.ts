export * from './types.js';
export { evaluatePolicy, actionCovers } from './evaluate.js';
export { OPERAND_KINDS, OPERATORS_BY_KIND, parseInstant, type OperandKind } from './operators.js';
export { formatPath } from './explain.js';
export { checkConstraintTyping, type PolicyIssue, type PolicyIssueCode, type PolicyRules } from './typing.js';
export { compiledPolicySchema, validateCompiledPolicy, parseCompiledPolicy, CompiledPolicyError, type PolicyValidation } from './schema.js';
export {
  toOdrlOffer,
  toOdrlAgreement,
  toOdrlPolicyBody,
  defaultOfferId,
  dutyKindOf,
  ODRL_NAMESPACE,
  POLICY_PROFILE,
  type OdrlOfferOptions,
  type OdrlAgreementOptions,
  type OdrlJson,
} from './odrl.js';
export { fromOdrlPolicy, type OdrlPolicy, type OdrlParseResult } from './odrl-parse.js';
export { samePolicy, canonicalPolicyRules, type CanonicalPolicyRules } from './same-policy.js';
export { policyDigest, DIGEST_PATTERN } from './digest.js';
export { assembleCompiledPolicy, type CompiledPolicyContent } from './assemble.js';
