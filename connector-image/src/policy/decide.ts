// Policy decisions at the provider's edge, and how a refusal is explained on the wire: the
// termination message carries code PolicyDenied and one structured reason per failed constraint, the
// same objects the management API shows, so the consumer learns exactly what to fix.
import { evaluatePolicy, type CompiledPolicy, type PolicyDecision, type PolicyDenial, type VerifiedConsumer } from '@musubi/core/policy';
import type { Explanation } from '../protocol/index.js';

/** The action a DSP consumer asks for, at negotiation and at every transfer start. */
export const REQUESTED_ACTION = 'transfer';

export function decide(policy: CompiledPolicy, consumer: VerifiedConsumer, request: { purpose?: string; now: Date; usageCount: number }): PolicyDecision {
  return evaluatePolicy(policy, consumer, { action: REQUESTED_ACTION, now: request.now, usageCount: request.usageCount, ...(request.purpose !== undefined && { purpose: request.purpose }) });
}

export function denialReasons(denials: readonly PolicyDenial[], policyId?: string): Record<string, unknown>[] {
  return denials.map((d) => ({
    reason: d.reason,
    ...(policyId !== undefined && { policy: policyId }),
    path: d.path,
    ...(d.leftOperand !== undefined && { leftOperand: d.leftOperand }),
    ...(d.operator !== undefined && { operator: d.operator }),
    ...(d.expected !== undefined && { expected: d.expected }),
    ...(d.actual !== undefined && { actual: d.actual }),
    message: d.message,
  }));
}

export function policyDeniedExplanation(policyId: string, denials: readonly PolicyDenial[]): Explanation {
  return { code: 'PolicyDenied', reason: denialReasons(denials, policyId) };
}
