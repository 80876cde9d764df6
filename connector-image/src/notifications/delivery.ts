// Delivery of change events from the outbox: the same table, leases, per-process order and backoff as
// the protocol's messages, in a loop of its own so a slow subscriber never holds up a negotiation. Each
// event is signed when it is sent (Ed25519 signs deterministically, so a retry carries the same JWS) and
// delivered at least once; the event id travels as Idempotency-Key and as the JWS's jti.
import { randomUUID } from 'node:crypto';
import type { KeyPair } from '@musubi/core/trust';
import { backoffMs, type DeliverySettings } from '../dispatch/dispatcher.js';
import { OutboundRefused, sendOutbound } from '../net/outbound-http.js';
import type { ConnectorContext } from '../runtime/context.js';
import { PollingLoop } from '../runtime/polling-loop.js';
import type { NotificationDelivery, OutboxJob } from '../store/records.js';
import { signEvent } from './events.js';
import type { ProviderSubscriptions } from './provider.js';

const BATCH = 8;
const KINDS = ['notification'] as const;

type Outcome = { done: true; note?: 'skipped' | 'subscriber-gone' } | { done: false; permanent: boolean; problem: string };

export class EventDispatcher {
  readonly owner = `events-${randomUUID()}`;
  readonly #loop: PollingLoop;

  constructor(
    private readonly ctx: ConnectorContext,
    private readonly deps: { subscriptions: ProviderSubscriptions; signingKey: KeyPair | undefined; settings: DeliverySettings },
  ) {
    this.#loop = new PollingLoop({
      round: () => this.round(),
      intervalMs: this.deps.settings.pollIntervalMs,
      onError: (error) => this.ctx.log.error('event delivery round failed', { error }),
    });
  }

  start(): void {
    this.#loop.start();
  }

  wake(): void {
    this.#loop.wake();
  }

  async stop(): Promise<void> {
    await this.#loop.stop();
  }

  private async round(): Promise<boolean> {
    const jobs = await this.ctx.store.claimOutbox(this.owner, new Date(), this.ctx.outbound.timeoutMs * 2 + 5_000, BATCH, KINDS);
    await Promise.all(jobs.map((job) => this.process(job)));
    return jobs.length > 0;
  }

  private async process(job: OutboxJob): Promise<void> {
    const delivery = job.payload as NotificationDelivery;
    let outcome: Outcome;
    try {
      outcome = await this.deliver(delivery);
    } catch (error) {
      outcome = { done: false, permanent: error instanceof OutboundRefused, problem: (error as Error).message };
    }
    if (outcome.done) {
      await this.ctx.store.completeJob(job.id, this.owner, delivery);
      this.ctx.metrics.deliveries.inc({ kind: job.kind, outcome: outcome.note ?? 'delivered' });
      if (outcome.note === 'subscriber-gone') await this.deps.subscriptions.subscriberGone(delivery.subscriptionId, 'the consumer no longer knows the subscription');
      return;
    }
    const attempt = job.attempts + 1;
    if (!outcome.permanent && attempt < this.deps.settings.maxAttempts) {
      const due = new Date(Date.now() + backoffMs(attempt, this.deps.settings));
      await this.ctx.store.retryJob(job.id, this.owner, due, outcome.problem);
      this.ctx.metrics.deliveries.inc({ kind: job.kind, outcome: 'retry' });
      this.ctx.log.warn('event delivery failed; will retry', { job: job.id, subscription: delivery.subscriptionId, attempt, retryAt: due.toISOString(), problem: outcome.problem });
      return;
    }
    await this.ctx.store.failJob(job.id, this.owner, outcome.problem);
    this.ctx.metrics.deliveries.inc({ kind: job.kind, outcome: 'failed' });
    this.ctx.log.error('event delivery failed for good', { job: job.id, subscription: delivery.subscriptionId, attempts: attempt, problem: outcome.problem });
    await this.deps.subscriptions.deliveryFailed(delivery.subscriptionId, `event ${delivery.claims.jti} (${delivery.claims.type}) was not delivered: ${outcome.problem}`);
  }

  private async deliver(delivery: NotificationDelivery): Promise<Outcome> {
    const key = this.deps.signingKey;
    if (!key) return { done: false, permanent: true, problem: 'no signing key (notifications.signingKeyFile) to sign the event with' };
    // A change queued before the consumer unsubscribed is not sent; the end of a subscription always is.
    if (delivery.claims.type === 'DatasetChanged') {
      const subscription = await this.ctx.store.transaction((tx) => tx.subscription(delivery.subscriptionId));
      if (subscription?.state !== 'ACTIVE') return { done: true, note: 'skipped' };
    }
    const response = await sendOutbound({
      url: delivery.url, method: 'POST', timeoutMs: this.ctx.outbound.timeoutMs, maxResponseBytes: 16 * 1024,
      headers: { 'content-type': 'application/json', accept: 'application/json', 'idempotency-key': delivery.claims.jti },
      body: JSON.stringify({ event: await signEvent(delivery.claims, key) }),
    }, this.ctx.outbound, 'subscriber callback');
    const { status } = response;
    if (status >= 200 && status <= 299) return { done: true };
    if (status === 404 || status === 410) return { done: true, note: 'subscriber-gone' };
    const problem = `${delivery.url} answered HTTP ${status}: ${response.body.toString('utf8').slice(0, 300)}`;
    return { done: false, permanent: status >= 400 && status <= 499 && status !== 408 && status !== 429, problem };
  }
}
