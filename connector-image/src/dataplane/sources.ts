// Where an offer's data comes from: a file mounted from a ConfigMap or Secret (opened on every request,
// so an updated mount is served without a restart), or an HTTP backend called with the credential from
// a mounted Secret file and behind the SSRF guard unless the offer allows private addresses. Either way
// the data is handed on as a stream: nothing here holds a whole body.
import { open, readFile } from 'node:fs/promises';
import { PassThrough, type Readable } from 'node:stream';
import { OutboundFailed } from '../net/outbound-http.js';
import { openOutbound, readSmallBody } from '../net/outbound-stream.js';
import type { PublishedOffer } from '../policy/offer-book.js';

/** An offer's data on its way: read `body` once, with backpressure. */
export interface OfferStream {
  mediaType: string;
  /** Bytes the source announced (file size, backend content-length), when it did. */
  length?: number;
  body: Readable;
}

/** The backend could not deliver the data; `retryable` tells whether trying later may help. */
export class DataSourceFailed extends Error {
  constructor(message: string, readonly retryable: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DataSourceFailed';
  }
}

export interface SourceOptions {
  maxBytes: number;
  allowHttp: boolean;
}

/** The stream with its errors reported as DataSourceFailed, and destroying it closing the source. */
function relabel(source: Readable, describe: (error: Error) => string): Readable {
  const out = new PassThrough({ highWaterMark: 256 * 1024 });
  source.on('error', (error) => {
    out.destroy(new DataSourceFailed(describe(error), true, { cause: error }));
  });
  out.on('close', () => {
    if (!source.destroyed) source.destroy();
  });
  source.pipe(out);
  return out;
}

/** The request headers of an HTTP backend: what it may answer with, and its mounted credential. */
export async function backendHeaders(offer: PublishedOffer): Promise<Record<string, string>> {
  const http = offer.source.http;
  const headers: Record<string, string> = { accept: offer.dataset.mediaType };
  if (http?.authFile) {
    try {
      headers[http.authHeader.toLowerCase()] = (await readFile(http.authFile, 'utf8')).trim();
    } catch (cause) {
      throw new DataSourceFailed(`offer '${offer.assetId}': cannot read the backend credential file: ${(cause as Error).message}`, true, { cause });
    }
  }
  return headers;
}

export async function openOfferData(offer: PublishedOffer, options: SourceOptions): Promise<OfferStream> {
  const mediaType = offer.dataset.mediaType;
  if (offer.source.file) {
    // The handle, not the path, is read: a ConfigMap update swapping the file mid-transfer cannot mix two versions.
    let handle;
    try {
      handle = await open(offer.source.file.path, 'r');
    } catch (cause) {
      throw new DataSourceFailed(`offer '${offer.assetId}': cannot read its data file: ${(cause as Error).message}`, true, { cause });
    }
    let size: number;
    try {
      size = (await handle.stat()).size;
    } catch (cause) {
      await handle.close();
      throw new DataSourceFailed(`offer '${offer.assetId}': cannot read its data file: ${(cause as Error).message}`, true, { cause });
    }
    if (size > options.maxBytes) {
      await handle.close();
      throw new DataSourceFailed(`offer '${offer.assetId}': its data file has ${size} bytes, more than dataPlane.maxDataBytes (${options.maxBytes})`, false);
    }
    const file = handle.createReadStream({ highWaterMark: 256 * 1024 });
    return { mediaType, length: size, body: relabel(file, (error) => `offer '${offer.assetId}': reading its data file failed: ${error.message}`) };
  }
  const http = offer.source.http;
  if (!http) throw new DataSourceFailed(`offer '${offer.assetId}' has no data source`, false);
  const headers = await backendHeaders(offer);
  let response;
  try {
    response = await openOutbound(
      { url: http.url, method: http.method, headers, idleTimeoutMs: http.timeoutMs },
      { allowHttp: options.allowHttp, allowPrivateNetwork: http.allowPrivateNetwork },
      `offer '${offer.assetId}' backend`,
    );
  } catch (cause) {
    throw new DataSourceFailed(`offer '${offer.assetId}': ${(cause as Error).message}`, cause instanceof OutboundFailed, { cause });
  }
  if (response.status < 200 || response.status > 299) {
    await readSmallBody(response.body, 0);
    throw new DataSourceFailed(`offer '${offer.assetId}': the backend answered HTTP ${response.status}`, response.status >= 500 || response.status === 429);
  }
  const announced = Number(response.headers['content-length'] ?? NaN);
  if (Number.isFinite(announced) && announced > options.maxBytes) {
    response.body.destroy();
    throw new DataSourceFailed(`offer '${offer.assetId}': the backend announced ${announced} bytes, more than dataPlane.maxDataBytes (${options.maxBytes})`, false);
  }
  const declared = response.headers['content-type'];
  return {
    mediaType: typeof declared === 'string' ? declared : mediaType,
    ...(Number.isFinite(announced) && { length: announced }),
    body: relabel(response.body, (error) => `offer '${offer.assetId}': the backend broke off: ${error.message}`),
  };
}
