// The provider's side of subscriptions: a consumer holding an agreement subscribes to its dataset (with
// the same caller credentials as every DSP request); when the dataset's data changes, one event per
// active subscription is queued in the outbox in the same transaction that records the change, so a
// crash can neither lose an announced change nor announce it twice. Subscriptions whose agreement no
// longer stands end, and the consumer is told so.
import { randomUUID } from 'node:crypto';
import type { VerifiedConsumer } from '@musubi/core/policy';
import type { KeyPair } from '@musubi/core/trust';
import { z } from 'zod';
import { checkOutboundDestination, OutboundRefused } from '../net/outbound-http.js';
import { nowIso, transact, type AfterCommit, type ConnectorContext } from '../runtime/context.js';
import type { ChangeTrigger, NotificationClaims, NotificationType, SubscriptionRecord } from '../store/records.js';
import type { StoreTx } from '../store/store.js';
import { agreementStanding } from './standing.js';

export const SubscribeRequest = z.strictObject({
  agreementId: z.string().min(1).max(512).describe('The agreement for the dataset, as the provider knows it.'),
  callbackUrl: z.string().url().max(2048).describe('Where the provider posts the signed events.'),
  consumerSubscriptionId: z.string().min(1).max(256).describe('The consumer\'s id of the subscription; repeating a request with it is idempotent.'),
});
export type SubscribeRequest = z.infer<typeof SubscribeRequest>;

/** A subscription request or call the provider refuses; `status` is the HTTP answer. */
export class SubscriptionRefused extends Error {
  constructor(readonly code: string, message: string, readonly status: number, readonly details?: Record<string, unknown>[]) {
    super(message);
    this.name = 'SubscriptionRefused';
  }
}

export interface DataChange {
  trigger: ChangeTrigger;
  version?: string;
  previousVersion?: string;
  note?: string;
}

export interface ProviderSubscriptionSettings {
  signingKey?: KeyPair;
  maxSubscriptionsPerAgreement: number;
}

/** Hard cap on the subscriptions one change fans out to, so one transaction stays bounded. */
const MAX_FAN_OUT = 10_000;
const PAGE = 500;

export function subscriptionAnswer(record: SubscriptionRecord): Record<string, unknown> {
  return {
    subscriptionId: record.localId, consumerSubscriptionId: record.remoteId ?? null, agreementId: record.agreementId, datasetId: record.datasetId,
    state: record.state, ...(record.lastVersion !== undefined && { currentVersion: record.lastVersion }), ...(record.end && { end: record.end }),
  };
}

export class ProviderSubscriptions {
  constructor(
    private readonly ctx: ConnectorContext,
    private readonly settings: ProviderSubscriptionSettings,
    private readonly wake: { watcher: () => void; dispatcher: () => void },
  ) {}

  async subscribe(caller: VerifiedConsumer, request: SubscribeRequest): Promise<{ status: number; record: SubscriptionRecord }> {
    if (!this.settings.signingKey) {
      throw new SubscriptionRefused('NotificationsUnavailable', 'this provider has no key to sign change events (notifications.signingKeyFile is not set); it accepts no subscriptions', 501);
    }
    try {
      await checkOutboundDestination(request.callbackUrl, this.ctx.outbound, 'callbackUrl');
    } catch (error) {
      if (error instanceof OutboundRefused) throw new SubscriptionRefused('CallbackRefused', error.message, 400);
      throw error;
    }
    const outcome = await transact(this.ctx, async (tx, afterCommit) => {
      const existing = await tx.subscriptionByRemoteId('provider', caller.did, request.consumerSubscriptionId);
      if (existing) {
        if (existing.agreementId !== request.agreementId || existing.counterPartyAddress !== request.callbackUrl) {
          throw new SubscriptionRefused('DuplicateSubscriptionId', `consumerSubscriptionId '${request.consumerSubscriptionId}' already names another subscription of ${caller.did}; choose a new id`, 409);
        }
        return { status: 200, record: existing };
      }
      const standing = await agreementStanding(this.ctx, tx, request.agreementId, caller);
      if (!standing.ok) throw new SubscriptionRefused(standing.code, standing.message, standing.status, standing.denials);
      // Events go to the connector that negotiated the agreement, not to whatever address a caller names.
      const negotiated = new URL(standing.consumerAddress).origin;
      if (new URL(request.callbackUrl).origin !== negotiated) {
        throw new SubscriptionRefused('CallbackRefused', `callbackUrl must be on the connector that negotiated agreement '${request.agreementId}' (${negotiated})`, 400);
      }
      const active = await tx.listSubscriptions({ role: 'provider', state: 'ACTIVE', agreementId: request.agreementId, limit: this.settings.maxSubscriptionsPerAgreement + 1 });
      if (active.length >= this.settings.maxSubscriptionsPerAgreement) {
        throw new SubscriptionRefused('TooManySubscriptions', `agreement '${request.agreementId}' already has ${active.length} active subscriptions, the most this provider allows; end one first`, 409);
      }
      const now = nowIso(this.ctx);
      const version = await tx.offerVersion(standing.agreement.datasetId);
      const record: SubscriptionRecord = {
        localId: `urn:uuid:${randomUUID()}`, role: 'provider', state: 'ACTIVE', agreementId: request.agreementId, datasetId: standing.agreement.datasetId,
        counterPartyDid: caller.did, remoteId: request.consumerSubscriptionId, counterPartyAddress: request.callbackUrl, consumer: caller,
        ...(standing.purpose !== undefined && { purpose: standing.purpose }), lastSeq: 0, ...(version && { lastVersion: version.version }),
        createdAt: now, updatedAt: now, version: 0,
      };
      await tx.insertSubscription(record);
      await tx.appendAudit({ processKey: record.localId, event: 'subscription.created', detail: { role: 'provider', agreementId: record.agreementId, dataset: record.datasetId, consumer: caller.did } });
      // The watcher takes the dataset's baseline version soon, so a change right after subscribing is seen.
      afterCommit(this.wake.watcher);
      return { status: 201, record };
    });
    return outcome;
  }

  async find(caller: VerifiedConsumer, localId: string): Promise<SubscriptionRecord> {
    const record = await this.ctx.store.transaction((tx) => tx.subscription(localId));
    if (!record || record.role !== 'provider' || record.counterPartyDid !== caller.did) throw new SubscriptionRefused('UnknownSubscription', `no subscription '${localId.slice(0, 200)}' of ${caller.did}`, 404);
    return record;
  }

  /** The consumer ends its subscription; it needs no event about that. */
  async unsubscribe(caller: VerifiedConsumer, localId: string): Promise<SubscriptionRecord> {
    return transact(this.ctx, async (tx, afterCommit) => {
      const record = await tx.subscription(localId);
      if (!record || record.role !== 'provider' || record.counterPartyDid !== caller.did) throw new SubscriptionRefused('UnknownSubscription', `no subscription '${localId.slice(0, 200)}' of ${caller.did}`, 404);
      if (record.state !== 'ACTIVE') return record;
      return this.end({ tx, afterCommit }, record, { by: 'counter-party', code: 'Unsubscribed', message: 'the consumer ended the subscription' }, false);
    });
  }

  /** This provider's participant ends a subscription; the consumer is told with a SubscriptionEnded event. */
  async endByProvider(localId: string, message: string): Promise<SubscriptionRecord | undefined> {
    return transact(this.ctx, async (tx, afterCommit) => {
      const record = await tx.subscription(localId);
      if (!record || record.role !== 'provider') return undefined;
      if (record.state !== 'ACTIVE') return record;
      return this.end({ tx, afterCommit }, record, { by: 'self', code: 'EndedByProvider', message }, true);
    });
  }

  /** The consumer answered that it does not know the subscription (any more). */
  async subscriberGone(localId: string, problem: string): Promise<void> {
    await transact(this.ctx, async (tx, afterCommit) => {
      const record = await tx.subscription(localId);
      if (!record || record.role !== 'provider' || record.state !== 'ACTIVE') return;
      await this.end({ tx, afterCommit }, record, { by: 'counter-party', code: 'SubscriberGone', message: problem }, false);
    });
  }

  /** Records an event that could not be delivered for good, for the management view. */
  async deliveryFailed(localId: string, problem: string): Promise<void> {
    await transact(this.ctx, async (tx) => {
      const record = await tx.subscription(localId);
      if (!record) return;
      await tx.updateSubscription({ ...record, lastDeliveryError: problem.slice(0, 1000), updatedAt: nowIso(this.ctx) });
      await tx.appendAudit({ processKey: localId, event: 'notification.undeliverable', detail: { problem: problem.slice(0, 1000) } });
    });
  }

  /**
   * Announces a change of `assetId` to every active subscription whose agreement still stands, ending
   * the others. Runs in the caller's transaction when given one (the change watcher records the new
   * version in the same transaction).
   */
  async announceChange(tx: StoreTx, afterCommit: AfterCommit, assetId: string, change: DataChange): Promise<{ notified: number; ended: number }> {
    const subscriptions = await this.active(tx, assetId);
    let notified = 0;
    let ended = 0;
    const changedAt = nowIso(this.ctx);
    for (const record of subscriptions) {
      const standing = record.consumer ? await agreementStanding(this.ctx, tx, record.agreementId, record.consumer) : undefined;
      if (!standing?.ok) {
        await this.end({ tx, afterCommit }, record, {
          by: 'self', code: standing?.code ?? 'AgreementUnverifiable', message: standing?.message ?? 'the subscription has no verified consumer to evaluate the agreement for',
        }, true);
        ended++;
        continue;
      }
      const next = await tx.updateSubscription({ ...record, lastSeq: record.lastSeq + 1, ...(change.version !== undefined && { lastVersion: change.version }), updatedAt: changedAt });
      const eventId = await this.queue(tx, next, 'DatasetChanged', {
        changedAt, trigger: change.trigger, ...(change.version !== undefined && { version: change.version }),
        ...(change.previousVersion !== undefined && { previousVersion: change.previousVersion }), ...(change.note !== undefined && { note: change.note }),
      });
      await tx.appendAudit({ processKey: next.localId, event: 'notification.queued', detail: { eventId, seq: next.lastSeq, dataset: assetId, version: change.version ?? null, trigger: change.trigger } });
      notified++;
    }
    if (notified > 0) afterCommit(this.wake.dispatcher);
    return { notified, ended };
  }

  /** Ends the active subscriptions whose agreement no longer stands (expired, used up, withdrawn); at most `limit`. */
  async endLapsed(limit = PAGE): Promise<number> {
    return transact(this.ctx, async (tx, afterCommit) => {
      const active = await tx.listSubscriptions({ role: 'provider', state: 'ACTIVE', limit });
      let ended = 0;
      for (const record of active) {
        const standing = record.consumer ? await agreementStanding(this.ctx, tx, record.agreementId, record.consumer) : undefined;
        if (standing?.ok) continue;
        await this.end({ tx, afterCommit }, record, {
          by: 'self', code: standing?.code ?? 'AgreementUnverifiable', message: standing?.message ?? 'the subscription has no verified consumer to evaluate the agreement for',
        }, true);
        ended++;
      }
      return ended;
    });
  }

  private async active(tx: StoreTx, datasetId: string): Promise<SubscriptionRecord[]> {
    const all: SubscriptionRecord[] = [];
    for (let offset = 0; offset < MAX_FAN_OUT; offset += PAGE) {
      const page = await tx.listSubscriptions({ role: 'provider', state: 'ACTIVE', datasetId, limit: PAGE, offset });
      all.push(...page);
      if (page.length < PAGE) break;
    }
    return all;
  }

  private async end(
    scope: { tx: StoreTx; afterCommit: AfterCommit },
    record: SubscriptionRecord,
    end: { by: 'self' | 'counter-party'; code: string; message: string },
    notify: boolean,
  ): Promise<SubscriptionRecord> {
    const at = nowIso(this.ctx);
    let next = await scope.tx.updateSubscription({ ...record, state: 'ENDED', end: { ...end, at }, updatedAt: at });
    await scope.tx.appendAudit({ processKey: record.localId, event: 'subscription.ended', detail: { role: 'provider', by: end.by, code: end.code, message: end.message } });
    if (notify) {
      next = await scope.tx.updateSubscription({ ...next, lastSeq: next.lastSeq + 1 });
      await this.queue(scope.tx, next, 'SubscriptionEnded', { changedAt: at, reason: { code: end.code, message: end.message.slice(0, 2000) } });
      scope.afterCommit(this.wake.dispatcher);
    }
    return next;
  }

  private async queue(tx: StoreTx, record: SubscriptionRecord, type: NotificationType, content: Pick<NotificationClaims, 'changedAt'> & Partial<NotificationClaims>): Promise<string> {
    const eventId = `urn:uuid:${randomUUID()}`;
    const claims: NotificationClaims = {
      ...content,
      iss: this.ctx.participantDid, aud: record.counterPartyDid, sub: record.localId, jti: eventId, iat: Math.floor(this.ctx.clock().getTime() / 1000),
      type, seq: record.lastSeq, consumerSubscriptionId: record.remoteId ?? '', agreementId: record.agreementId, datasetId: record.datasetId,
    };
    await tx.enqueue({ processKey: record.localId, kind: 'notification', payload: { subscriptionId: record.localId, url: record.counterPartyAddress, claims } });
    return eventId;
  }
}
