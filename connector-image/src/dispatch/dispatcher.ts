// The outbox dispatcher: delivers the DSP messages and data pushes that state changes queued, in
// order per process, retrying with exponential backoff. Jobs live in the store, so a restart picks up
// where the last run stopped; delivery is at least once and receivers recognise repeats. A message the
// counter-party refuses, or that cannot be delivered after the last attempt, ends its process with the
// reason recorded (terminations themselves are best effort and end nothing more). Scheduling runs on
// the wall clock, like the due times the store writes; the connector's clock is for what messages mean.
import { randomUUID } from 'node:crypto';
import type { CallerCredentials } from '../identity/caller.js';
import { OutboundFailed, OutboundRefused, sendOutbound } from '../net/outbound-http.js';
import { readDspMessage, type DataAddress } from '../protocol/index.js';
import { redactDataAddress } from '../dataplane/addresses.js';
import { PushRejected, pushTransferData } from '../dataplane/push.js';
import type { ConnectorContext } from '../runtime/context.js';
import { PollingLoop } from '../runtime/polling-loop.js';
import type { DspDelivery, OutboxJob, PushDelivery } from '../store/records.js';
import type { Negotiations } from '../negotiation/service.js';
import type { Transfers } from '../transfer/service.js';

export interface DeliverySettings {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  pollIntervalMs: number;
}

/** Delivery failed for good: retrying cannot help. */
class Undeliverable extends Error {}

const BATCH = 8;

export function backoffMs(attempt: number, settings: Pick<DeliverySettings, 'baseDelayMs' | 'maxDelayMs'>, random: () => number = Math.random): number {
  const exponential = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  // Full jitter on the upper half keeps replicas retrying the same peer from stampeding together.
  return Math.round(exponential / 2 + random() * (exponential / 2));
}

/** What the counter-party said when refusing, for the termination reason. */
function refusalDetail(body: Buffer): string {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { code?: unknown; reason?: unknown };
    const parts = [typeof parsed.code === 'string' ? parsed.code : undefined, Array.isArray(parsed.reason) ? parsed.reason.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('; ') : undefined];
    const text = parts.filter(Boolean).join(': ');
    return text ? ` (${text.slice(0, 500)})` : '';
  } catch {
    return '';
  }
}

function redactMessage(message: Record<string, unknown>): Record<string, unknown> {
  const address = message.dataAddress as DataAddress | undefined;
  return address ? { ...message, dataAddress: redactDataAddress(address) } : message;
}

export class OutboxDispatcher {
  readonly owner = `dispatcher-${randomUUID()}`;
  readonly #loop: PollingLoop;

  constructor(
    private readonly ctx: ConnectorContext,
    private readonly deps: { credentials: CallerCredentials; negotiations: Negotiations; transfers: Transfers; settings: DeliverySettings },
  ) {
    this.#loop = new PollingLoop({
      round: () => this.round(),
      intervalMs: this.deps.settings.pollIntervalMs,
      onError: (error) => this.ctx.log.error('outbox dispatch round failed', { error }),
    });
  }

  async start(): Promise<void> {
    if (this.#loop.running) return;
    // A single-process store has no other dispatcher: leases left by a crashed run would only delay resumption.
    if (this.ctx.store.kind === 'sqlite') await this.ctx.store.releaseLeases();
    this.#loop.start();
  }

  wake(): void {
    this.#loop.wake();
  }

  async stop(): Promise<void> {
    await this.#loop.stop();
  }

  private async round(): Promise<boolean> {
    const leaseMs = this.ctx.outbound.timeoutMs * 2 + 5_000;
    const jobs = await this.ctx.store.claimOutbox(this.owner, new Date(), leaseMs, BATCH);
    await Promise.all(jobs.map((job) => this.process(job)));
    return jobs.length > 0;
  }

  private async process(job: OutboxJob): Promise<void> {
    try {
      const finalPayload = job.kind === 'push-data' ? await this.push(job.payload as PushDelivery) : await this.deliver(job.payload as DspDelivery);
      await this.ctx.store.completeJob(job.id, this.owner, finalPayload);
      this.ctx.metrics.deliveries.inc({ kind: job.kind, outcome: 'delivered' });
    } catch (error) {
      const problem = error instanceof Error ? error.message : String(error);
      const attempt = job.attempts + 1;
      const permanent = error instanceof Undeliverable || attempt >= this.deps.settings.maxAttempts;
      if (!permanent) {
        const due = new Date(Date.now() + backoffMs(attempt, this.deps.settings));
        await this.ctx.store.retryJob(job.id, this.owner, due, problem);
        this.ctx.metrics.deliveries.inc({ kind: job.kind, outcome: 'retry' });
        this.ctx.log.warn('delivery failed; will retry', { job: job.id, process: job.processKey, attempt, retryAt: due.toISOString(), problem });
        return;
      }
      await this.ctx.store.failJob(job.id, this.owner, problem);
      this.ctx.metrics.deliveries.inc({ kind: job.kind, outcome: 'failed' });
      this.ctx.log.error('delivery failed for good', { job: job.id, process: job.processKey, attempts: attempt, problem });
      await this.giveUp(job, attempt >= this.deps.settings.maxAttempts && !(error instanceof Undeliverable) ? `${problem} (gave up after ${attempt} attempts)` : problem);
    }
  }

  private async giveUp(job: OutboxJob, problem: string): Promise<void> {
    try {
      if (job.kind === 'push-data') {
        await this.deps.transfers.deliveryFailed(job.processKey, `pushing the data failed: ${problem}`);
        return;
      }
      const delivery = job.payload as DspDelivery;
      if (delivery.bestEffort) return;
      const what = `the ${delivery.messageType} could not be delivered: ${problem}`;
      if (delivery.process === 'negotiation') await this.deps.negotiations.deliveryFailed(job.processKey, what);
      else await this.deps.transfers.deliveryFailed(job.processKey, what);
    } catch (error) {
      this.ctx.log.error('recording a failed delivery failed', { job: job.id, process: job.processKey, error });
    }
  }

  private async deliver(delivery: DspDelivery): Promise<DspDelivery> {
    const authorization = await this.deps.credentials.authorizationFor(delivery.audience);
    let response;
    try {
      response = await sendOutbound({
        url: delivery.url, method: 'POST', body: JSON.stringify(delivery.message), timeoutMs: this.ctx.outbound.timeoutMs, maxResponseBytes: 1024 * 1024,
        headers: { 'content-type': 'application/json', accept: 'application/json', authorization },
      }, this.ctx.outbound, 'counter-party address');
    } catch (error) {
      if (error instanceof OutboundRefused) throw new Undeliverable(error.message);
      throw error;
    }
    const { status } = response;
    if (status >= 200 && status <= 299) {
      this.ctx.observeWire?.({ direction: 'sent', messageType: delivery.messageType, message: delivery.message });
      if (delivery.onAck === 'record-provider-pid') await this.recordAck(delivery, response.body);
      return { ...delivery, message: redactMessage(delivery.message) };
    }
    const detail = `${delivery.url} answered HTTP ${status}${refusalDetail(response.body)}`;
    if (status >= 400 && status <= 499 && status !== 408 && status !== 429) throw new Undeliverable(detail);
    throw new OutboundFailed(detail);
  }

  private async recordAck(delivery: DspDelivery, body: Buffer): Promise<void> {
    const consumerPid = String(delivery.message.consumerPid);
    try {
      const json: unknown = JSON.parse(body.toString('utf8'));
      if (delivery.process === 'negotiation') {
        const ack = readDspMessage('ContractNegotiation', json);
        this.ctx.observeWire?.({ direction: 'received', messageType: 'ContractNegotiation', message: ack });
        if (ack.consumerPid === consumerPid) await this.deps.negotiations.recordProviderPid(consumerPid, ack.providerPid);
      } else {
        const ack = readDspMessage('TransferProcess', json);
        this.ctx.observeWire?.({ direction: 'received', messageType: 'TransferProcess', message: ack });
        if (ack.consumerPid === consumerPid) await this.deps.transfers.recordProviderPid(consumerPid, ack.providerPid);
      }
    } catch (error) {
      // The provider's later messages carry its providerPid too; an unreadable ACK only delays learning it.
      this.ctx.log.warn('the provider acknowledged with a body that is not a valid DSP answer', { url: delivery.url, error });
    }
  }

  private async push(delivery: PushDelivery): Promise<PushDelivery> {
    try {
      await pushTransferData(this.ctx, delivery.transferPid);
    } catch (error) {
      if (error instanceof PushRejected) throw new Undeliverable(error.message);
      throw error;
    }
    return delivery;
  }
}
