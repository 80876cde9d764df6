// Transfer process endpoints of both roles and this connector's own transfer decisions. As with
// negotiations, shared paths (/transfers/:pid/start, /completion, /suspension, /termination) are
// routed by the role of the record the pid names.
import { randomUUID } from 'node:crypto';
import type { VerifiedConsumer } from '@musubi/core/policy';
import { checkOutboundDestination, OutboundRefused } from '../net/outbound-http.js';
import {
  MUSUBI_PURPOSE, transferCompletionMessage, transferError, transferProcess, transferRequestMessage, transferStartMessage,
  transferSuspensionMessage, transferTerminationMessage,
  type TransferCompletionMessage, type TransferRequestMessage, type TransferStartMessage, type TransferSuspensionMessage, type TransferTerminationMessage,
} from '../protocol/index.js';
import { httpDataAddress } from '../dataplane/addresses.js';
import { issueToken } from '../dataplane/tokens.js';
import { ManagementConflict, ProcessNotFound, ProtocolRefusal } from '../runtime/errors.js';
import { nowIso, transact, type ConnectorContext } from '../runtime/context.js';
import { reply, type Reply } from '../runtime/reply.js';
import { TRANSFER_FORMATS, type TransferFormat, type TransferRecord } from '../store/records.js';
import type { StoreTx } from '../store/store.js';
import { messageHash, type StepScope } from '../negotiation/steps.js';
import type { Party } from '../negotiation/states.js';
import { ProviderTransferActions, mayStart, policyDrivenTransferReactions, type ProviderTransferReactions } from './provider.js';
import { advanceTransfer, counterPartyPath, recordNewTransfer, sendTransferMessage, transferPids } from './steps.js';
import { isTerminalTransferState } from './states.js';

export interface StartTransfer {
  agreementId: string;
  format: TransferFormat;
  purpose?: string;
}

function ack(record: TransferRecord, status = 200): Reply {
  return reply(status, transferProcess(transferPids(record), record.state));
}

function explanationOf(message: { code?: string; reason?: unknown[] }): { code?: string; reason?: unknown[] } {
  return { ...(message.code !== undefined && { code: message.code }), ...(message.reason && { reason: message.reason }) };
}

export class Transfers {
  constructor(
    private readonly ctx: ConnectorContext,
    private readonly reactions: ProviderTransferReactions = policyDrivenTransferReactions,
  ) {}

  private scope(tx: StoreTx, afterCommit: StepScope['afterCommit']): StepScope {
    return { ctx: this.ctx, tx, afterCommit };
  }

  private async find(tx: StoreTx, pid: string, caller: VerifiedConsumer): Promise<TransferRecord> {
    const record = await tx.transfer(pid);
    if (!record || record.counterPartyDid !== caller.did) throw new ProcessNotFound('transfer', pid);
    return record;
  }

  private checkPids(record: TransferRecord, message: { providerPid: string; consumerPid: string }): void {
    const mine = record.role === 'provider' ? 'providerPid' : 'consumerPid';
    const theirs = record.role === 'provider' ? 'consumerPid' : 'providerPid';
    if (message[mine] !== record.localPid) throw new ProtocolRefusal('PidMismatch', `${mine} '${message[mine]}' does not match the transfer addressed by the URL (${record.localPid})`);
    const known = record[theirs];
    if (known !== undefined && message[theirs] !== known) throw new ProtocolRefusal('PidMismatch', `${theirs} '${message[theirs]}' is not the one of this transfer (${known})`);
  }

  private onExisting<M extends { providerPid: string; consumerPid: string }>(
    pid: string, message: M, caller: VerifiedConsumer,
    handle: (scope: StepScope, record: TransferRecord) => Promise<TransferRecord | Reply>,
  ): Promise<Reply> {
    return transact(this.ctx, async (tx, afterCommit) => {
      const record = await this.find(tx, pid, caller);
      this.checkPids(record, message);
      if (!(await tx.rememberMessage(record.localPid, messageHash(message)))) return ack(record);
      const outcome = await handle(this.scope(tx, afterCommit), record);
      return 'localPid' in outcome ? ack(outcome) : outcome;
    });
  }

  private async checkAddress(url: string, field: string): Promise<void> {
    try {
      await checkOutboundDestination(url, this.ctx.outbound, field);
    } catch (error) {
      if (error instanceof OutboundRefused) throw new ProtocolRefusal(field === 'callbackAddress' ? 'CallbackAddressRefused' : 'DataAddressRefused', error.message);
      throw error;
    }
  }

  // Provider endpoint

  async request(message: TransferRequestMessage, caller: VerifiedConsumer): Promise<Reply> {
    if (!(TRANSFER_FORMATS as readonly string[]).includes(message.format)) {
      throw new ProtocolRefusal('UnsupportedFormat', `format '${message.format}' is not offered; use one of ${TRANSFER_FORMATS.join(', ')} (the distributions in the catalog)`);
    }
    const format = message.format as TransferFormat;
    if (format === 'HttpData-PUSH') {
      if (!message.dataAddress?.endpoint) throw new ProtocolRefusal('MissingDataAddress', 'an HttpData-PUSH transfer needs dataAddress.endpoint: the URL the provider pushes the data to');
      await this.checkAddress(message.dataAddress.endpoint, 'dataAddress.endpoint');
    }
    await this.checkAddress(message.callbackAddress, 'callbackAddress');
    const hash = messageHash(message);
    return transact(this.ctx, async (tx, afterCommit) => {
      const existing = await tx.transferByConsumerPid(caller.did, message.consumerPid);
      if (existing) {
        if (await tx.rememberMessage(existing.localPid, hash)) {
          throw new ProtocolRefusal('DuplicateConsumerPid', `consumerPid '${message.consumerPid}' already names another transfer of this consumer; choose a new consumerPid`);
        }
        return ack(existing, 201);
      }
      const agreement = await tx.agreement(message.agreementId);
      const negotiation = agreement && agreement.role === 'provider' && agreement.consumerDid === caller.did ? await tx.negotiation(agreement.negotiationPid) : undefined;
      if (!agreement || !negotiation) {
        throw new ProtocolRefusal('UnknownAgreement', `agreement '${message.agreementId}' does not exist between this provider and ${caller.did}; negotiate a contract first`);
      }
      if (negotiation.state !== 'FINALIZED') {
        throw new ProtocolRefusal('AgreementNotFinalized', `the negotiation of agreement '${message.agreementId}' is ${negotiation.state}; transfers need a FINALIZED agreement`);
      }
      const localPid = `urn:uuid:${randomUUID()}`;
      const now = nowIso(this.ctx);
      const purposeValue = (message as unknown as Record<string, unknown>)[MUSUBI_PURPOSE];
      const purpose = typeof purposeValue === 'string' ? purposeValue : negotiation.purpose;
      const scope = this.scope(tx, afterCommit);
      const record = await recordNewTransfer(scope, {
        localPid, role: 'provider', state: 'REQUESTED', providerPid: localPid, consumerPid: message.consumerPid, agreementId: agreement.agreementId,
        counterPartyDid: caller.did, counterPartyAddress: message.callbackAddress, datasetId: agreement.datasetId, format,
        ...(purpose !== undefined && { purpose }), ...(message.dataAddress && { dataAddress: message.dataAddress }), createdAt: now, updatedAt: now, version: 0,
      }, { dataset: agreement.datasetId });
      await tx.rememberMessage(localPid, hash);
      await this.reactions.requested({ scope, actions: new ProviderTransferActions(scope, record), agreement, caller });
      return ack(record, 201);
    });
  }

  // Shared paths

  start(pid: string, message: TransferStartMessage, caller: VerifiedConsumer): Promise<Reply> {
    return this.onExisting(pid, message, caller, async (scope, record) => {
      if (record.role === 'consumer') {
        return advanceTransfer(scope, record, 'provider', 'start', { providerPid: message.providerPid, ...(message.dataAddress && { dataAddress: message.dataAddress }) });
      }
      // The consumer asks to resume a suspended transfer: the policy decides again.
      if (record.state !== 'SUSPENDED') return advanceTransfer(scope, record, 'consumer', 'start');
      const agreement = await scope.tx.agreement(record.agreementId);
      if (!agreement) throw new ProcessNotFound('agreement', record.agreementId);
      const check = await mayStart(scope, record, agreement, caller);
      if (!check.allowed) return reply(400, transferError(transferPids(record), check.explanation));
      return new ProviderTransferActions(scope, record).start('consumer');
    });
  }

  completion(pid: string, message: TransferCompletionMessage, caller: VerifiedConsumer): Promise<Reply> {
    return this.onExisting(pid, message, caller, async (scope, record) => {
      const next = await advanceTransfer(scope, record, record.role === 'provider' ? 'consumer' : 'provider', 'completion');
      await scope.tx.revokeTokens(record.localPid);
      return next;
    });
  }

  suspension(pid: string, message: TransferSuspensionMessage, caller: VerifiedConsumer): Promise<Reply> {
    return this.onExisting(pid, message, caller, async (scope, record) => {
      const next = await advanceTransfer(scope, record, record.role === 'provider' ? 'consumer' : 'provider', 'suspension', {}, explanationOf(message));
      if (record.role === 'provider') await scope.tx.revokeTokens(record.localPid, ['access', 'refresh']);
      return next;
    });
  }

  termination(pid: string, message: TransferTerminationMessage, caller: VerifiedConsumer): Promise<Reply> {
    return this.onExisting(pid, message, caller, async (scope, record) => {
      const explanation = explanationOf(message);
      const next = await advanceTransfer(scope, record, record.role === 'provider' ? 'consumer' : 'provider', 'termination',
        { termination: { by: 'counter-party', ...explanation } }, { code: message.code ?? null, reason: message.reason ?? [] });
      await scope.tx.revokeTokens(record.localPid);
      return next;
    });
  }

  async get(pid: string, caller: VerifiedConsumer): Promise<Reply> {
    return transact(this.ctx, async (tx) => ack(await this.find(tx, pid, caller)));
  }

  // Management

  async begin(input: StartTransfer): Promise<TransferRecord> {
    return transact(this.ctx, async (tx, afterCommit) => {
      const agreement = await tx.agreement(input.agreementId);
      if (!agreement || agreement.role !== 'consumer' || !agreement.providerAddress) throw new ProcessNotFound('agreement', input.agreementId);
      const negotiation = await tx.negotiation(agreement.negotiationPid);
      if (negotiation?.state !== 'FINALIZED') {
        throw new ManagementConflict('AgreementNotFinalized', `the negotiation of agreement ${input.agreementId} is ${negotiation?.state ?? 'missing'}; wait until it is FINALIZED`);
      }
      const localPid = `urn:uuid:${randomUUID()}`;
      const now = nowIso(this.ctx);
      const purpose = input.purpose ?? negotiation.purpose;
      let dataAddress;
      if (input.format === 'HttpData-PUSH') {
        const push = await issueToken(tx, 'push', localPid, this.ctx.clock(), this.ctx.dataPlane.refreshTokenTtlSeconds);
        dataAddress = httpDataAddress(`${this.ctx.publicUrl.replace(/\/+$/, '')}/data/push/${encodeURIComponent(localPid)}`, { authorization: push.token, authType: 'bearer' });
      }
      const scope = this.scope(tx, afterCommit);
      const record = await recordNewTransfer(scope, {
        localPid, role: 'consumer', state: 'REQUESTED', consumerPid: localPid, agreementId: agreement.agreementId, counterPartyDid: agreement.providerDid,
        counterPartyAddress: agreement.providerAddress, datasetId: agreement.datasetId, format: input.format, ...(purpose !== undefined && { purpose }),
        createdAt: now, updatedAt: now, version: 0,
      }, { dataset: agreement.datasetId });
      const message = transferRequestMessage({
        consumerPid: localPid, agreementId: agreement.agreementId, format: input.format, callbackAddress: this.ctx.publicUrl,
        ...(dataAddress && { dataAddress }), ...(purpose !== undefined && { purpose }),
      });
      await sendTransferMessage(scope, record, 'transfers/request', 'TransferRequestMessage', message, { onAck: 'record-provider-pid' });
      return record;
    });
  }

  /** One provider step (start, suspend, complete, terminate) on a transfer this connector provides, in its own transaction. */
  async providerStep(pid: string, step: (actions: ProviderTransferActions) => Promise<TransferRecord>): Promise<TransferRecord> {
    return transact(this.ctx, async (tx, afterCommit) => {
      const record = await tx.transfer(pid);
      if (!record || record.role !== 'provider') throw new ProcessNotFound('transfer', pid);
      if (isTerminalTransferState(record.state)) throw new ManagementConflict('AlreadyFinal', `transfer ${pid} is already ${record.state}`);
      return step(new ProviderTransferActions(this.scope(tx, afterCommit), record));
    });
  }

  /** Suspend, resume, complete or terminate one of this connector's transfers and tell the counter-party. */
  async act(pid: string, action: 'suspend' | 'resume' | 'complete' | 'terminate', reason?: string): Promise<TransferRecord> {
    return transact(this.ctx, async (tx, afterCommit) => {
      const record = await tx.transfer(pid);
      if (!record) throw new ProcessNotFound('transfer', pid);
      if (isTerminalTransferState(record.state)) throw new ManagementConflict('AlreadyFinal', `transfer ${pid} is already ${record.state}`);
      const counterPartyPid = record.role === 'provider' ? record.consumerPid : record.providerPid;
      if (!counterPartyPid) throw new ManagementConflict('NotAcknowledged', `the provider has not acknowledged transfer ${pid} yet; try again in a moment`);
      const scope = this.scope(tx, afterCommit);
      const me: Party = record.role;
      const explanation = reason ? { code: 'ByParticipant', reason: [reason] } : {};
      const pids = transferPids(record);
      if (record.role === 'provider') {
        const actions = new ProviderTransferActions(scope, record);
        switch (action) {
          case 'suspend': return actions.suspend(explanation);
          case 'complete': return actions.complete();
          case 'terminate': return actions.terminate(explanation);
          case 'resume': return actions.start('provider');
        }
      }
      switch (action) {
        case 'suspend': {
          const next = await advanceTransfer(scope, record, me, 'suspension', {}, explanation);
          await sendTransferMessage(scope, next, counterPartyPath(next, 'suspension'), 'TransferSuspensionMessage', transferSuspensionMessage(pids, explanation));
          return next;
        }
        case 'resume': {
          const next = await advanceTransfer(scope, record, me, 'start');
          await sendTransferMessage(scope, next, counterPartyPath(next, 'start'), 'TransferStartMessage', transferStartMessage(pids));
          return next;
        }
        case 'complete': {
          const next = await advanceTransfer(scope, record, me, 'completion');
          await sendTransferMessage(scope, next, counterPartyPath(next, 'completion'), 'TransferCompletionMessage', transferCompletionMessage(pids));
          return next;
        }
        case 'terminate': {
          const next = await advanceTransfer(scope, record, me, 'termination', { termination: { by: 'self', ...explanation } }, explanation);
          await tx.revokeTokens(pid);
          await sendTransferMessage(scope, next, counterPartyPath(next, 'termination'), 'TransferTerminationMessage', transferTerminationMessage(pids, explanation), { bestEffort: true });
          return next;
        }
      }
    });
  }

  async recordProviderPid(localPid: string, providerPid: string): Promise<void> {
    await transact(this.ctx, async (tx) => {
      const record = await tx.transfer(localPid);
      if (!record || record.providerPid !== undefined) return;
      await tx.updateTransfer({ ...record, providerPid, updatedAt: nowIso(this.ctx) });
      await tx.appendAudit({ processKey: localPid, event: 'transfer.acknowledged', detail: { role: record.role, providerPid, state: record.state } });
    });
  }

  /** A message or push could not be delivered: end the transfer and say why. */
  async deliveryFailed(localPid: string, problem: string): Promise<void> {
    await transact(this.ctx, async (tx, afterCommit) => {
      const record = await tx.transfer(localPid);
      if (!record || isTerminalTransferState(record.state)) return;
      const scope = this.scope(tx, afterCommit);
      const explanation = { code: 'DeliveryFailed', reason: [problem] };
      if (record.role === 'provider') {
        await new ProviderTransferActions(scope, record).terminate(explanation);
        return;
      }
      const next = await advanceTransfer(scope, record, 'consumer', 'termination', { termination: { by: 'self', ...explanation } }, explanation);
      await tx.revokeTokens(localPid);
      if (next.providerPid) {
        await sendTransferMessage(scope, next, counterPartyPath(next, 'termination'), 'TransferTerminationMessage', transferTerminationMessage(transferPids(next), explanation), { bestEffort: true });
      }
    });
  }
}
