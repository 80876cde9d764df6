// Contract negotiation endpoints of both roles, one transaction per message. Provider paths and
// consumer callback paths share a URL shape (/negotiations/:pid/events, /termination), so the record
// the pid names decides which role handles the message: pids are chosen by this connector and unique.
import { randomUUID } from 'node:crypto';
import type { VerifiedConsumer } from '@musubi/core/policy';
import { checkOutboundDestination, OutboundRefused } from '../net/outbound-http.js';
import {
  MUSUBI_PURPOSE, contractNegotiation, contractRequestMessage,
  type ContractAgreementMessage, type ContractAgreementVerificationMessage, type ContractNegotiationEventMessage,
  type ContractNegotiationTerminationMessage, type ContractOfferMessage, type ContractRequestMessage, type OdrlPolicyJson,
} from '../protocol/index.js';
import { hasRules, sameTerms } from '../policy/index.js';
import { ManagementConflict, ProcessNotFound, ProtocolRefusal } from '../runtime/errors.js';
import { nowIso, transact, type ConnectorContext } from '../runtime/context.js';
import { reply, type Reply } from '../runtime/reply.js';
import type { NegotiationRecord } from '../store/records.js';
import type { StoreTx } from '../store/store.js';
import {
  automaticConsumerReactions, consumerAccept, consumerCounterOffer, consumerOnAgreement, consumerPids, consumerTerminate, consumerVerify,
  type ConsumerNegotiationReactions,
} from './consumer.js';
import { ProviderNegotiationActions, policyDrivenReactions, providerPids, type ProviderNegotiationReactions } from './provider.js';
import { advance, messageHash, recordNew, send, type StepScope } from './steps.js';
import { isTerminalNegotiationState, type Party } from './states.js';

export interface StartNegotiation {
  /** The provider's DSP base URL. */
  providerUrl: string;
  providerDid: string;
  datasetId: string;
  /** The offer as listed in the provider's catalog (a dataset's hasPolicy entry). */
  offer: OdrlPolicyJson;
  purpose?: string;
}

function pidsOf(record: NegotiationRecord): { providerPid: string; consumerPid: string } {
  return record.role === 'provider' ? providerPids(record) : consumerPids(record);
}

function ack(record: NegotiationRecord, status = 200): Reply {
  return reply(status, contractNegotiation(pidsOf(record), record.state));
}

function purposeOf(message: object): string | undefined {
  const value = (message as Record<string, unknown>)[MUSUBI_PURPOSE];
  return typeof value === 'string' ? value : undefined;
}

export class Negotiations {
  constructor(
    private readonly ctx: ConnectorContext,
    private readonly reactions: ProviderNegotiationReactions = policyDrivenReactions,
    private readonly consumerReactions: ConsumerNegotiationReactions = automaticConsumerReactions,
  ) {}

  private async checkCallback(address: string): Promise<void> {
    try {
      await checkOutboundDestination(address, this.ctx.outbound, 'callbackAddress');
    } catch (error) {
      if (error instanceof OutboundRefused) throw new ProtocolRefusal('CallbackAddressRefused', error.message);
      throw error;
    }
  }

  /** The negotiation `pid` names for this caller; 404 for unknown ids and for other parties' ones. */
  private async find(tx: StoreTx, pid: string, caller: VerifiedConsumer, role?: Party): Promise<NegotiationRecord> {
    const record = await tx.negotiation(pid);
    if (!record || record.counterPartyDid !== caller.did || (role && record.role !== role)) throw new ProcessNotFound('negotiation', pid);
    return record;
  }

  private checkPids(record: NegotiationRecord, message: { providerPid?: string; consumerPid?: string }): void {
    const mine = record.role === 'provider' ? 'providerPid' : 'consumerPid';
    const theirs = record.role === 'provider' ? 'consumerPid' : 'providerPid';
    if (message[mine] !== record.localPid) {
      throw new ProtocolRefusal('PidMismatch', `${mine} '${message[mine] ?? ''}' does not match the negotiation addressed by the URL (${record.localPid})`);
    }
    const known = record[theirs];
    if (known !== undefined && message[theirs] !== known) {
      throw new ProtocolRefusal('PidMismatch', `${theirs} '${message[theirs] ?? ''}' is not the one of this negotiation (${known})`);
    }
  }

  private scope(tx: StoreTx, afterCommit: StepScope['afterCommit']): StepScope {
    return { ctx: this.ctx, tx, afterCommit };
  }

  /** Runs one incoming message on the negotiation `pid`: a repeat of a processed message gets the same ACK. */
  private onExisting<M extends { providerPid?: string; consumerPid?: string }>(
    pid: string, message: M, caller: VerifiedConsumer, role: Party | undefined,
    handle: (scope: StepScope, record: NegotiationRecord) => Promise<NegotiationRecord | Reply>,
  ): Promise<Reply> {
    return transact(this.ctx, async (tx, afterCommit) => {
      const record = await this.find(tx, pid, caller, role);
      this.checkPids(record, message);
      if (!(await tx.rememberMessage(record.localPid, messageHash(message)))) return ack(record);
      const outcome = await handle(this.scope(tx, afterCommit), record);
      return 'localPid' in outcome ? ack(outcome) : outcome;
    });
  }

  // Provider endpoints

  async request(message: ContractRequestMessage, caller: VerifiedConsumer): Promise<Reply> {
    if (message.providerPid !== undefined) {
      throw new ProtocolRefusal('UnexpectedProviderPid', `an initial ContractRequestMessage must not carry a providerPid; POST it to /negotiations/${message.providerPid}/request to continue that negotiation`);
    }
    const offerId = message.offer['@id'];
    const published = this.ctx.offers.byOfferId(offerId);
    if (!published) {
      throw new ProtocolRefusal('UnknownOffer', `offer '${offerId}' is not in this connector's catalog; request the catalog and use the @id of an offer listed in a dataset's hasPolicy`);
    }
    if (message.offer.target !== undefined && message.offer.target !== published.assetId) {
      throw new ProtocolRefusal('OfferTargetMismatch', `offer '${offerId}' is for dataset '${published.assetId}', not '${message.offer.target}'`);
    }
    const callbackAddress = message.callbackAddress as string;
    await this.checkCallback(callbackAddress);
    const hash = messageHash(message);
    return transact(this.ctx, async (tx, afterCommit) => {
      const existing = await tx.negotiationByConsumerPid(caller.did, message.consumerPid);
      if (existing) {
        if (await tx.rememberMessage(existing.localPid, hash)) {
          throw new ProtocolRefusal('DuplicateConsumerPid', `consumerPid '${message.consumerPid}' already names another negotiation of this consumer; choose a new consumerPid for a new negotiation`);
        }
        return ack(existing, 201);
      }
      const localPid = `urn:uuid:${randomUUID()}`;
      const now = nowIso(this.ctx);
      const purpose = purposeOf(message);
      const scope = this.scope(tx, afterCommit);
      const record = await recordNew(scope, {
        localPid, role: 'provider', state: 'REQUESTED', providerPid: localPid, consumerPid: message.consumerPid, counterPartyDid: caller.did,
        counterPartyAddress: callbackAddress, datasetId: published.assetId, offer: this.ctx.offers.odrlOffer(published, 'message'),
        ...(purpose !== undefined && { purpose }), createdAt: now, updatedAt: now, version: 0,
      }, 'consumer', 'request', { offerId, ...(purpose !== undefined && { purpose }) });
      await tx.rememberMessage(localPid, hash);
      const actions = new ProviderNegotiationActions(scope, record, published);
      const termsDiffer = hasRules(message.offer) && !sameTerms(message.offer, record.offer);
      await this.reactions.requested({ scope, actions, caller, termsDiffer });
      return ack(record, 201);
    });
  }

  counterRequest(pid: string, message: ContractRequestMessage, caller: VerifiedConsumer): Promise<Reply> {
    return this.onExisting(pid, message, caller, 'provider', async (scope, record) => {
      const published = this.ctx.offers.byAssetId(record.datasetId);
      if (!published) throw new ProtocolRefusal('OfferWithdrawn', `dataset '${record.datasetId}' is no longer offered; terminate this negotiation`);
      const purpose = purposeOf(message) ?? record.purpose;
      const requested = await advance(scope, record, 'consumer', 'request', { ...(purpose !== undefined && { purpose }) }, { offerId: message.offer['@id'] });
      const ours = this.ctx.offers.odrlOffer(published, 'message');
      const termsDiffer = hasRules(message.offer) ? !sameTerms(message.offer, ours) : message.offer['@id'] !== ours['@id'];
      const actions = new ProviderNegotiationActions(scope, requested, published);
      await this.reactions.requested({ scope, actions, caller, termsDiffer, counterRequest: true });
      return actions.record;
    });
  }

  verification(pid: string, message: ContractAgreementVerificationMessage, caller: VerifiedConsumer): Promise<Reply> {
    return this.onExisting(pid, message, caller, 'provider', async (scope, record) => {
      const verified = await advance(scope, record, 'consumer', 'verification');
      const published = this.ctx.offers.byAssetId(record.datasetId);
      if (!published) return verified;
      const actions = new ProviderNegotiationActions(scope, verified, published);
      await this.reactions.verified({ scope, actions, caller, termsDiffer: false });
      return actions.record;
    });
  }

  // Consumer callbacks

  async initialOffer(message: ContractOfferMessage, caller: VerifiedConsumer): Promise<Reply> {
    if (message.consumerPid !== undefined) {
      throw new ProtocolRefusal('UnexpectedConsumerPid', `an initial ContractOfferMessage must not carry a consumerPid; POST it to /negotiations/${message.consumerPid}/offers to continue that negotiation`);
    }
    if (message.callbackAddress === undefined) throw new ProtocolRefusal('MissingCallbackAddress', 'an initial ContractOfferMessage must carry the provider\'s callbackAddress');
    if (message.offer.target === undefined) throw new ProtocolRefusal('MissingOfferTarget', 'the offer of a ContractOfferMessage must name its dataset in target');
    const callbackAddress = message.callbackAddress;
    await this.checkCallback(callbackAddress);
    return transact(this.ctx, async (tx, afterCommit) => {
      const existing = await tx.negotiationByProviderPid(caller.did, message.providerPid);
      if (existing) return ack(existing, 201);
      const localPid = `urn:uuid:${randomUUID()}`;
      const now = nowIso(this.ctx);
      const record = await recordNew(this.scope(tx, afterCommit), {
        localPid, role: 'consumer', state: 'OFFERED', providerPid: message.providerPid, consumerPid: localPid, counterPartyDid: caller.did,
        counterPartyAddress: callbackAddress, datasetId: message.offer.target as string, offer: message.offer, createdAt: now, updatedAt: now, version: 0,
      }, 'provider', 'offer', { offerId: message.offer['@id'] });
      return ack(record, 201);
    });
  }

  offer(pid: string, message: ContractOfferMessage, caller: VerifiedConsumer): Promise<Reply> {
    return this.onExisting(pid, message, caller, 'consumer', async (scope, record) => {
      const requested = record.offer;
      const offered = await advance(scope, record, 'provider', 'offer', { providerPid: message.providerPid, offer: message.offer }, { offerId: message.offer['@id'] });
      return this.consumerReactions.offered({ scope, record: offered, matchesRequest: sameTerms(message.offer, requested) });
    });
  }

  agreement(pid: string, message: ContractAgreementMessage, caller: VerifiedConsumer): Promise<Reply> {
    return this.onExisting(pid, message, caller, 'consumer', (scope, record) => consumerOnAgreement(scope, record, message, this.consumerReactions));
  }

  // Shared paths

  event(pid: string, message: ContractNegotiationEventMessage, caller: VerifiedConsumer): Promise<Reply> {
    return this.onExisting(pid, message, caller, undefined, async (scope, record) => {
      if (record.role === 'provider') {
        if (message.eventType !== 'ACCEPTED') throw new ProtocolRefusal('IllegalEvent', `a consumer may only send eventType ACCEPTED to a provider, not ${message.eventType}`);
        const accepted = await advance(scope, record, 'consumer', 'accepted');
        const published = this.ctx.offers.byAssetId(record.datasetId);
        if (!published) return accepted;
        const actions = new ProviderNegotiationActions(scope, accepted, published);
        await this.reactions.accepted({ scope, actions, caller, termsDiffer: false });
        return actions.record;
      }
      if (message.eventType !== 'FINALIZED') throw new ProtocolRefusal('IllegalEvent', `a provider may only send eventType FINALIZED to a consumer, not ${message.eventType}`);
      return advance(scope, record, 'provider', 'finalized');
    });
  }

  termination(pid: string, message: ContractNegotiationTerminationMessage, caller: VerifiedConsumer): Promise<Reply> {
    return this.onExisting(pid, message, caller, undefined, (scope, record) => {
      const by: Party = record.role === 'provider' ? 'consumer' : 'provider';
      const termination = { by: 'counter-party' as const, ...(message.code !== undefined && { code: message.code }), ...(message.reason && { reason: message.reason }) };
      return advance(scope, record, by, 'termination', { termination }, { code: message.code ?? null, reason: message.reason ?? [] });
    });
  }

  async get(pid: string, caller: VerifiedConsumer): Promise<Reply> {
    return transact(this.ctx, async (tx) => ack(await this.find(tx, pid, caller)));
  }

  // Management (this connector's own decisions)

  async start(input: StartNegotiation): Promise<NegotiationRecord> {
    const offer: OdrlPolicyJson = { ...input.offer, '@type': 'Offer', target: input.datasetId };
    const localPid = `urn:uuid:${randomUUID()}`;
    const message = contractRequestMessage({ consumerPid: localPid, offer, callbackAddress: this.ctx.publicUrl, ...(input.purpose !== undefined && { purpose: input.purpose }) });
    return transact(this.ctx, async (tx, afterCommit) => {
      const scope = this.scope(tx, afterCommit);
      const now = nowIso(this.ctx);
      const record = await recordNew(scope, {
        localPid, role: 'consumer', state: 'REQUESTED', consumerPid: localPid, counterPartyDid: input.providerDid, counterPartyAddress: input.providerUrl,
        datasetId: input.datasetId, offer, ...(input.purpose !== undefined && { purpose: input.purpose }), createdAt: now, updatedAt: now, version: 0,
      }, 'consumer', 'request', { offerId: offer['@id'], provider: input.providerUrl });
      await send(scope, record, 'negotiations/request', 'ContractRequestMessage', message, { onAck: 'record-provider-pid' });
      return record;
    });
  }

  async accept(pid: string): Promise<NegotiationRecord> {
    return transact(this.ctx, async (tx, afterCommit) => {
      const record = await tx.negotiation(pid);
      if (!record || record.role !== 'consumer') throw new ProcessNotFound('negotiation', pid);
      if (record.state !== 'OFFERED') throw new ManagementConflict('NotOffered', `negotiation ${pid} is ${record.state}; only an OFFERED negotiation can be accepted`);
      return consumerAccept(this.scope(tx, afterCommit), record);
    });
  }

  /** The consumer answers the provider's offer with other terms (a counter-offer). */
  async counterOffer(pid: string, offer: OdrlPolicyJson): Promise<NegotiationRecord> {
    return transact(this.ctx, async (tx, afterCommit) => {
      const record = await tx.negotiation(pid);
      if (!record || record.role !== 'consumer') throw new ProcessNotFound('negotiation', pid);
      if (record.state !== 'OFFERED') throw new ManagementConflict('NotOffered', `negotiation ${pid} is ${record.state}; only an OFFERED negotiation can be answered with a counter-offer`);
      return consumerCounterOffer(this.scope(tx, afterCommit), record, offer);
    });
  }

  /** The consumer verifies the agreement it holds (the negotiation is AGREED). */
  async verify(pid: string): Promise<NegotiationRecord> {
    return transact(this.ctx, async (tx, afterCommit) => {
      const record = await tx.negotiation(pid);
      if (!record || record.role !== 'consumer') throw new ProcessNotFound('negotiation', pid);
      if (record.state !== 'AGREED') throw new ManagementConflict('NotAgreed', `negotiation ${pid} is ${record.state}; only an AGREED negotiation can be verified`);
      return consumerVerify(this.scope(tx, afterCommit), record);
    });
  }

  /** One provider step (offer, agree, finalize, terminate) on a negotiation this connector provides, in its own transaction. */
  async providerStep(pid: string, step: (actions: ProviderNegotiationActions) => Promise<NegotiationRecord>): Promise<NegotiationRecord> {
    return transact(this.ctx, async (tx, afterCommit) => {
      const record = await tx.negotiation(pid);
      if (!record || record.role !== 'provider') throw new ProcessNotFound('negotiation', pid);
      if (isTerminalNegotiationState(record.state)) throw new ManagementConflict('AlreadyFinal', `negotiation ${pid} is already ${record.state}`);
      const published = this.ctx.offers.byAssetId(record.datasetId);
      if (!published) throw new ManagementConflict('OfferWithdrawn', `dataset '${record.datasetId}' is no longer offered; the negotiation can only be terminated`);
      return step(new ProviderNegotiationActions(this.scope(tx, afterCommit), record, published));
    });
  }

  async terminate(pid: string, reason: string): Promise<NegotiationRecord> {
    return transact(this.ctx, async (tx, afterCommit) => {
      const record = await tx.negotiation(pid);
      if (!record) throw new ProcessNotFound('negotiation', pid);
      if (isTerminalNegotiationState(record.state)) throw new ManagementConflict('AlreadyFinal', `negotiation ${pid} is already ${record.state}`);
      const scope = this.scope(tx, afterCommit);
      const explanation = { code: 'TerminatedByParticipant', reason: [reason] };
      if (record.role === 'consumer') return consumerTerminate(scope, record, explanation);
      const published = this.ctx.offers.byAssetId(record.datasetId);
      if (published) return new ProviderNegotiationActions(scope, record, published).terminate(explanation);
      const next = await advance(scope, record, 'provider', 'termination', { termination: { by: 'self', ...explanation } }, explanation);
      return next;
    });
  }

  /** The provider acknowledged this consumer's initial request with its providerPid. */
  async recordProviderPid(localPid: string, providerPid: string): Promise<void> {
    await transact(this.ctx, async (tx) => {
      const record = await tx.negotiation(localPid);
      if (!record || record.providerPid === providerPid) return;
      if (record.providerPid !== undefined) {
        this.ctx.log.warn('provider acknowledged with another providerPid than it used in its messages', { negotiation: localPid });
        return;
      }
      await tx.updateNegotiation({ ...record, providerPid, updatedAt: nowIso(this.ctx) });
      await tx.appendAudit({ processKey: localPid, event: 'negotiation.acknowledged', detail: { role: record.role, providerPid, state: record.state } });
    });
  }

  /** A message to the counter-party could not be delivered: the negotiation cannot continue. */
  async deliveryFailed(localPid: string, problem: string): Promise<void> {
    await transact(this.ctx, async (tx, afterCommit) => {
      const record = await tx.negotiation(localPid);
      if (!record || isTerminalNegotiationState(record.state)) return;
      const scope = this.scope(tx, afterCommit);
      const explanation = { code: 'DeliveryFailed', reason: [problem] };
      if (record.role === 'consumer') await consumerTerminate(scope, record, explanation);
      else {
        const published = this.ctx.offers.byAssetId(record.datasetId);
        if (published) await new ProviderNegotiationActions(scope, record, published).terminate(explanation);
        else await advance(scope, record, 'provider', 'termination', { termination: { by: 'self', ...explanation } }, explanation);
      }
    });
  }
}
