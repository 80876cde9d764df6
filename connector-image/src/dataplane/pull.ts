// HTTP pull, both ends. Provider: stream the offer's data to a holder of a valid access token of a
// STARTED transfer, and renew access with the refresh token. Consumer: stream from the address the
// provider handed out, renewing the access token when it has expired. The data passes through as a
// stream with backpressure; its size and SHA-256 are measured on the way and recorded in the audit log.
import { finished } from 'node:stream';
import { z } from 'zod';
import { endpointProperty, type DataAddress } from '../protocol/index.js';
import { OutboundFailed, sendOutbound } from '../net/outbound-http.js';
import { openOutbound, readSmallBody, type OutboundStream } from '../net/outbound-stream.js';
import { nowIso, transact, type ConnectorContext } from '../runtime/context.js';
import { ManagementConflict, ProcessNotFound } from '../runtime/errors.js';
import { DataAccessDenied, type DataStream } from './access.js';
import { authorizationOf, httpDataAddress } from './addresses.js';
import { TransferMeter } from './meter.js';
import { readReceivedData } from './received.js';
import { checkToken, issueToken } from './tokens.js';
import { openOfferData } from './sources.js';

const TOKEN_PROBLEMS: Record<string, string> = {
  UnknownToken: 'the access token is not valid for this endpoint',
  WrongKind: 'the token is not an access token',
  WrongTransfer: 'the access token belongs to another transfer',
  TokenExpired: 'the access token has expired; renew it at the refreshEndpoint of the data address',
};

/**
 * Audit what a stream delivered once it ends: `event` with bytes and SHA-256 when it completed, the
 * bytes that got through when it broke off (the transfer's state is untouched either way: a pull may
 * be repeated while access lasts).
 */
function auditWhenDone(ctx: ConnectorContext, meter: TransferMeter, transferPid: string, events: { done: string; broken: string }, detail: Record<string, unknown>): void {
  finished(meter, (error) => {
    const entry = error
      ? { event: events.broken, detail: { ...detail, bytes: meter.bytes, problem: error.message } }
      : { event: events.done, detail: { ...detail, bytes: meter.bytes, sha256: meter.sha256 } };
    transact(ctx, (tx) => tx.appendAudit({ processKey: transferPid, ...entry }).then(() => undefined))
      .catch((failure: unknown) => ctx.log.error('recording a data transfer in the audit log failed', { transfer: transferPid, error: failure }));
  });
}

/** Provider side: the offer's data for the holder of `token`, checked before a byte is read from the source. */
export async function openPull(ctx: ConnectorContext, transferPid: string, token: string): Promise<DataStream> {
  const record = await ctx.store.transaction(async (tx) => {
    const check = await checkToken(tx, token, 'access', ctx.clock(), transferPid);
    if (!check.ok) throw new DataAccessDenied(check.problem, TOKEN_PROBLEMS[check.problem] ?? check.problem, 401);
    return tx.transfer(transferPid);
  });
  if (!record || record.role !== 'provider') throw new DataAccessDenied('UnknownTransfer', `no transfer ${transferPid}`, 404);
  if (record.state !== 'STARTED') throw new DataAccessDenied('TransferNotStarted', `transfer ${transferPid} is ${record.state}; data is served only while it is STARTED`, 409);
  const offer = ctx.offers.byAssetId(record.datasetId);
  if (!offer) throw new DataAccessDenied('OfferWithdrawn', `dataset '${record.datasetId}' is no longer offered`, 410);
  const source = await openOfferData(offer, { maxBytes: ctx.dataPlane.maxDataBytes, allowHttp: ctx.outbound.allowHttp });
  const meter = new TransferMeter(ctx.dataPlane.maxDataBytes, `the data of dataset '${record.datasetId}'`);
  source.body.on('error', (error) => meter.destroy(error));
  meter.on('close', () => source.body.destroy());
  auditWhenDone(ctx, meter, transferPid, { done: 'transfer.data-served', broken: 'transfer.data-serve-interrupted' }, { consumer: record.counterPartyDid });
  return { mediaType: source.mediaType, ...(source.length !== undefined && { length: source.length }), body: source.body.pipe(meter) };
}

export const RefreshRequest = z.strictObject({ refreshToken: z.string().min(1).max(512) });

/** A new access token (and a new refresh token: each is single-use) for a STARTED pull transfer. */
export async function refreshPullAccess(ctx: ConnectorContext, refreshToken: string): Promise<{ accessToken: string; expiresIn: number; refreshToken: string }> {
  return transact(ctx, async (tx) => {
    const now = ctx.clock();
    const check = await checkToken(tx, refreshToken, 'refresh', now);
    if (!check.ok) throw new DataAccessDenied(check.problem, check.problem === 'TokenExpired' ? 'the refresh token has expired; request a new transfer' : 'the refresh token is not valid', 401);
    const transferPid = check.token.transferPid;
    const record = await tx.transfer(transferPid);
    if (!record || record.state !== 'STARTED') throw new DataAccessDenied('TransferNotStarted', `transfer ${transferPid} is ${record?.state ?? 'gone'}; access cannot be renewed`, 409);
    await tx.revokeTokens(transferPid, ['access', 'refresh']);
    const access = await issueToken(tx, 'access', transferPid, now, ctx.dataPlane.accessTokenTtlSeconds);
    const refresh = await issueToken(tx, 'refresh', transferPid, now, ctx.dataPlane.refreshTokenTtlSeconds);
    await tx.appendAudit({ processKey: transferPid, event: 'transfer.access-renewed', detail: { at: nowIso(ctx) } });
    return { accessToken: access.token, expiresIn: ctx.dataPlane.accessTokenTtlSeconds, refreshToken: refresh.token };
  });
}

async function renewAddress(ctx: ConnectorContext, address: DataAddress): Promise<DataAddress | undefined> {
  const endpoint = endpointProperty(address, 'refreshEndpoint');
  const refreshToken = endpointProperty(address, 'refreshToken');
  if (!endpoint || !refreshToken || !address.endpoint) return undefined;
  const response = await sendOutbound({
    url: endpoint, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken }), timeoutMs: ctx.outbound.timeoutMs, maxResponseBytes: 16 * 1024,
  }, ctx.outbound, 'refresh endpoint');
  if (response.status !== 200) return undefined;
  const renewed = z.object({ accessToken: z.string().min(1), expiresIn: z.number(), refreshToken: z.string().min(1) }).safeParse(JSON.parse(response.body.toString('utf8')));
  if (!renewed.success) return undefined;
  return httpDataAddress(address.endpoint, {
    authorization: renewed.data.accessToken, authType: 'bearer', expiresIn: String(renewed.data.expiresIn), refreshToken: renewed.data.refreshToken, refreshEndpoint: endpoint,
  });
}

function pullFrom(ctx: ConnectorContext, address: DataAddress): Promise<OutboundStream> {
  const authorization = authorizationOf(address);
  return openOutbound({
    url: address.endpoint as string, method: 'GET', headers: { ...(authorization && { authorization }) }, idleTimeoutMs: ctx.dataPlane.idleTimeoutMs,
  }, ctx.outbound, 'pull endpoint');
}

/** Consumer side: the data of one of this connector's transfers, streamed from the provider or as pushed to it. */
export async function openConsumerData(ctx: ConnectorContext, transferPid: string): Promise<DataStream> {
  const record = await ctx.store.transaction((tx) => tx.transfer(transferPid));
  if (!record || record.role !== 'consumer') throw new ProcessNotFound('transfer', transferPid);
  if (record.format === 'HttpData-PUSH') {
    const received = await readReceivedData(ctx, transferPid);
    if (!received) throw new ManagementConflict('NoDataYet', `transfer ${transferPid} is ${record.state} and no data has been pushed to it completely yet`);
    return received;
  }
  if (record.state !== 'STARTED' || !record.dataAddress?.endpoint) {
    throw new ManagementConflict('TransferNotStarted', `transfer ${transferPid} is ${record.state}; data can be pulled only while it is STARTED`);
  }
  let response = await pullFrom(ctx, record.dataAddress);
  if (response.status === 401) {
    response.body.destroy();
    const renewed = await renewAddress(ctx, record.dataAddress);
    if (renewed) {
      await transact(ctx, async (tx) => {
        const current = await tx.transfer(transferPid);
        if (current) await tx.updateTransfer({ ...current, dataAddress: renewed, updatedAt: nowIso(ctx) });
      });
      response = await pullFrom(ctx, renewed);
    }
  }
  if (response.status !== 200) {
    let detail = '';
    try {
      const body = JSON.parse(await readSmallBody(response.body)) as { message?: unknown };
      if (typeof body.message === 'string') detail = `: ${body.message}`;
    } catch {
      // a non-JSON error body says nothing more useful than its status
    }
    throw new OutboundFailed(`the provider's pull endpoint answered HTTP ${response.status}${detail}`);
  }
  const announced = Number(response.headers['content-length'] ?? NaN);
  if (Number.isFinite(announced) && announced > ctx.dataPlane.maxDataBytes) {
    response.body.destroy();
    throw new OutboundFailed(`the provider announced ${announced} bytes, more than dataPlane.maxDataBytes (${ctx.dataPlane.maxDataBytes}) allows for one transfer`);
  }
  const meter = new TransferMeter(ctx.dataPlane.maxDataBytes, `the data pulled for transfer ${transferPid}`);
  const body = response.body;
  body.on('error', (error) => meter.destroy(new OutboundFailed(`the provider's pull endpoint broke off: ${error.message}`, { cause: error })));
  // A stream that ends short of the announced length was cut off, not completed.
  body.on('aborted', () => meter.destroy(new OutboundFailed('the provider\'s pull endpoint broke off before the end of the data')));
  meter.on('close', () => body.destroy());
  auditWhenDone(ctx, meter, transferPid, { done: 'transfer.data-pulled', broken: 'transfer.data-pull-interrupted' }, { provider: record.counterPartyDid });
  const type = response.headers['content-type'];
  return {
    mediaType: typeof type === 'string' ? type : 'application/octet-stream',
    ...(Number.isFinite(announced) && { length: announced }),
    body: body.pipe(meter),
  };
}
