import { createHash } from 'node:crypto';
import {
  LocalDidRegistry, buildDidDocument, createKeyResolver, importPublicKey, musubiTypeOf, subjectIdOf, verifyCredentialJwt,
  type KeyResolver, type PublicJwk,
} from '@musubi/core/trust';
import type { PinnedJwk } from '@musubi/core/service-config';

// The credentials a participant holds, as the operator keeps them: vc+jwt strings under stable file
// names in the `<participant>-credentials` Secret. Every credential read back is verified again (its
// issuer's key may have changed), and renewal is due a fixed time before expiry, but never earlier
// than half-way through the credential's life, so a short-lived credential is not renewed in a loop.

export interface HeldCredential {
  file: string;
  jwt: string;
  id: string;
  type: string;
  issuer: string;
  subject: string;
  validFrom: Date;
  validUntil: Date;
  /** Claims a renewal must match (roles of an employee, the employer credential...). */
  claims: Record<string, unknown>;
}

export const anchorCredentialFile = (type: string) => `${type.replace(/Credential$/, '').replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()}.jwt`;
export const memberCredentialFile = (memberId: string) => `employee-${memberId}.jwt`;
export function relationshipCredentialFile(type: string, subjectDid: string): string {
  return `relationship-${type.toLowerCase()}-${createHash('sha256').update(subjectDid).digest('hex').slice(0, 12)}.jwt`;
}

/** A relationship credential another participant (`grantorKey`, namespace/name) granted this one. */
export function grantedCredentialFile(grantorKey: string, type: string): string {
  return `granted-${createHash('sha256').update(grantorKey).digest('hex').slice(0, 12)}-${type.toLowerCase()}.jwt`;
}

/** A key resolver that knows exactly one DID and its keys: verification never leaves the process. */
export async function resolverFor(did: string, keys: Array<PublicJwk & { kid: string }>): Promise<KeyResolver> {
  const registry = new LocalDidRegistry();
  const imported = await Promise.all(keys.map((k) => importPublicKey({ kty: k.kty, crv: k.crv, x: k.x, ...(k.y ? { y: k.y } : {}) }, k.kid.includes('#') ? k.kid : `${did}#${k.kid}`)));
  registry.register(buildDidDocument({ did, keys: imported.map((key) => ({ key })) }));
  return createKeyResolver(registry);
}

export function anchorKeys(did: string, keys: PinnedJwk[]): Array<PublicJwk & { kid: string }> {
  return keys.map((k) => ({ kty: k.kty, crv: k.crv, x: k.x, ...(k.y ? { y: k.y } : {}), kid: k.kid.startsWith('did:') ? k.kid : `${did}#${k.kid}` }));
}

/**
 * The credential in `jwt` if it verifies against `keys` (issuer, signature, validity at `now`) and is the
 * `type` for `subject`; undefined otherwise, with the reason in `why`.
 */
export async function verifyHeld(
  file: string,
  jwt: string,
  expect: { type: string; subject: string; issuer: string; keys: KeyResolver; now: Date },
  why?: (reason: string) => void,
): Promise<HeldCredential | undefined> {
  try {
    const verified = await verifyCredentialJwt(jwt, { keys: expect.keys, clock: () => expect.now });
    const credential = verified.credential;
    const type = musubiTypeOf(credential);
    const subject = subjectIdOf(credential);
    if (verified.issuer !== expect.issuer) throw new Error(`issued by ${verified.issuer}, not ${expect.issuer}`);
    if (type !== expect.type) throw new Error(`a ${type ?? 'non-Musubi'} credential, not ${expect.type}`);
    if (subject !== expect.subject) throw new Error(`issued to ${subject ?? 'nobody'}, not ${expect.subject}`);
    if (!credential.id || !credential.validUntil) throw new Error('without id or validUntil');
    return {
      file, jwt, id: credential.id, type, issuer: verified.issuer, subject,
      validFrom: new Date(credential.validFrom ?? 0), validUntil: new Date(credential.validUntil),
      claims: credential.credentialSubject as Record<string, unknown>,
    };
  } catch (err) {
    why?.((err as Error).message);
    return undefined;
  }
}

/** When `held` is due for renewal. */
export function renewalTime(held: Pick<HeldCredential, 'validFrom' | 'validUntil'>, renewBeforeMs: number): number {
  const lifetime = held.validUntil.getTime() - held.validFrom.getTime();
  return held.validUntil.getTime() - Math.min(renewBeforeMs, lifetime / 2);
}

export function decodeSecretData(secret: { [field: string]: unknown } | undefined): Record<string, string> {
  const data = (secret?.['data'] ?? {}) as Record<string, string>;
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
}
