// Where an offer's data comes from: a file mounted from a ConfigMap or Secret (read on every request,
// so an updated mount is served without a restart), or an HTTP backend called with the credential from
// a mounted Secret file and behind the SSRF guard unless the offer allows private addresses.
import { readFile } from 'node:fs/promises';
import { OutboundFailed, sendOutbound } from '../net/outbound-http.js';
import type { PublishedOffer } from '../policy/offer-book.js';

export interface OfferData {
  body: Buffer;
  mediaType: string;
}

/** The backend could not deliver the data; `retryable` tells whether trying later may help. */
export class DataSourceFailed extends Error {
  constructor(message: string, readonly retryable: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DataSourceFailed';
  }
}

export async function readOfferData(offer: PublishedOffer, options: { maxBytes: number; allowHttp: boolean }): Promise<OfferData> {
  const mediaType = offer.dataset.mediaType;
  if (offer.source.file) {
    let body: Buffer;
    try {
      body = await readFile(offer.source.file.path);
    } catch (cause) {
      throw new DataSourceFailed(`offer '${offer.assetId}': cannot read its data file: ${(cause as Error).message}`, true, { cause });
    }
    if (body.length > options.maxBytes) throw new DataSourceFailed(`offer '${offer.assetId}': its data file has ${body.length} bytes, more than dataPlane.maxDataBytes (${options.maxBytes})`, false);
    return { body, mediaType };
  }
  const http = offer.source.http;
  if (!http) throw new DataSourceFailed(`offer '${offer.assetId}' has no data source`, false);
  const headers: Record<string, string> = { accept: mediaType };
  if (http.authFile) {
    try {
      headers[http.authHeader.toLowerCase()] = (await readFile(http.authFile, 'utf8')).trim();
    } catch (cause) {
      throw new DataSourceFailed(`offer '${offer.assetId}': cannot read the backend credential file: ${(cause as Error).message}`, true, { cause });
    }
  }
  let response;
  try {
    response = await sendOutbound(
      { url: http.url, method: http.method, headers, timeoutMs: http.timeoutMs, maxResponseBytes: options.maxBytes },
      { allowHttp: options.allowHttp, allowPrivateNetwork: http.allowPrivateNetwork },
      `offer '${offer.assetId}' backend`,
    );
  } catch (cause) {
    throw new DataSourceFailed(`offer '${offer.assetId}': ${(cause as Error).message}`, cause instanceof OutboundFailed, { cause });
  }
  if (response.status < 200 || response.status > 299) {
    throw new DataSourceFailed(`offer '${offer.assetId}': the backend answered HTTP ${response.status}`, response.status >= 500 || response.status === 429);
  }
  const declared = response.headers['content-type'];
  return { body: response.body, mediaType: typeof declared === 'string' ? declared : mediaType };
}
