// Consumer side of HTTP push: data a provider pushes arrives as a stream and is written to the store in
// chunks as it comes (the socket is read only as fast as the store writes, so a fast provider is slowed
// down instead of filling memory). A push becomes the transfer's data only once it arrived completely;
// one that breaks off leaves nothing readable behind and the provider's retry starts afresh.
import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { nowIso, transact, type ConnectorContext } from '../runtime/context.js';
import { DataAccessDenied, type DataStream } from './access.js';
import { checkToken } from './tokens.js';

/** Rows of this size keep memory bounded and the number of rows of a large push moderate. */
export const RECEIVED_CHUNK_BYTES = 1024 * 1024;

export interface PushArrival {
  mediaType: string;
  /** The content-length the provider announced, if any. */
  declaredLength?: number;
  /** Called once the push passed its checks, before its body is read (to answer Expect: 100-continue). */
  accepted?: () => void;
}

function stalledAfter(body: Readable, ms: number): { touch(): void; stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  const touch = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => body.destroy(new DataAccessDenied('PushStalled', `no data arrived for ${ms} ms; the push was abandoned`, 408)), ms);
  };
  touch();
  return { touch, stop: () => clearTimeout(timer) };
}

/** Receives a push for `transferPid` authorised by `token`; resolves once it is stored completely. */
export async function receivePush(ctx: ConnectorContext, transferPid: string, token: string, body: Readable, arrival: PushArrival): Promise<{ bytes: number; sha256: string }> {
  await ctx.store.transaction(async (tx) => {
    const check = await checkToken(tx, token, 'push', ctx.clock(), transferPid);
    if (!check.ok) throw new DataAccessDenied(check.problem, 'the push token is not valid for this transfer', 401);
    const record = await tx.transfer(transferPid);
    if (!record || record.role !== 'consumer') throw new DataAccessDenied('UnknownTransfer', `no transfer ${transferPid}`, 404);
    if (record.state !== 'STARTED' && record.state !== 'REQUESTED') throw new DataAccessDenied('TransferNotStarted', `transfer ${transferPid} is ${record.state}; it accepts no data`, 409);
  });
  const max = ctx.dataPlane.maxDataBytes;
  if (arrival.declaredLength !== undefined && arrival.declaredLength > max) {
    throw new DataAccessDenied('TransferTooLarge', `the push announces ${arrival.declaredLength} bytes, more than dataPlane.maxDataBytes (${max}) allows for one transfer`, 413);
  }
  const attempt = randomUUID();
  await ctx.store.beginReceivedStream(transferPid, attempt, nowIso(ctx));
  arrival.accepted?.();
  const hash = createHash('sha256');
  const idle = stalledAfter(body, ctx.dataPlane.idleTimeoutMs);
  let bytes = 0;
  let seq = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = async (): Promise<void> => {
    await ctx.store.appendReceivedChunk(transferPid, attempt, seq++, pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending, pendingBytes));
    pending = [];
    pendingBytes = 0;
  };
  try {
    // A refusal half-way (too large) is answered over the same connection: the body is not destroyed here.
    for await (const chunk of body.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      idle.touch();
      bytes += chunk.length;
      if (bytes > max) throw new DataAccessDenied('TransferTooLarge', `the push is larger than dataPlane.maxDataBytes (${max} bytes), the limit for one transfer`, 413);
      hash.update(chunk);
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= RECEIVED_CHUNK_BYTES) await flush();
    }
    if (pendingBytes > 0) await flush();
    idle.stop();
    if (arrival.declaredLength !== undefined && bytes !== arrival.declaredLength) {
      throw new DataAccessDenied('IncompleteBody', `the push announced ${arrival.declaredLength} bytes but carried ${bytes}`, 400);
    }
    const sha256 = hash.digest('hex');
    const completed = await transact(ctx, async (tx) => {
      const record = await tx.transfer(transferPid);
      if (!record || (record.state !== 'STARTED' && record.state !== 'REQUESTED')) {
        throw new DataAccessDenied('TransferNotStarted', `transfer ${transferPid} became ${record?.state ?? 'gone'} while the data arrived; it accepts no data`, 409);
      }
      if (!(await tx.completeReceivedStream({ transferPid, attempt, mediaType: arrival.mediaType, bytes, sha256, receivedAt: nowIso(ctx) }))) return false;
      await tx.appendAudit({ processKey: transferPid, event: 'transfer.data-received', detail: { bytes, sha256, mediaType: arrival.mediaType } });
      return true;
    });
    if (!completed) throw new DataAccessDenied('PushSuperseded', 'another push of this transfer began while this one arrived; that one is kept', 503);
    return { bytes, sha256 };
  } catch (error) {
    idle.stop();
    await ctx.store.discardReceivedAttempt(transferPid, attempt).catch((failure: unknown) => ctx.log.warn('dropping an incomplete push failed', { transfer: transferPid, error: failure }));
    throw error;
  }
}

/** The complete data pushed to a transfer, read back chunk by chunk; undefined before a push completed. */
export async function readReceivedData(ctx: ConnectorContext, transferPid: string): Promise<DataStream | undefined> {
  const stream = await ctx.store.receivedStream(transferPid);
  if (!stream) return undefined;
  const { attempt, bytes } = stream;
  async function* chunks(): AsyncGenerator<Buffer> {
    // Bounded by the stored length: every chunk holds at least one byte.
    for (let seq = 0, read = 0; read < bytes; seq++) {
      const chunk = await ctx.store.receivedChunk(transferPid, attempt, seq);
      if (!chunk || chunk.length === 0) throw new Error(`the data pushed to transfer ${transferPid} was replaced by a newer push while it was read; read it again`);
      read += chunk.length;
      yield chunk;
    }
  }
  return {
    mediaType: stream.mediaType, length: stream.bytes, ...(stream.sha256 !== undefined && { sha256: stream.sha256 }),
    body: Readable.from(chunks(), { objectMode: false, highWaterMark: 1 }),
  };
}
