// The system under test of the conformance suites: one issuer (which is also the VC-API verifier) on a
// loopback port, and the means to build inputs for it — unsigned credentials for the issuer, and signed
// documents (conforming or deliberately not) for the verifier, signed with the issuer's own key so that
// only the property under test can make verification fail.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  CREDENTIALS_V2_CONTEXT, ENVELOPED_VC_JWT_PREFIX, createPresentationDataIntegrity, createPresentationJwt, issueCredentialDataIntegrity,
  signJws, type Credential, type SecuredCredential,
} from '@musubi/core/trust';
import { http, openSlot, startIssuer, type RunningIssuer } from '../testing/harness.js';

export type Format = 'vc+jwt' | 'eddsa-rdfc-2022';
export type Json = Record<string, unknown>;
export type Answer = Awaited<ReturnType<typeof http>>;

export class Target {
  private constructor(readonly issuer: RunningIssuer) {}

  static async start(): Promise<Target> {
    const slot = await openSlot('Ed25519');
    return new Target(await startIssuer(slot, { jurisdiction: 'EU', schemes: ['eu-vat'], registry: [] }));
  }

  stop(): Promise<void> {
    return this.issuer.stop();
  }

  get did(): string {
    return this.issuer.did;
  }

  /** A minimal conforming unsigned credential from this issuer. */
  credential(extra: Json = {}): Json {
    return {
      '@context': [CREDENTIALS_V2_CONTEXT],
      id: `urn:uuid:${randomUUID()}`,
      type: ['VerifiableCredential'],
      issuer: this.did,
      credentialSubject: { id: 'did:example:subject', name: 'Alice' },
      ...extra,
    };
  }

  issue(credential: unknown, format: Format = 'vc+jwt', body?: Json): Promise<Answer> {
    return http('POST', `${this.issuer.url}/credentials/issue`, { token: this.issuer.adminToken, json: body ?? { credential, options: { format } } });
  }

  verify(verifiableCredential: unknown, extra: Json = {}): Promise<Answer> {
    return http('POST', `${this.issuer.url}/credentials/verify`, { json: { verifiableCredential, options: { checks: ['proof'] }, ...extra } });
  }

  verifyPresentation(verifiablePresentation: unknown, challenge: string): Promise<Answer> {
    return http('POST', `${this.issuer.url}/presentations/verify`, { json: { verifiablePresentation, options: { challenge, domain: this.did } } });
  }

  /** Sign any JSON as a vc+jwt with the issuer's key, conforming or not. */
  signJwt(payload: Json, typ = 'vc+jwt'): Promise<string> {
    return signJws(new TextEncoder().encode(JSON.stringify(payload)), { typ, cty: typ === 'vp+jwt' ? 'vp' : 'vc' }, this.issuer.key);
  }

  /** Secure a conforming credential in `format` directly with the trust library (no issuer endpoint). */
  async secure(credential: Json, format: Format): Promise<string | SecuredCredential> {
    if (format === 'vc+jwt') return this.signJwt(credential);
    return issueCredentialDataIntegrity(credential as Credential, this.issuer.key);
  }

  /** An issued credential in the form the issuer returned it (DI object or envelope). */
  async issued(format: Format, extra: Json = {}): Promise<Json> {
    const answer = await this.issue(this.credential(extra), format);
    assert.equal(answer.status, 201, `the issuer must issue a conforming credential (${format}); got ${answer.status} ${answer.text.slice(0, 300)}`);
    return answer.body.verifiableCredential as Json;
  }

  async presentation(format: Format, credentials: unknown[], challenge: string, holder: Json = {}): Promise<string | Json> {
    if (format === 'vc+jwt') return createPresentationJwt({ holderKey: this.issuer.key, credentials: credentials as string[], audience: this.did, nonce: challenge });
    return createPresentationDataIntegrity({ holderKey: this.issuer.key, credentials: credentials as SecuredCredential[], challenge, domain: this.did, ...holder });
  }

  /** A vp+jwt with an arbitrary payload, bound to this verifier. */
  signPresentationJwt(payload: Json, challenge: string): Promise<string> {
    const iat = Math.floor(Date.now() / 1000);
    return this.signJwt({ aud: this.did, nonce: challenge, iat, exp: iat + 120, holder: this.did, ...payload }, 'vp+jwt');
  }
}

/** The vc+jwt inside an EnvelopedVerifiableCredential. */
export function jwtOf(envelope: Json): string {
  return (envelope.id as string).slice(ENVELOPED_VC_JWT_PREFIX.length);
}

export function payloadOf(jwt: string): Json {
  return JSON.parse(Buffer.from(jwt.split('.')[1] as string, 'base64url').toString()) as Json;
}

export function accepted(answer: Answer, what: string, status = 200): void {
  assert.equal(answer.status, status, `${what}: expected ${status}, got ${answer.status} ${answer.text.slice(0, 300)}`);
}

/** Refused as invalid input or unverifiable (the suites accept 400 or 422), never 200 or 401. */
export function refused(answer: Answer, what: string): void {
  assert.ok(answer.status === 400 || answer.status === 422, `${what}: expected 400 or 422, got ${answer.status} ${answer.text.slice(0, 300)}`);
  assert.equal(typeof answer.body?.reason, 'string', `${what}: the refusal must carry a reason`);
}

export interface Check {
  title: string;
  /** Where Musubi deliberately behaves otherwise than the published check expects, and why. */
  deviation?: string;
  run(target: Target): Promise<void>;
}

export interface Suite {
  name: string;
  source: string;
  checks: Check[];
}
