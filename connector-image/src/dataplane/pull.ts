// HTTP pull, both ends. Provider: serve the offer's data to a holder of a valid access token of a
// STARTED transfer, and renew access with the refresh token. Consumer: fetch through the address the
// provider handed out, renewing the access token when it has expired.
import { z } from 'zod';
import { endpointProperty, type DataAddress } from '../protocol/index.js';
import { OutboundFailed, sendOutbound } from '../net/outbound-http.js';
import { nowIso, transact, type ConnectorContext } from '../runtime/context.js';
import { ManagementConflict, ProcessNotFound } from '../runtime/errors.js';
import { authorizationOf, httpDataAddress } from './addresses.js';
import { checkToken, issueToken } from './tokens.js';
import { readOfferData, type OfferData } from './sources.js';

/** Why the data plane refused a request; `status` is the HTTP answer. */
export class DataAccessDenied extends Error {
  constructor(readonly code: string, message: string, readonly status: number) {
    super(message);
    this.name = 'DataAccessDenied';
  }
}

const TOKEN_PROBLEMS: Record<string, string> = {
  UnknownToken: 'the access token is not valid for this endpoint',
  WrongKind: 'the token is not an access token',
  WrongTransfer: 'the access token belongs to another transfer',
  TokenExpired: 'the access token has expired; renew it at the refreshEndpoint of the data address',
};

export async function servePull(ctx: ConnectorContext, transferPid: string, token: string): Promise<OfferData> {
  const record = await ctx.store.transaction(async (tx) => {
    const check = await checkToken(tx, token, 'access', ctx.clock(), transferPid);
    if (!check.ok) throw new DataAccessDenied(check.problem, TOKEN_PROBLEMS[check.problem] ?? check.problem, 401);
    return tx.transfer(transferPid);
  });
  if (!record || record.role !== 'provider') throw new DataAccessDenied('UnknownTransfer', `no transfer ${transferPid}`, 404);
  if (record.state !== 'STARTED') throw new DataAccessDenied('TransferNotStarted', `transfer ${transferPid} is ${record.state}; data is served only while it is STARTED`, 409);
  const offer = ctx.offers.byAssetId(record.datasetId);
  if (!offer) throw new DataAccessDenied('OfferWithdrawn', `dataset '${record.datasetId}' is no longer offered`, 410);
  const data = await readOfferData(offer, { maxBytes: ctx.dataPlane.maxDataBytes, allowHttp: ctx.outbound.allowHttp });
  await transact(ctx, (tx) => tx.appendAudit({ processKey: transferPid, event: 'transfer.data-served', detail: { bytes: data.body.length, consumer: record.counterPartyDid } }).then(() => undefined));
  return data;
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

/** Consumer side: the data of one of this connector's transfers, pulled or as pushed to it. */
export async function consumerData(ctx: ConnectorContext, transferPid: string): Promise<OfferData> {
  const record = await ctx.store.transaction((tx) => tx.transfer(transferPid));
  if (!record || record.role !== 'consumer') throw new ProcessNotFound('transfer', transferPid);
  if (record.format === 'HttpData-PUSH') {
    const received = await ctx.store.receivedData(transferPid);
    if (!received) throw new ManagementConflict('NoDataYet', `transfer ${transferPid} is ${record.state} and no data has been pushed to it yet`);
    return { body: received.body, mediaType: received.mediaType };
  }
  if (record.state !== 'STARTED' || !record.dataAddress?.endpoint) {
    throw new ManagementConflict('TransferNotStarted', `transfer ${transferPid} is ${record.state}; data can be pulled only while it is STARTED`);
  }
  let address = record.dataAddress;
  const pull = (a: DataAddress) => sendOutbound({
    url: a.endpoint as string, method: 'GET', headers: { ...(authorizationOf(a) && { authorization: authorizationOf(a) as string }) },
    timeoutMs: ctx.outbound.timeoutMs, maxResponseBytes: ctx.dataPlane.maxDataBytes,
  }, ctx.outbound, 'pull endpoint');
  let response = await pull(address);
  if (response.status === 401) {
    const renewed = await renewAddress(ctx, address);
    if (renewed) {
      address = renewed;
      await transact(ctx, async (tx) => {
        const current = await tx.transfer(transferPid);
        if (current) await tx.updateTransfer({ ...current, dataAddress: renewed, updatedAt: nowIso(ctx) });
      });
      response = await pull(address);
    }
  }
  if (response.status !== 200) {
    let detail = '';
    try {
      const body = JSON.parse(response.body.toString('utf8')) as { message?: unknown };
      if (typeof body.message === 'string') detail = `: ${body.message}`;
    } catch {
      // a non-JSON error body says nothing more useful than its status
    }
    throw new OutboundFailed(`the provider's pull endpoint answered HTTP ${response.status}${detail}`);
  }
  const type = response.headers['content-type'];
  return { body: response.body, mediaType: typeof type === 'string' ? type : 'application/octet-stream' };
}

/** Consumer side: data pushed by the provider to this connector's push endpoint. */
export async function receivePush(ctx: ConnectorContext, transferPid: string, token: string, body: Buffer, mediaType: string): Promise<void> {
  await transact(ctx, async (tx) => {
    const check = await checkToken(tx, token, 'push', ctx.clock(), transferPid);
    if (!check.ok) throw new DataAccessDenied(check.problem, 'the push token is not valid for this transfer', 401);
    const record = await tx.transfer(transferPid);
    if (!record || record.role !== 'consumer') throw new DataAccessDenied('UnknownTransfer', `no transfer ${transferPid}`, 404);
    if (record.state !== 'STARTED' && record.state !== 'REQUESTED') throw new DataAccessDenied('TransferNotStarted', `transfer ${transferPid} is ${record.state}; it accepts no data`, 409);
    await tx.putReceivedData({ transferPid, mediaType, body, receivedAt: nowIso(ctx) });
    await tx.appendAudit({ processKey: transferPid, event: 'transfer.data-received', detail: { bytes: body.length, mediaType } });
  });
}
