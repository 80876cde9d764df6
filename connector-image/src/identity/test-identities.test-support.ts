// TEST ONLY: a stand-in for the DCP handshake so protocol tests can run two connectors without a
// wallet. Tokens are HMAC-signed claims {sub, aud, exp} under a secret the test realm holds; the facts
// a token stands for are whatever the test registered for that DID. Product code never imports this.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { VerifiedConsumer } from '@musubi/core/policy';
import { CallerUnauthenticated, bearerToken, type CallerAuthenticator, type CallerCredentials } from './caller.js';

export class TestIdentityRealm {
  readonly #secret = randomBytes(32);
  readonly #facts = new Map<string, VerifiedConsumer>();

  /** Registers (or replaces) what a DID is verified to be. */
  register(facts: Partial<VerifiedConsumer> & { did: string }): VerifiedConsumer {
    const full: VerifiedConsumer = {
      credentialTypes: [], issuerAnchors: [], jurisdictions: [], identifierSchemes: [], memberRoles: [], relationships: [], memberships: [], ...facts,
    };
    this.#facts.set(facts.did, full);
    return full;
  }

  #sign(payload: string): string {
    return createHmac('sha256', this.#secret).update(payload).digest('base64url');
  }

  credentialsFor(did: string): CallerCredentials {
    return {
      authorizationFor: async (audience) => {
        const payload = Buffer.from(JSON.stringify({ sub: did, aud: audience, exp: Date.now() + 60_000 })).toString('base64url');
        return `Bearer ${payload}.${this.#sign(payload)}`;
      },
    };
  }

  authenticator(): CallerAuthenticator {
    return {
      verify: async (authorization, { audience }) => {
        const token = bearerToken(authorization);
        const [payload, signature] = token.split('.');
        if (!payload || !signature) throw new CallerUnauthenticated('InvalidToken', 'test token must be <payload>.<signature>');
        const expected = Buffer.from(this.#sign(payload));
        const given = Buffer.from(signature);
        if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new CallerUnauthenticated('InvalidToken', 'test token signature does not verify');
        const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub: string; aud: string; exp: number };
        if (claims.aud !== audience) throw new CallerUnauthenticated('WrongAudience', `token is for ${claims.aud}, not ${audience}`);
        if (claims.exp < Date.now()) throw new CallerUnauthenticated('InvalidToken', 'test token expired');
        const facts = this.#facts.get(claims.sub);
        if (!facts) throw new CallerUnauthenticated('UntrustedCredentials', `${claims.sub} is not registered in the test realm`);
        return structuredClone(facts);
      },
    };
  }
}
