import {
  ENVELOPED_VC_JWT_DATA_URL, IssueCredentialResponse, IssuerStatusReport, ProblemDetails,
  type IssueCredentialRequest, type UpdateCredentialStatusRequest,
} from '@musubi/core/service-config';

// How the operator talks to a TrustAnchor's issuer: the VC-API issue and status-update endpoints and
// the issuer's own status report, each behind the bearer token the TrustAnchor controller generated,
// and the public signed trust list, which the operator copies beside the connectors that verify it.
// Every failure is one of two kinds a reconciler can act on: the issuer could not be reached (retry
// later, report IssuerUnavailable) or it answered and refused (report why; retrying will not help).

export interface IssuerClient {
  /** Asks the issuer at `endpoint` for a credential; returns it as a vc+jwt. */
  requestCredential(endpoint: string, token: string, request: IssueCredentialRequest, signal?: AbortSignal): Promise<string>;
  /** Revokes a credential the issuer issued. An unknown credential counts as revoked. */
  revoke(endpoint: string, token: string, credentialId: string, signal?: AbortSignal): Promise<void>;
  /** What the issuer runs with and how fresh its view of recognised anchors is. */
  status(endpoint: string, token: string, signal?: AbortSignal): Promise<IssuerStatusReport>;
  /** The anchor's signed trust list (a vc+jwt, public: no token), as connectors verify it. Not verified here. */
  trustList(endpoint: string, signal?: AbortSignal): Promise<string>;
}

/** The issuer did not answer (connection refused, timeout, 5xx): worth retrying. */
export class IssuerUnavailableError extends Error {
  override name = 'IssuerUnavailableError';
  constructor(readonly endpoint: string, detail: string, options?: ErrorOptions) {
    super(`the issuer at ${endpoint} is unavailable: ${detail}`, options);
  }
}

/** The issuer answered with a refusal (4xx) or a malformed answer: retrying the same request will not help. */
export class IssuerRefusedError extends Error {
  override name = 'IssuerRefusedError';
  constructor(readonly endpoint: string, readonly statusCode: number, detail: string) {
    super(`the issuer at ${endpoint} refused the request (HTTP ${statusCode}): ${detail}`);
  }
}

const MAX_ANSWER_BYTES = 256 * 1024;

export class HttpIssuerClient implements IssuerClient {
  constructor(private readonly options: { timeoutMs: number; fetch?: typeof fetch }) {}

  async requestCredential(endpoint: string, token: string, request: IssueCredentialRequest, signal?: AbortSignal): Promise<string> {
    const answer = await this.call(endpoint, 'POST', '/credentials/issue', token, request, signal);
    const parsed = IssueCredentialResponse.safeParse(answer);
    if (!parsed.success) throw new IssuerRefusedError(endpoint, 201, 'the answer is not a VC-API EnvelopedVerifiableCredential with a vc+jwt');
    return parsed.data.verifiableCredential.id.slice(ENVELOPED_VC_JWT_DATA_URL.length);
  }

  async revoke(endpoint: string, token: string, credentialId: string, signal?: AbortSignal): Promise<void> {
    const body: UpdateCredentialStatusRequest = { credentialId, credentialStatus: [{ type: 'BitstringStatusListEntry', status: 'revoked' }] };
    try {
      await this.call(endpoint, 'POST', '/credentials/status', token, body, signal);
    } catch (err) {
      if (err instanceof IssuerRefusedError && err.statusCode === 404) return;
      throw err;
    }
  }

  async status(endpoint: string, token: string, signal?: AbortSignal): Promise<IssuerStatusReport> {
    const answer = await this.call(endpoint, 'GET', '/status', token, undefined, signal);
    const parsed = IssuerStatusReport.safeParse(answer);
    if (!parsed.success) throw new IssuerRefusedError(endpoint, 200, `the status report does not match its schema: ${parsed.error.issues[0]?.message ?? ''}`);
    return parsed.data;
  }

  async trustList(endpoint: string, signal?: AbortSignal): Promise<string> {
    const response = await this.send(endpoint, 'GET', '/trust-list', { accept: 'application/vc+jwt' }, undefined, signal);
    const text = (await readBounded(response, endpoint)).trim();
    if (response.status >= 500) throw new IssuerUnavailableError(endpoint, `HTTP ${response.status}`);
    if (response.status >= 400) throw new IssuerRefusedError(endpoint, response.status, response.statusText || 'no trust list');
    if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(text)) throw new IssuerRefusedError(endpoint, response.status, 'the trust list is not a compact JWS (vc+jwt)');
    return text;
  }

  private async call(endpoint: string, method: 'GET' | 'POST', path: string, token: string, body: unknown, signal?: AbortSignal): Promise<unknown> {
    const response = await this.send(endpoint, method, path, { authorization: `Bearer ${token}`, accept: 'application/json' }, body, signal);
    const text = await readBounded(response, endpoint);
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (response.status >= 500) throw new IssuerUnavailableError(endpoint, `HTTP ${response.status}${problemText(json)}`);
    if (response.status >= 400) throw new IssuerRefusedError(endpoint, response.status, problemText(json).replace(/^: /, '') || response.statusText);
    if (text && json === undefined) throw new IssuerRefusedError(endpoint, response.status, 'the answer is not JSON');
    return json;
  }

  private async send(endpoint: string, method: 'GET' | 'POST', path: string, headers: Record<string, string>, body: unknown, signal?: AbortSignal): Promise<Response> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    try {
      return await (this.options.fetch ?? fetch)(`${endpoint.replace(/\/$/, '')}${path}`, {
        method,
        headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        redirect: 'error',
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const detail = timeout.aborted ? `no answer within ${this.options.timeoutMs} ms` : cause?.code ?? cause?.message ?? (err as Error).message;
      throw new IssuerUnavailableError(endpoint, detail, { cause: err });
    }
  }
}

async function readBounded(response: Response, endpoint: string): Promise<string> {
  const length = Number(response.headers.get('content-length') ?? 0);
  if (length > MAX_ANSWER_BYTES) throw new IssuerRefusedError(endpoint, response.status, `the answer is ${length} bytes; at most ${MAX_ANSWER_BYTES} are read`);
  const text = await response.text();
  if (text.length > MAX_ANSWER_BYTES) throw new IssuerRefusedError(endpoint, response.status, `the answer is longer than ${MAX_ANSWER_BYTES} bytes`);
  return text;
}

function problemText(json: unknown): string {
  const problem = ProblemDetails.safeParse(json);
  if (!problem.success) return '';
  return `: ${problem.data.title}${problem.data.detail ? ` — ${problem.data.detail}` : ''}`;
}
