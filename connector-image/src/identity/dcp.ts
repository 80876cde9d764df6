// Caller identity the Decentralized Claims Protocol way. The caller sends a self-issued ID token
// (iss = sub = its DID, aud = this connector's DID, short-lived, single-use jti) whose `token` claim
// lets this connector ask the caller's credential service (the CredentialService entry of the caller's
// DID document) for a verifiable presentation. The presentation must be bound to this connector's DID
// and to the ID token's jti as challenge, be by the same holder, and carry credentials from anchors the
// trust store accepts; what it proves becomes the VerifiedConsumer policies are evaluated against.
import {
  TrustError, verifyPresentationForAccess, verifySelfIssuedIdToken,
  type AccessVerifierOptions, type DidResolver, type KeyResolver, type ReplayGuard, type VerifiedIdToken,
} from '@musubi/core/trust';
import type { VerifiedConsumer } from '@musubi/core/policy';
import { OutboundFailed, OutboundRefused, sendOutbound, type OutboundPolicy } from '../net/outbound-http.js';
import type { StsClient } from './sts.js';
import { CallerUnauthenticated, bearerToken, type CallerAuthenticator, type CallerCredentials, type UnauthenticatedReason } from './caller.js';

export const DCP_CONTEXT = 'https://w3id.org/dspace-dcp/v1.0/dcp.jsonld';
export const CREDENTIAL_SERVICE_TYPE = 'CredentialService';

/** Fetches the caller's presentation for one verified ID token. */
export interface PresentationSource {
  presentationFor(idToken: VerifiedIdToken): Promise<unknown>;
}

function serviceEndpoint(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}

/** The DCP scope asking for (or granting) read access to credentials of one type. */
export function credentialTypeScope(type: string): string {
  return `org.eclipse.dspace.dcp.vc.type:${type}:read`;
}

/** What a connector asks its callers to present, and grants its counter-parties to read, unless configured otherwise. */
export const DEFAULT_PRESENTATION_SCOPES = ['LegalPersonCredential', 'DataspaceMembershipCredential', 'RelationshipCredential'].map(credentialTypeScope);

/**
 * Presentations from the holder's credential service (DCP Resolution API). The caller's ID token
 * carries an access token its wallet granted this connector; this connector's own wallet puts it into an
 * ID token for the holder (STS `token` parameter), which authenticates POST <endpoint>/presentations/query.
 * The query's nonce is the caller's jti, so the presentation is bound to the request being authenticated.
 */
export function credentialServicePresentations(options: { dids: DidResolver; sts: StsClient; outbound: OutboundPolicy; timeoutMs: number; scope?: string[] }): PresentationSource {
  return {
    async presentationFor(idToken) {
      if (!idToken.token) throw new CallerUnauthenticated('PresentationUnavailable', `the ID token of ${idToken.holder} carries no token claim for its credential service; request one from the wallet with bearer_access_scope`);
      const document = await options.dids.resolve(idToken.holder);
      const service = document.service?.find((s) => (Array.isArray(s.type) ? s.type : [s.type]).includes(CREDENTIAL_SERVICE_TYPE));
      const endpoint = serviceEndpoint(service?.serviceEndpoint);
      if (!endpoint) throw new CallerUnauthenticated('PresentationUnavailable', `the DID document of ${idToken.holder} names no ${CREDENTIAL_SERVICE_TYPE}`);
      let response;
      try {
        const ownIdToken = await options.sts.token({ audience: idToken.holder, token: idToken.token });
        response = await sendOutbound({
          url: `${endpoint.replace(/\/+$/, '')}/presentations/query`, method: 'POST', timeoutMs: options.timeoutMs, maxResponseBytes: 1024 * 1024,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${ownIdToken}` },
          body: JSON.stringify({ '@context': [DCP_CONTEXT], type: 'PresentationQueryMessage', scope: options.scope ?? DEFAULT_PRESENTATION_SCOPES, nonce: idToken.jti }),
        }, options.outbound, 'credential service');
      } catch (error) {
        if (error instanceof OutboundRefused || error instanceof OutboundFailed) throw new CallerUnauthenticated('PresentationUnavailable', `the credential service of ${idToken.holder} could not be queried: ${error.message}`, { cause: error });
        throw error;
      }
      if (response.status !== 200) throw new CallerUnauthenticated('PresentationUnavailable', `the credential service of ${idToken.holder} answered HTTP ${response.status}`);
      let body: unknown;
      try {
        body = JSON.parse(response.body.toString('utf8'));
      } catch {
        throw new CallerUnauthenticated('PresentationUnavailable', `the credential service of ${idToken.holder} answered with a body that is not JSON`);
      }
      const presentations = (body as { presentation?: unknown }).presentation;
      const first: unknown = Array.isArray(presentations) ? presentations[0] : presentations;
      if (first === undefined) throw new CallerUnauthenticated('PresentationUnavailable', `the credential service of ${idToken.holder} returned no presentation`);
      return first;
    },
  };
}

const REASONS: Partial<Record<string, UnauthenticatedReason>> = {
  WrongAudience: 'WrongAudience',
  Expired: 'InvalidToken',
  NotYetValid: 'InvalidToken',
  ReplayedToken: 'InvalidToken',
  MalformedInput: 'InvalidToken',
  InvalidSignature: 'InvalidToken',
  HolderMismatch: 'InvalidToken',
  TokenLifetimeTooLong: 'InvalidToken',
};

export type TrustContext = Omit<AccessVerifierOptions, 'keys'>;

export interface DcpAuthenticatorOptions {
  /** Resolves callers' DIDs to their authentication keys. */
  keys: KeyResolver;
  replayGuard: ReplayGuard;
  presentations: PresentationSource;
  /**
   * Trust store, status lists and the rest of the presentation check; verifierDid is this connector's
   * DID. A function is asked on every request, so a refreshed trust list takes effect at once.
   */
  access: TrustContext | (() => TrustContext);
}

export class DcpCallerAuthenticator implements CallerAuthenticator {
  constructor(private readonly options: DcpAuthenticatorOptions) {}

  async verify(authorization: string | undefined, context: { audience: string }): Promise<VerifiedConsumer> {
    const jwt = bearerToken(authorization);
    let idToken: VerifiedIdToken;
    try {
      idToken = await verifySelfIssuedIdToken(jwt, { keys: this.options.keys, audience: context.audience, replayGuard: this.options.replayGuard });
    } catch (error) {
      if (error instanceof TrustError) throw new CallerUnauthenticated(REASONS[error.reason] ?? 'InvalidToken', `self-issued ID token rejected (${error.reason}): ${error.message}`, { cause: error });
      throw error;
    }
    const presentation = await this.options.presentations.presentationFor(idToken);
    try {
      const verified = await verifyPresentationForAccess(
        { presentation, challenge: idToken.jti, providerDid: context.audience, expectedHolder: idToken.holder },
        { ...(typeof this.options.access === 'function' ? this.options.access() : this.options.access), keys: this.options.keys },
      );
      return verified.consumer;
    } catch (error) {
      if (error instanceof TrustError) throw new CallerUnauthenticated('UntrustedCredentials', `the presentation of ${idToken.holder} was not accepted (${error.reason}): ${error.message}`, { cause: error });
      throw error;
    }
  }
}

/**
 * This connector's side of the handshake. As in DCP, the participant's wallet holds the key: its Secure
 * Token Service issues the self-issued ID token for each counter-party, with an access token inside that
 * lets the counter-party read `scope` from this participant's credential service (see sts.ts).
 */
export class StsCallerCredentials implements CallerCredentials {
  constructor(private readonly options: { sts: StsClient; scope?: string[] }) {}

  async authorizationFor(audience: string): Promise<string> {
    return `Bearer ${await this.options.sts.token({ audience, bearerAccessScope: this.options.scope ?? DEFAULT_PRESENTATION_SCOPES })}`;
  }
}
