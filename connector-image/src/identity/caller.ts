// Who is calling: every DSP request carries an Authorization header that a CallerAuthenticator turns
// into the verified facts policies are evaluated against, and every request this connector sends
// carries one that CallerCredentials produce for the counter-party. The DSP binding leaves the token
// format to the dataspace; Musubi's is DCP-style (dcp-authenticator.ts).
import type { VerifiedConsumer } from '@musubi/core/policy';

export interface CallerAuthenticator {
  /**
   * The verified caller, or CallerUnauthenticated. `audience` is this connector's DID: a token made for
   * another connector must not be accepted here.
   */
  verify(authorization: string | undefined, context: { audience: string }): Promise<VerifiedConsumer>;
}

export interface CallerCredentials {
  /** The Authorization header value for a request to the connector whose DID is `audience`. */
  authorizationFor(audience: string): Promise<string>;
}

/** Machine-readable reasons a caller was not authenticated. */
export type UnauthenticatedReason = 'MissingAuthorization' | 'MalformedAuthorization' | 'InvalidToken' | 'WrongAudience' | 'UntrustedCredentials' | 'PresentationUnavailable';

export class CallerUnauthenticated extends Error {
  constructor(
    readonly reason: UnauthenticatedReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CallerUnauthenticated';
  }
}

/** The token of a `Bearer <token>` header, or CallerUnauthenticated. */
export function bearerToken(authorization: string | undefined): string {
  if (authorization === undefined || authorization.trim() === '') {
    throw new CallerUnauthenticated('MissingAuthorization', 'the request has no Authorization header; send "Authorization: Bearer <token>"');
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match) throw new CallerUnauthenticated('MalformedAuthorization', 'the Authorization header must be "Bearer <token>"');
  return match[1] as string;
}
