// The wallet as a DCP client of its anchor: it requests the credentials the participant needs and renews
// them before they expire. Requests are kept in the storage directory (holderPid → issuer's request), so a
// restart neither forgets a pending request nor sends a duplicate; the issuer delivers to the Storage API.
import { randomUUID } from 'node:crypto';
import { issueSelfIssuedIdToken, isTrustError } from '@musubi/core/trust';
import type { CredentialType } from '@musubi/core/vocabulary';
import { z } from 'zod';
import { callHttp, jsonOf } from '../http/client.js';
import { JsonStateFile } from '../storage/json-state.js';
import { CredentialStatusMessage, DCP_CONTEXT, typeScope } from '../dcp/messages.js';
import { mintAccessToken } from './access-token.js';
import type { WalletCore } from './core.js';

const PendingRequest = z.strictObject({
  holderPid: z.string(),
  issuerPid: z.string().optional(),
  location: z.string().optional(),
  types: z.array(z.string()),
  requestedAt: z.string(),
  state: z.enum(['RECEIVED', 'ISSUED', 'REJECTED', 'FAILED']),
  rejectionReason: z.string().optional(),
  updatedAt: z.string(),
});
export type PendingRequest = z.infer<typeof PendingRequest>;
const StoredRequests = z.array(PendingRequest);

/** A request that has been answered neither way after this long is asked again. */
const STALE_REQUEST_MS = 10 * 60_000;
/** After a refusal, wait this long before asking again (a registry fix or enrolment takes a human). */
const REJECTION_BACKOFF_MS = 15 * 60_000;

export class CredentialRequester {
  readonly #file: JsonStateFile<typeof StoredRequests>;
  #requests: PendingRequest[];
  #running?: Promise<void>;

  constructor(private readonly core: WalletCore) {
    this.#file = new JsonStateFile(`${core.storageDir}/requests.json`, StoredRequests);
    this.#requests = this.#file.load([]);
  }

  requests(): PendingRequest[] {
    return this.#requests.map((r) => ({ ...r }));
  }

  /** Credential types the company lacks or holds only close to expiry. */
  missingTypes(): CredentialType[] {
    const issuance = this.core.config.issuance;
    if (!issuance) return [];
    const horizon = this.core.clock().getTime() + issuance.renewBeforeSeconds * 1000;
    const held = this.core.store.about(this.core.company.did).filter((c) => c.issuer === this.core.config.trustAnchor.did);
    return issuance.requestedCredentials.filter(
      (type) => !held.some((c) => c.types.includes(type) && (!c.validUntil || new Date(c.validUntil).getTime() > horizon)),
    );
  }

  /** One pass: poll open requests, then ask for whatever is still missing. Runs one at a time. */
  tick(): Promise<void> {
    if (!this.#running) {
      this.#running = this.#tick().finally(() => {
        this.#running = undefined;
      });
    }
    return this.#running;
  }

  rejected(holderPid: string, reason: string | undefined): void {
    const request = this.#requests.find((r) => r.holderPid === holderPid);
    if (!request) return;
    request.state = 'REJECTED';
    request.rejectionReason = reason ?? 'rejected by the issuer';
    request.updatedAt = this.core.clock().toISOString();
    this.#save();
  }

  async #tick(): Promise<void> {
    for (const request of this.#requests.filter((r) => r.state === 'RECEIVED' && r.location)) await this.#poll(request);
    const missing = this.missingTypes();
    if (missing.length === 0) return;
    const now = this.core.clock().getTime();
    const open = this.#requests.find((r) => r.state === 'RECEIVED' && now - new Date(r.requestedAt).getTime() < STALE_REQUEST_MS);
    const recentRefusal = this.#requests.find((r) => (r.state === 'REJECTED' || r.state === 'FAILED') && now - new Date(r.updatedAt).getTime() < REJECTION_BACKOFF_MS);
    // An ISSUED request whose credentials have not arrived yet also waits (delivery is asynchronous).
    const awaitingDelivery = this.#requests.find((r) => r.state === 'ISSUED' && now - new Date(r.updatedAt).getTime() < STALE_REQUEST_MS && missing.some((t) => r.types.includes(t)));
    if (open || recentRefusal || awaitingDelivery) return;
    await this.request(missing);
  }

  /** Send a CredentialRequestMessage for `types` to the anchor. */
  async request(types: CredentialType[]): Promise<PendingRequest> {
    const { core } = this;
    const anchor = core.config.trustAnchor;
    const now = core.clock().toISOString();
    const request: PendingRequest = { holderPid: randomUUID(), types, requestedAt: now, state: 'RECEIVED', updatedAt: now };
    this.#requests = [...this.#requests.slice(-49), request];
    try {
      const token = await mintAccessToken(core.company.key, { audience: anchor.did, scopes: types.map(typeScope).map((s) => s.replace(/:read$/, ':write')), lifetimeSeconds: 600, clock: core.clock });
      const idToken = await issueSelfIssuedIdToken({ holderKey: core.company.key, audience: anchor.did, token, clock: core.clock });
      const identifiers = core.config.participant.identifiers;
      const message = {
        '@context': [DCP_CONTEXT],
        type: 'CredentialRequestMessage',
        holderPid: request.holderPid,
        credentials: types.map((id) => ({ id })),
        ...(identifiers ? { claims: { legalName: core.config.participant.legalName, country: core.config.participant.country, identifiers } } : {}),
      };
      const answer = await callHttp({
        method: 'POST', url: `${anchor.issuerURL.replace(/\/+$/, '')}/credentials`, json: message, headers: { authorization: `Bearer ${idToken}` },
        timeoutMs: core.config.network.timeoutSeconds * 1000, maxBytes: 64 * 1024, allowHttpLoopback: core.config.network.allowHttpLoopback,
      });
      if (answer.status !== 201) {
        const problem = jsonOf(answer) as { reason?: string; message?: string } | undefined;
        throw new Error(`the anchor refused the request: HTTP ${answer.status} ${problem?.reason ?? ''} ${problem?.message ?? answer.text.slice(0, 300)}`.trim());
      }
      const status = CredentialStatusMessage.safeParse(jsonOf(answer));
      request.location = typeof answer.headers.location === 'string' ? answer.headers.location : undefined;
      if (status.success) request.issuerPid = status.data.issuerPid;
      core.logger.info('credentials requested', { anchor: anchor.did, types, holderPid: request.holderPid, issuerPid: request.issuerPid });
    } catch (error) {
      request.state = 'FAILED';
      request.rejectionReason = `${isTrustError(error) ? `${error.reason}: ` : ''}${(error as Error).message}`.slice(0, 500);
      core.logger.warn('credential request failed', { anchor: anchor.did, types, error: request.rejectionReason });
    }
    request.updatedAt = core.clock().toISOString();
    this.#save();
    return request;
  }

  async #poll(request: PendingRequest): Promise<void> {
    const { core } = this;
    try {
      const idToken = await issueSelfIssuedIdToken({ holderKey: core.company.key, audience: core.config.trustAnchor.did, clock: core.clock });
      const answer = await callHttp({
        method: 'GET', url: request.location as string, headers: { authorization: `Bearer ${idToken}` },
        timeoutMs: core.config.network.timeoutSeconds * 1000, maxBytes: 64 * 1024, allowHttpLoopback: core.config.network.allowHttpLoopback,
      });
      const status = CredentialStatusMessage.safeParse(jsonOf(answer));
      if (answer.status !== 200 || !status.success) return;
      if (status.data.status !== request.state) {
        request.state = status.data.status;
        const reason = (jsonOf(answer) as { rejectionReason?: unknown }).rejectionReason;
        if (typeof reason === 'string') request.rejectionReason = reason;
        request.updatedAt = core.clock().toISOString();
        this.#save();
      }
    } catch (error) {
      core.logger.debug('polling a credential request failed', { holderPid: request.holderPid, error: (error as Error).message });
    }
  }

  #save(): void {
    this.#file.save(this.#requests);
  }
}
