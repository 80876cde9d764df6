// HTTP push: the provider streams the offer's data to the endpoint the consumer named in its transfer
// request, then completes the transfer. Runs from the outbox, after the start message was delivered,
// so a crash in the middle resumes with the push, never with a forgotten transfer. The data goes from
// the source to the consumer's socket with backpressure; a push that breaks off is retried whole (the
// consumer keeps nothing of an incomplete push).
import { pipeline } from 'node:stream';
import { OutboundFailed, OutboundRefused } from '../net/outbound-http.js';
import { openOutbound, readSmallBody } from '../net/outbound-stream.js';
import { transferCompletionMessage } from '../protocol/index.js';
import { transact, type ConnectorContext } from '../runtime/context.js';
import { advanceTransfer, counterPartyPath, sendTransferMessage, transferPids } from '../transfer/steps.js';
import { authorizationOf } from './addresses.js';
import { TransferMeter, TransferTooLarge } from './meter.js';
import { DataSourceFailed, openOfferData } from './sources.js';

/** A push that cannot succeed by retrying (refused destination, client error, data over the limit). */
export class PushRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PushRejected';
  }
}

/** How often a running push renews its outbox lease, so no other dispatcher starts the same push. */
const LEASE_HEARTBEAT_MS = 10_000;

function permanent(error: unknown): PushRejected | undefined {
  if (error instanceof PushRejected) return error;
  if (error instanceof OutboundRefused || error instanceof TransferTooLarge) return new PushRejected(error.message);
  if (error instanceof DataSourceFailed && !error.retryable) return new PushRejected(error.message);
  return undefined;
}

export async function pushTransferData(ctx: ConnectorContext, transferPid: string): Promise<'pushed' | 'skipped'> {
  const record = await ctx.store.transaction((tx) => tx.transfer(transferPid));
  if (!record || record.role !== 'provider' || record.state !== 'STARTED' || record.format !== 'HttpData-PUSH') return 'skipped';
  const endpoint = record.dataAddress?.endpoint;
  if (!endpoint || !record.dataAddress) throw new PushRejected(`transfer ${transferPid} has no push destination`);
  const offer = ctx.offers.byAssetId(record.datasetId);
  if (!offer) throw new PushRejected(`dataset '${record.datasetId}' is no longer offered`);
  const authorization = authorizationOf(record.dataAddress);
  const leaseMs = Math.max(2 * ctx.dataPlane.idleTimeoutMs, 2 * LEASE_HEARTBEAT_MS) + ctx.outbound.timeoutMs;
  const heartbeat = setInterval(() => {
    ctx.store.extendLease(transferPid, 'push-data', new Date(Date.now() + leaseMs))
      .catch((error: unknown) => ctx.log.warn('renewing the lease of a running push failed', { transfer: transferPid, error }));
  }, LEASE_HEARTBEAT_MS);
  heartbeat.unref();
  const meter = new TransferMeter(ctx.dataPlane.maxDataBytes, `the data of dataset '${record.datasetId}'`);
  try {
    const source = await openOfferData(offer, { maxBytes: ctx.dataPlane.maxDataBytes, allowHttp: ctx.outbound.allowHttp });
    const body = pipeline(source.body, meter, () => undefined);
    const response = await openOutbound({
      url: endpoint, method: 'POST', body, ...(source.length !== undefined && { bodyLength: source.length }), idleTimeoutMs: ctx.dataPlane.idleTimeoutMs, expectContinue: true,
      headers: { 'content-type': source.mediaType, ...(authorization && { authorization }) },
    }, ctx.outbound, 'push destination');
    const answer = await readSmallBody(response.body, 4 * 1024);
    const { status } = response;
    if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
      throw new PushRejected(`the push destination answered HTTP ${status}${answer ? `: ${answer.slice(0, 300)}` : ''}`);
    }
    if (status < 200 || status > 299) throw new OutboundFailed(`the push destination answered HTTP ${status}`);
    if (meter.sha256 === undefined) throw new OutboundFailed('the push destination answered before the data was sent completely');
  } catch (error) {
    meter.destroy();
    throw permanent(error) ?? error;
  } finally {
    clearInterval(heartbeat);
  }
  await transact(ctx, async (tx, afterCommit) => {
    const current = await tx.transfer(transferPid);
    if (!current || current.state !== 'STARTED') return;
    const scope = { ctx, tx, afterCommit };
    const completed = await advanceTransfer(scope, current, 'provider', 'completion', {}, { pushedBytes: meter.bytes, sha256: meter.sha256 });
    await tx.revokeTokens(transferPid);
    await sendTransferMessage(scope, completed, counterPartyPath(completed, 'completion'), 'TransferCompletionMessage', transferCompletionMessage(transferPids(completed)));
  });
  return 'pushed';
}
