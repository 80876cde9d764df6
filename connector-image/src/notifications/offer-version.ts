// What version of an offer's data its source holds now, as cheaply as the source allows: an HTTP
// backend's validators (ETag, else Last-Modified) from a HEAD request, else the SHA-256 of the content;
// for a mounted file (ConfigMap or Secret data, replaced by the kubelet on update) the SHA-256 of its
// content, computed again only when the file's identity, size or modification time changed.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { openOutbound, readSmallBody } from '../net/outbound-stream.js';
import { OutboundFailed } from '../net/outbound-http.js';
import { DataSourceFailed, backendHeaders, openOfferData, type SourceOptions } from '../dataplane/sources.js';
import type { PublishedOffer } from '../policy/offer-book.js';
import type { ChangeTrigger } from '../store/records.js';

export interface ProbedVersion {
  version: string;
  trigger: ChangeTrigger;
}

/** Digests of files by identity, so an unchanged file is not read again on every round. */
export type FileDigestCache = Map<string, { identity: string; digest: string }>;

async function digestOf(stream: AsyncIterable<Buffer>): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk);
  return hash.digest('hex');
}

export async function probeOfferVersion(offer: PublishedOffer, options: SourceOptions, cache: FileDigestCache): Promise<ProbedVersion> {
  const file = offer.source.file;
  if (file) {
    let identity: string;
    try {
      const info = await stat(file.path);
      identity = `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}`;
    } catch (cause) {
      throw new DataSourceFailed(`offer '${offer.assetId}': cannot read its data file: ${(cause as Error).message}`, true, { cause });
    }
    const known = cache.get(offer.assetId);
    if (known?.identity === identity) return { version: `sha256:${known.digest}`, trigger: 'content-digest' };
    let digest: string;
    try {
      digest = await digestOf(createReadStream(file.path));
    } catch (cause) {
      throw new DataSourceFailed(`offer '${offer.assetId}': cannot read its data file: ${(cause as Error).message}`, true, { cause });
    }
    cache.set(offer.assetId, { identity, digest });
    return { version: `sha256:${digest}`, trigger: 'content-digest' };
  }
  const http = offer.source.http;
  if (http?.method === 'GET') {
    let response;
    try {
      response = await openOutbound(
        { url: http.url, method: 'HEAD', headers: await backendHeaders(offer), idleTimeoutMs: http.timeoutMs },
        { allowHttp: options.allowHttp, allowPrivateNetwork: http.allowPrivateNetwork },
        `offer '${offer.assetId}' backend`,
      );
    } catch (cause) {
      throw new DataSourceFailed(`offer '${offer.assetId}': ${(cause as Error).message}`, cause instanceof OutboundFailed, { cause });
    }
    await readSmallBody(response.body, 0);
    if (response.status >= 200 && response.status <= 299) {
      const etag = response.headers.etag;
      if (typeof etag === 'string' && etag.length > 0) return { version: `etag:${etag.slice(0, 400)}`, trigger: 'etag' };
      const modified = response.headers['last-modified'];
      if (typeof modified === 'string' && modified.length > 0) return { version: `last-modified:${modified.slice(0, 100)}`, trigger: 'last-modified' };
    } else if (response.status !== 405 && response.status !== 501) {
      throw new DataSourceFailed(`offer '${offer.assetId}': the backend answered HEAD with HTTP ${response.status}`, true);
    }
  }
  // No validators (or a POST backend): the content itself is the version.
  const data = await openOfferData(offer, options);
  return { version: `sha256:${await digestOf(data.body)}`, trigger: 'content-digest' };
}
