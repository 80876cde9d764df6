// Whether two ODRL policies exchanged over DSP state the same terms. Musubi policies are compared by
// meaning (samePolicy: order and spelling do not matter); policies in vocabularies Musubi does not
// evaluate (another connector's offer) are compared by their canonical JSON rules.
import { canonicalJson } from '@musubi/core/canonical-json';
import { fromOdrlPolicy, samePolicy } from '@musubi/core/policy';
import type { OdrlPolicyJson } from '../protocol/index.js';

function rulesOf(policy: OdrlPolicyJson): string {
  const list = (key: string): unknown[] => {
    const value = policy[key];
    return value === undefined ? [] : Array.isArray(value) ? value : [value];
  };
  return canonicalJson({ permission: list('permission'), prohibition: list('prohibition'), obligation: list('obligation') });
}

export function sameTerms(a: OdrlPolicyJson, b: OdrlPolicyJson): boolean {
  const left = fromOdrlPolicy(a);
  const right = fromOdrlPolicy(b);
  if (left.ok && right.ok) return samePolicy(left.policy, right.policy);
  return rulesOf(a) === rulesOf(b);
}

/** True when the policy JSON carries rules (a full offer), false for a bare reference by @id. */
export function hasRules(policy: OdrlPolicyJson): boolean {
  return policy.permission !== undefined || policy.prohibition !== undefined || policy.obligation !== undefined;
}
