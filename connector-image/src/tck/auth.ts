// Identity in the TCK profile: the TCK sends one fixed Authorization header on every request and has no
// wallet, so this profile recognises exactly that header as the TCK participant. Any other header is
// refused, as in the dataspace profile.
import { timingSafeEqual } from 'node:crypto';
import type { VerifiedConsumer } from '@musubi/core/policy';
import { CallerUnauthenticated, type CallerAuthenticator, type CallerCredentials } from '../identity/caller.js';

function sameHeader(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

export class TckStaticAuthenticator implements CallerAuthenticator {
  constructor(
    private readonly authorization: string,
    private readonly participantId: string,
  ) {}

  async verify(authorization: string | undefined): Promise<VerifiedConsumer> {
    if (authorization === undefined || authorization.trim() === '') {
      throw new CallerUnauthenticated('MissingAuthorization', 'the request has no Authorization header; the TCK profile expects the header configured as tck.authorization');
    }
    if (!sameHeader(authorization, this.authorization)) {
      throw new CallerUnauthenticated('InvalidToken', 'the Authorization header is not the one configured as tck.authorization');
    }
    return {
      did: this.participantId, credentialTypes: [], issuerAnchors: [], jurisdictions: [], identifierSchemes: [], memberRoles: [], relationships: [], memberships: [],
    };
  }
}

/** The TCK does not check the caller of its callbacks; the same static header is sent for symmetry. */
export class TckStaticCredentials implements CallerCredentials {
  constructor(private readonly authorization: string) {}

  async authorizationFor(): Promise<string> {
    return this.authorization;
  }
}
