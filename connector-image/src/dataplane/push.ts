// HTTP push: the provider sends the offer's data to the endpoint the consumer named in its transfer
// request, then completes the transfer. Runs from the outbox, after the start message was delivered,
// so a crash in the middle resumes with the push, never with a forgotten transfer.
import { sendOutbound, OutboundFailed, OutboundRefused } from '../net/outbound-http.js';
import { transferCompletionMessage } from '../protocol/index.js';
import { transact, type ConnectorContext } from '../runtime/context.js';
import { advanceTransfer, counterPartyPath, sendTransferMessage, transferPids } from '../transfer/steps.js';
import { authorizationOf } from './addresses.js';
import { DataSourceFailed, readOfferData } from './sources.js';

/** A push that cannot succeed by retrying (refused destination, client error). */
export class PushRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PushRejected';
  }
}

export async function pushTransferData(ctx: ConnectorContext, transferPid: string): Promise<'pushed' | 'skipped'> {
  const record = await ctx.store.transaction((tx) => tx.transfer(transferPid));
  if (!record || record.role !== 'provider' || record.state !== 'STARTED' || record.format !== 'HttpData-PUSH') return 'skipped';
  const endpoint = record.dataAddress?.endpoint;
  if (!endpoint || !record.dataAddress) throw new PushRejected(`transfer ${transferPid} has no push destination`);
  const offer = ctx.offers.byAssetId(record.datasetId);
  if (!offer) throw new PushRejected(`dataset '${record.datasetId}' is no longer offered`);
  let data;
  try {
    data = await readOfferData(offer, { maxBytes: ctx.dataPlane.maxDataBytes, allowHttp: ctx.outbound.allowHttp });
  } catch (error) {
    if (error instanceof DataSourceFailed && !error.retryable) throw new PushRejected(error.message);
    throw error;
  }
  const authorization = authorizationOf(record.dataAddress);
  let response;
  try {
    response = await sendOutbound({
      url: endpoint, method: 'POST', body: data.body, timeoutMs: ctx.outbound.timeoutMs, maxResponseBytes: 64 * 1024,
      headers: { 'content-type': data.mediaType, ...(authorization && { authorization }) },
    }, ctx.outbound, 'push destination');
  } catch (error) {
    if (error instanceof OutboundRefused) throw new PushRejected(error.message);
    throw error;
  }
  if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
    throw new PushRejected(`the push destination answered HTTP ${response.status}`);
  }
  if (response.status < 200 || response.status > 299) throw new OutboundFailed(`the push destination answered HTTP ${response.status}`);
  await transact(ctx, async (tx, afterCommit) => {
    const current = await tx.transfer(transferPid);
    if (!current || current.state !== 'STARTED') return;
    const scope = { ctx, tx, afterCommit };
    const completed = await advanceTransfer(scope, current, 'provider', 'completion', {}, { pushedBytes: data.body.length });
    await tx.revokeTokens(transferPid);
    await sendTransferMessage(scope, completed, counterPartyPath(completed, 'completion'), 'TransferCompletionMessage', transferCompletionMessage(transferPids(completed)));
  });
  return 'pushed';
}
