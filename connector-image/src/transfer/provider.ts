// The provider's side of a transfer: deciding whether it may start (the agreement's policy is evaluated
// again before every start, with the verified consumer and the usage so far), handing out pull access
// or queueing the push, and ending it.
import type { VerifiedConsumer } from '@musubi/core/policy';
import { transferCompletionMessage, transferStartMessage, transferSuspensionMessage, transferTerminationMessage, type Explanation } from '../protocol/index.js';
import { decide, policyDeniedExplanation } from '../policy/index.js';
import { httpDataAddress } from '../dataplane/addresses.js';
import { issueToken } from '../dataplane/tokens.js';
import { nowIso } from '../runtime/context.js';
import type { AgreementRecord, TransferRecord } from '../store/records.js';
import type { StepScope } from '../negotiation/steps.js';
import { advanceTransfer, counterPartyPath, sendTransferMessage, transferPids } from './steps.js';

export type StartCheck = { allowed: true } | { allowed: false; explanation: Explanation };

/**
 * Whether the consumer may start (or resume) this transfer now. A refusal is recorded as a policy
 * denial with its machine-readable explanation before the caller acts on it.
 */
export async function mayStart(scope: StepScope, record: TransferRecord, agreement: AgreementRecord, caller: VerifiedConsumer): Promise<StartCheck> {
  const { ctx, tx, afterCommit } = scope;
  const offer = ctx.offers.byAssetId(agreement.datasetId);
  if (!offer) return { allowed: false, explanation: { code: 'OfferWithdrawn', reason: [`dataset '${agreement.datasetId}' is no longer offered by this connector`] } };
  const policy = agreement.policy;
  if (!policy) return { allowed: false, explanation: { code: 'AgreementWithoutPolicy', reason: [`agreement ${agreement.agreementId} has no recorded policy to evaluate`] } };
  const usageCount = await tx.countCompletedTransfers(agreement.agreementId);
  const decision = decide(policy, caller, { ...(record.purpose !== undefined && { purpose: record.purpose }), now: ctx.clock(), usageCount });
  if (decision.allowed) return { allowed: true };
  await tx.recordDenial({
    at: nowIso(ctx), processKey: record.localPid, stage: 'transfer', consumerDid: caller.did, datasetId: agreement.datasetId, agreementId: agreement.agreementId,
    policyId: policy.id, denials: decision.denials,
  });
  afterCommit(() => {
    for (const denial of decision.denials) ctx.metrics.policyDenials.inc({ stage: 'transfer', reason: denial.reason });
    ctx.log.warn('transfer refused by policy', {
      transfer: record.localPid, agreement: agreement.agreementId, consumer: caller.did, policy: policy.id,
      denials: decision.denials.map((d) => ({ reason: d.reason, path: d.path, leftOperand: d.leftOperand, operator: d.operator, expected: d.expected, actual: d.actual })),
    });
  });
  return { allowed: false, explanation: policyDeniedExplanation(policy.id, decision.denials) };
}

export class ProviderTransferActions {
  constructor(
    private readonly scope: StepScope,
    private current: TransferRecord,
  ) {}

  get record(): TransferRecord {
    return this.current;
  }

  /** STARTED: a fresh pull address (short-lived access token, refresh token), or the push queued. */
  async start(by: 'provider' | 'consumer' = 'provider'): Promise<TransferRecord> {
    const { ctx, tx } = this.scope;
    const pid = this.current.localPid;
    this.current = await advanceTransfer(this.scope, this.current, by, 'start');
    if (this.current.format === 'HttpData-PULL') {
      await tx.revokeTokens(pid, ['access', 'refresh']);
      const now = ctx.clock();
      const access = await issueToken(tx, 'access', pid, now, ctx.dataPlane.accessTokenTtlSeconds);
      const refresh = await issueToken(tx, 'refresh', pid, now, ctx.dataPlane.refreshTokenTtlSeconds);
      const base = ctx.publicUrl.replace(/\/+$/, '');
      const address = httpDataAddress(`${base}/data/pull/${encodeURIComponent(pid)}`, {
        authorization: access.token,
        authType: 'bearer',
        expiresIn: String(ctx.dataPlane.accessTokenTtlSeconds),
        refreshToken: refresh.token,
        refreshEndpoint: `${base}/data/token`,
      });
      await sendTransferMessage(this.scope, this.current, counterPartyPath(this.current, 'start'), 'TransferStartMessage', transferStartMessage(transferPids(this.current), address));
    } else {
      await sendTransferMessage(this.scope, this.current, counterPartyPath(this.current, 'start'), 'TransferStartMessage', transferStartMessage(transferPids(this.current)));
      await tx.enqueue({ processKey: pid, kind: 'push-data', payload: { transferPid: pid } });
    }
    return this.current;
  }

  async complete(): Promise<TransferRecord> {
    this.current = await advanceTransfer(this.scope, this.current, 'provider', 'completion');
    await this.scope.tx.revokeTokens(this.current.localPid);
    await sendTransferMessage(this.scope, this.current, counterPartyPath(this.current, 'completion'), 'TransferCompletionMessage', transferCompletionMessage(transferPids(this.current)));
    return this.current;
  }

  async suspend(explanation: Explanation): Promise<TransferRecord> {
    this.current = await advanceTransfer(this.scope, this.current, 'provider', 'suspension', {}, { ...explanation });
    await this.scope.tx.revokeTokens(this.current.localPid);
    await sendTransferMessage(this.scope, this.current, counterPartyPath(this.current, 'suspension'), 'TransferSuspensionMessage', transferSuspensionMessage(transferPids(this.current), explanation));
    return this.current;
  }

  async terminate(explanation: Explanation): Promise<TransferRecord> {
    this.current = await advanceTransfer(this.scope, this.current, 'provider', 'termination', { termination: { by: 'self', ...explanation } }, { ...explanation });
    await this.scope.tx.revokeTokens(this.current.localPid);
    await sendTransferMessage(this.scope, this.current, counterPartyPath(this.current, 'termination'), 'TransferTerminationMessage',
      transferTerminationMessage(transferPids(this.current), explanation), { bestEffort: true });
    return this.current;
  }
}

export interface ProviderTransferReactionInput {
  scope: StepScope;
  actions: ProviderTransferActions;
  agreement: AgreementRecord;
  caller: VerifiedConsumer;
}

/** How a provider answers a transfer request. */
export interface ProviderTransferReactions {
  requested(input: ProviderTransferReactionInput): Promise<void>;
}

/** Musubi's provider: start at once when the agreement's policy still allows it, else terminate with the reasons. */
export const policyDrivenTransferReactions: ProviderTransferReactions = {
  async requested({ scope, actions, agreement, caller }) {
    const check = await mayStart(scope, actions.record, agreement, caller);
    if (check.allowed) await actions.start();
    else await actions.terminate(check.explanation);
  },
};
