// The connector's client of its participant's wallet Secure Token Service. DCP leaves the STS API to the
// implementation; Musubi follows the convention DCP wallets use (and Musubi's wallet implements): an
// OAuth 2.0 client-credentials token request (RFC 6749 §4.4), form-encoded, with the DCP parameters
//   grant_type=client_credentials, client_id, client_secret, audience (the counter-party's DID),
//   bearer_access_scope (space-separated scopes the counter-party may read from this participant's
//   credential service) or token (an access token received from the counter-party, passed back to it),
// answered with {"access_token": "<self-issued ID token>", "token_type": "Bearer", "expires_in": n}.
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { OutboundFailed, OutboundRefused, sendOutbound, type OutboundPolicy } from '../net/outbound-http.js';

export interface StsClientCredentials {
  clientId: string;
  clientSecret: string;
}

export interface StsTokenRequest {
  /** DID of the party the ID token is for. */
  audience: string;
  /** Scopes the audience may read from this participant's credential service (grants an access token). */
  bearerAccessScope?: string[];
  /** An access token the audience granted this participant, carried back to it inside the ID token. */
  token?: string;
}

/** Client credentials from the two files of the connector's wallet-client Secret, read on every use so a rotation needs no restart. */
export function stsCredentialsFromFiles(files: { idFile: string; secretFile: string }, field = 'identity.dcp.stsClient'): () => Promise<StsClientCredentials> {
  const read = async (path: string, what: string): Promise<string> => {
    let value: string;
    try {
      value = (await readFile(path, 'utf8')).trim();
    } catch (cause) {
      throw new OutboundFailed(`${field}.${what}: cannot read ${path} (${(cause as NodeJS.ErrnoException).code ?? 'error'}); mount the connector's wallet client Secret there`, { cause });
    }
    if (value === '') throw new OutboundFailed(`${field}.${what}: ${path} is empty; the connector's wallet client Secret must hold it`);
    return value;
  };
  return async () => ({ clientId: await read(files.idFile, 'idFile'), clientSecret: await read(files.secretFile, 'secretFile') });
}

const CLUSTER_SERVICE_HOST = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?\.[a-z0-9]([a-z0-9-]*[a-z0-9])?\.svc(\.[a-z0-9.-]+)?$/;
const PRIVATE_V4 = /^(10\.|127\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/;

/**
 * The outbound rules for the STS call alone. The connector reaches its own participant's wallet over
 * the cluster network by its Service name, on plain HTTP: the wallet runs in the same namespace, the
 * tenant's NetworkPolicies admit only that namespace's pods to the wallet port, and the URL comes from
 * the operator-rendered configuration, never from a counter-party, and redirects are not followed. So
 * plain HTTP is allowed for exactly this URL when it names an in-cluster Service (or loopback / a
 * private address, for local runs); the connector's outbound.allowHttp, which governs counter-parties
 * and backends, is not widened. A plain-HTTP STS URL on a public host is refused: the client secret
 * would cross the internet in clear.
 */
export function stsOutboundPolicy(stsUrl: string, outbound: OutboundPolicy): OutboundPolicy {
  let url: URL;
  try {
    url = new URL(stsUrl);
  } catch {
    throw new OutboundRefused(`identity.dcp.stsUrl "${stsUrl.slice(0, 200)}" is not an absolute URL`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const local = host === 'localhost' || host === '::1' || CLUSTER_SERVICE_HOST.test(host) || (isIP(host) === 4 && PRIVATE_V4.test(host));
  if (url.protocol === 'http:' && !local && !outbound.allowHttp) {
    throw new OutboundRefused(`identity.dcp.stsUrl ${url.origin} uses plain HTTP on a host outside the cluster; use https://, or the wallet's in-cluster Service URL (http://<participant>-wallet.<namespace>.svc…)`);
  }
  // The wallet sits on the cluster network (or loopback): a private address is its normal one.
  return { allowHttp: url.protocol === 'http:', allowPrivateNetwork: true };
}

export class StsClient {
  readonly #policy: OutboundPolicy;

  constructor(
    private readonly options: { stsUrl: string; credentials: () => Promise<StsClientCredentials>; outbound: OutboundPolicy; timeoutMs: number },
  ) {
    this.#policy = stsOutboundPolicy(options.stsUrl, options.outbound);
  }

  /** A self-issued ID token for `request.audience`, signed by the wallet with the participant's key. */
  async token(request: StsTokenRequest): Promise<string> {
    if (request.token !== undefined && request.bearerAccessScope !== undefined) throw new TypeError('an STS request carries either a token or bearer_access_scope, not both');
    const { clientId, clientSecret } = await this.options.credentials();
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, audience: request.audience });
    if (request.bearerAccessScope?.length) form.set('bearer_access_scope', request.bearerAccessScope.join(' '));
    if (request.token !== undefined) form.set('token', request.token);
    const response = await sendOutbound({
      url: this.options.stsUrl, method: 'POST', timeoutMs: this.options.timeoutMs, maxResponseBytes: 64 * 1024,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
    }, this.#policy, 'wallet STS');
    if (response.status === 401) throw new OutboundFailed(`the wallet's token service refused client ${clientId} (HTTP 401); check identity.dcp.stsClient against the wallet's sts.clients`);
    if (response.status !== 200) throw new OutboundFailed(`the wallet's token service answered HTTP ${response.status}${problemDetail(response.body)}; check identity.dcp.stsUrl`);
    let accessToken: unknown;
    try {
      accessToken = (JSON.parse(response.body.toString('utf8')) as { access_token?: unknown }).access_token;
    } catch {
      accessToken = undefined;
    }
    if (typeof accessToken !== 'string' || accessToken.length === 0) throw new OutboundFailed('the wallet\'s token service answered without an access_token');
    return accessToken;
  }
}

/** The detail of a problem answer, short and without anything the request carried. */
function problemDetail(body: Buffer): string {
  try {
    const problem = JSON.parse(body.toString('utf8')) as { reason?: unknown; detail?: unknown; message?: unknown };
    const text = [problem.reason, problem.detail ?? problem.message].filter((v) => typeof v === 'string').join(': ');
    return text ? ` (${text.slice(0, 200)})` : '';
  } catch {
    return '';
  }
}
