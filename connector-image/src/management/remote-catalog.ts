// Asking another connector for its catalog or one dataset, on a management user's request: the same
// caller token and outbound guard as protocol messages, and the answer checked against the schemas.
import type { CallerCredentials } from '../identity/caller.js';
import { sendOutbound } from '../net/outbound-http.js';
import { DSP_CONTEXT, callbackUrl, readDspMessage, writeDspMessage, type CatalogJson, type DatasetJson, pidSegment } from '../protocol/index.js';
import type { ConnectorContext } from '../runtime/context.js';

export class RemoteCatalogFailed extends Error {
  constructor(message: string, readonly status = 502) {
    super(message);
    this.name = 'RemoteCatalogFailed';
  }
}

async function call(ctx: ConnectorContext, credentials: CallerCredentials, providerDid: string, url: string, body?: unknown): Promise<unknown> {
  const authorization = await credentials.authorizationFor(providerDid);
  const response = await sendOutbound({
    url, method: body === undefined ? 'GET' : 'POST', timeoutMs: ctx.outbound.timeoutMs, maxResponseBytes: 8 * 1024 * 1024,
    headers: { accept: 'application/json', authorization, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  }, ctx.outbound, 'provider URL');
  let json: unknown;
  try {
    json = JSON.parse(response.body.toString('utf8'));
  } catch {
    throw new RemoteCatalogFailed(`${url} answered HTTP ${response.status} with a body that is not JSON`);
  }
  if (response.status === 404) throw new RemoteCatalogFailed(`${url} answered 404: not found (or not visible to this participant)`, 404);
  if (response.status !== 200) {
    const reason = (json as { reason?: unknown }).reason;
    throw new RemoteCatalogFailed(`${url} answered HTTP ${response.status}${Array.isArray(reason) ? `: ${reason.map(String).join('; ')}` : ''}`);
  }
  return json;
}

export async function requestCatalog(ctx: ConnectorContext, credentials: CallerCredentials, providerUrl: string, providerDid: string): Promise<CatalogJson> {
  const message = writeDspMessage('CatalogRequestMessage', { '@context': [DSP_CONTEXT], '@type': 'CatalogRequestMessage' });
  const json = await call(ctx, credentials, providerDid, callbackUrl(providerUrl, 'catalog/request'), message);
  return readDspMessage('Catalog', json);
}

export async function requestDataset(ctx: ConnectorContext, credentials: CallerCredentials, providerUrl: string, providerDid: string, datasetId: string): Promise<DatasetJson> {
  const json = await call(ctx, credentials, providerDid, callbackUrl(providerUrl, `catalog/datasets/${pidSegment(datasetId)}`));
  return readDspMessage('Dataset', json);
}
