// The consumer's side of subscriptions: subscribing on a participant's request (the provider answers at
// once, so a refusal reaches the participant with the provider's reason), and receiving events: each
// is checked against the subscription it names and the provider's DID key before anything is stored,
// remembered by its id so a redelivery is acknowledged without being recorded twice, and appended to
// the audit log.
import { randomUUID } from 'node:crypto';
import type { KeyResolver } from '@musubi/core/trust';
import type { CallerCredentials } from '../identity/caller.js';
import { OutboundFailed, sendOutbound } from '../net/outbound-http.js';
import { callbackUrl, pidSegment } from '../protocol/index.js';
import { ManagementConflict, ProcessNotFound } from '../runtime/errors.js';
import { nowIso, transact, type ConnectorContext } from '../runtime/context.js';
import type { SubscriptionRecord } from '../store/records.js';
import { EventRejected, readEvent, verifyEventSignature } from './events.js';

/** No subscription with that id on this side. */
export class SubscriptionNotFound extends Error {
  constructor(readonly id: string) {
    super(`no subscription '${id.slice(0, 200)}'`);
    this.name = 'SubscriptionNotFound';
  }
}

/** The provider refused the subscription; `code` and the message are the provider's. */
export class SubscriptionDeclined extends Error {
  constructor(readonly code: string, message: string, readonly providerStatus: number) {
    super(message);
    this.name = 'SubscriptionDeclined';
  }
}

/** How far an event's issue time may lie in the future (clock skew between the two connectors). */
const MAX_CLOCK_SKEW_SECONDS = 120;

/** The path of the events endpoint under the DSP base URL. */
export const EVENTS_PATH = 'notifications/events';

function answerOf(body: Buffer): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export class ConsumerSubscriptions {
  constructor(
    private readonly ctx: ConnectorContext,
    private readonly credentials: CallerCredentials,
    private readonly keys: KeyResolver | undefined,
  ) {}

  async subscribe(agreementId: string): Promise<SubscriptionRecord> {
    if (!this.keys) {
      throw new ManagementConflict('NotificationsUnavailable', 'this connector has no DID resolver to verify providers\' event signatures; it cannot subscribe');
    }
    const requested = await transact(this.ctx, async (tx) => {
      const agreement = await tx.agreement(agreementId);
      if (!agreement || agreement.role !== 'consumer' || !agreement.providerAddress) throw new ProcessNotFound('agreement', agreementId);
      const negotiation = await tx.negotiation(agreement.negotiationPid);
      if (negotiation?.state !== 'FINALIZED') {
        throw new ManagementConflict('AgreementNotFinalized', `the negotiation of agreement ${agreementId} is ${negotiation?.state ?? 'missing'}; subscribe once it is FINALIZED`);
      }
      const now = nowIso(this.ctx);
      const record: SubscriptionRecord = {
        localId: `urn:uuid:${randomUUID()}`, role: 'consumer', state: 'REQUESTED', agreementId, datasetId: agreement.datasetId, counterPartyDid: agreement.providerDid,
        counterPartyAddress: agreement.providerAddress, lastSeq: 0, createdAt: now, updatedAt: now, version: 0,
      };
      await tx.insertSubscription(record);
      await tx.appendAudit({ processKey: record.localId, event: 'subscription.requested', detail: { role: 'consumer', agreementId, dataset: agreement.datasetId, provider: agreement.providerDid } });
      return record;
    });
    let response;
    try {
      response = await sendOutbound({
        url: callbackUrl(requested.counterPartyAddress, 'notifications/subscriptions'), method: 'POST', timeoutMs: this.ctx.outbound.timeoutMs, maxResponseBytes: 64 * 1024,
        headers: { 'content-type': 'application/json', accept: 'application/json', authorization: await this.credentials.authorizationFor(requested.counterPartyDid) },
        body: JSON.stringify({ agreementId, callbackUrl: callbackUrl(this.ctx.publicUrl, EVENTS_PATH), consumerSubscriptionId: requested.localId }),
      }, this.ctx.outbound, 'provider URL');
    } catch (error) {
      await this.settle(requested.localId, { refused: { code: 'ProviderUnreachable', message: (error as Error).message } });
      throw error;
    }
    const answer = answerOf(response.body);
    if (response.status === 200 || response.status === 201) {
      if (typeof answer.subscriptionId !== 'string' || answer.subscriptionId.length === 0) {
        await this.settle(requested.localId, { refused: { code: 'InvalidAnswer', message: 'the provider accepted without a subscriptionId' } });
        throw new OutboundFailed('the provider accepted the subscription without naming it (no subscriptionId)');
      }
      return this.settle(requested.localId, { active: { remoteId: answer.subscriptionId, ...(typeof answer.currentVersion === 'string' && { version: answer.currentVersion }) } });
    }
    const code = typeof answer.error === 'string' ? answer.error : `HTTP${response.status}`;
    const message = typeof answer.message === 'string' ? answer.message : `the provider answered HTTP ${response.status}`;
    await this.settle(requested.localId, { refused: { code, message } });
    throw new SubscriptionDeclined(code, `the provider refused the subscription (${code}): ${message}`, response.status);
  }

  private async settle(localId: string, outcome: { active: { remoteId: string; version?: string } } | { refused: { code: string; message: string } }): Promise<SubscriptionRecord> {
    return transact(this.ctx, async (tx) => {
      const record = await tx.subscription(localId);
      if (!record) throw new SubscriptionNotFound(localId);
      // An event may have arrived (and ended it) before the provider's answer was recorded.
      if (record.state !== 'REQUESTED') return record;
      const at = nowIso(this.ctx);
      if ('active' in outcome) {
        const next = await tx.updateSubscription({
          ...record, state: 'ACTIVE', remoteId: outcome.active.remoteId, ...(outcome.active.version !== undefined && { lastVersion: outcome.active.version }), updatedAt: at,
        });
        await tx.appendAudit({ processKey: localId, event: 'subscription.active', detail: { role: 'consumer', providerSubscriptionId: outcome.active.remoteId } });
        return next;
      }
      const next = await tx.updateSubscription({ ...record, state: 'REFUSED', end: { by: 'counter-party', ...outcome.refused, at }, updatedAt: at });
      await tx.appendAudit({ processKey: localId, event: 'subscription.refused', detail: { role: 'consumer', ...outcome.refused } });
      return next;
    });
  }

  /** Ends a subscription of this consumer and tells the provider (best effort: its next event would be answered 410). */
  async unsubscribe(localId: string): Promise<SubscriptionRecord> {
    const record = await transact(this.ctx, async (tx) => {
      const current = await tx.subscription(localId);
      if (!current || current.role !== 'consumer') throw new SubscriptionNotFound(localId);
      if (current.state === 'ENDED' || current.state === 'REFUSED') return current;
      const at = nowIso(this.ctx);
      const next = await tx.updateSubscription({ ...current, state: 'ENDED', end: { by: 'self', code: 'Unsubscribed', message: 'ended by the participant', at }, updatedAt: at });
      await tx.appendAudit({ processKey: localId, event: 'subscription.ended', detail: { role: 'consumer', by: 'self', code: 'Unsubscribed' } });
      return next;
    });
    if (record.remoteId) {
      try {
        const response = await sendOutbound({
          url: callbackUrl(record.counterPartyAddress, `notifications/subscriptions/${pidSegment(record.remoteId)}/termination`), method: 'POST', timeoutMs: this.ctx.outbound.timeoutMs,
          maxResponseBytes: 64 * 1024, headers: { accept: 'application/json', authorization: await this.credentials.authorizationFor(record.counterPartyDid) },
        }, this.ctx.outbound, 'provider URL');
        if (response.status >= 300) this.ctx.log.warn('the provider did not confirm the end of a subscription', { subscription: localId, status: response.status });
      } catch (error) {
        this.ctx.log.warn('telling the provider about the end of a subscription failed', { subscription: localId, error });
      }
    }
    return record;
  }

  /** An event posted to this connector: verified, de-duplicated, recorded. */
  async receive(body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const jws = typeof body === 'object' && body !== null ? (body as { event?: unknown }).event : undefined;
    if (typeof jws !== 'string') throw new EventRejected('MalformedEvent', 'send {"event": "<compact JWS>"} as JSON', 400);
    const { decoded, claims } = readEvent(jws);
    // Only a subscription this connector made decides whose key is asked: an event cannot make it resolve an arbitrary DID.
    const subscription = await this.ctx.store.transaction((tx) => tx.subscription(claims.consumerSubscriptionId));
    if (!subscription || subscription.role !== 'consumer' || subscription.counterPartyDid !== claims.iss || subscription.agreementId !== claims.agreementId
      || (subscription.remoteId !== undefined && subscription.remoteId !== claims.sub)) {
      throw new EventRejected('UnknownSubscription', `no subscription '${claims.consumerSubscriptionId.slice(0, 200)}' of ${claims.iss.slice(0, 200)} for agreement '${claims.agreementId.slice(0, 200)}'`, 404);
    }
    if (!this.keys) throw new EventRejected('KeyUnavailable', 'this connector cannot verify event signatures', 503);
    await verifyEventSignature(decoded, subscription.counterPartyDid, this.keys);
    if (claims.aud !== this.ctx.participantDid) throw new EventRejected('WrongAudience', `the event is for ${claims.aud.slice(0, 200)}, not ${this.ctx.participantDid}`, 401);
    if (claims.iat > this.ctx.clock().getTime() / 1000 + MAX_CLOCK_SKEW_SECONDS) throw new EventRejected('NotYetValid', 'the event is issued in the future; check the provider\'s clock', 401);
    return transact(this.ctx, async (tx) => {
      const current = await tx.subscription(subscription.localId);
      if (!current) throw new EventRejected('UnknownSubscription', `no subscription '${subscription.localId}'`, 404);
      const receivedAt = nowIso(this.ctx);
      if (!(await tx.recordEvent({ subscriptionId: current.localId, eventId: claims.jti, seq: claims.seq, receivedAt, claims, jws }))) {
        return { status: 200, body: { status: 'duplicate', eventId: claims.jti } };
      }
      if (current.state === 'ENDED' || current.state === 'REFUSED') {
        throw new EventRejected('SubscriptionEnded', `subscription '${current.localId}' has ended on this side; send no further events`, 410);
      }
      const ends = claims.type === 'SubscriptionEnded';
      await tx.updateSubscription({
        ...current,
        ...(current.state === 'REQUESTED' && { state: 'ACTIVE' as const, remoteId: claims.sub }),
        lastSeq: Math.max(current.lastSeq, claims.seq),
        ...(claims.version !== undefined && claims.seq >= current.lastSeq && { lastVersion: claims.version }),
        ...(ends && { state: 'ENDED' as const, end: { by: 'counter-party' as const, code: claims.reason?.code ?? 'EndedByProvider', message: claims.reason?.message ?? 'the provider ended the subscription', at: receivedAt } }),
        updatedAt: receivedAt,
      });
      await tx.appendAudit({
        processKey: current.localId, event: ends ? 'subscription.ended' : 'notification.received',
        detail: { eventId: claims.jti, seq: claims.seq, type: claims.type, dataset: claims.datasetId, version: claims.version ?? null, provider: claims.iss, ...(claims.reason && { reason: claims.reason }) },
      });
      return { status: 200, body: { status: 'accepted', eventId: claims.jti } };
    });
  }
}
