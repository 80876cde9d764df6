// Access tokens a wallet grants a verifier (DCP §5.2): the holder signs "verifier V may read these scopes
// until exp", and the verifier later hands the token back inside its own ID token. Signed by the holder's
// key, the token needs no server-side state and survives a restart.
import { randomUUID } from 'node:crypto';
import { TrustError, decodeJws, signJws, verifyJwsSignature, type Clock, type KeyPair } from '@musubi/core/trust';

const TYP = 'musubi-at+jwt';
export const MAX_ACCESS_TOKEN_LIFETIME_SECONDS = 600;

export interface AccessGrant {
  /** Who may use it: the verifier's (or issuer's) DID. */
  audience: string;
  scopes: string[];
  expiresAt: Date;
}

export async function mintAccessToken(holderKey: KeyPair, grant: { audience: string; scopes: string[]; lifetimeSeconds?: number; clock: Clock }): Promise<string> {
  const iat = Math.floor(grant.clock().getTime() / 1000);
  const lifetime = Math.min(grant.lifetimeSeconds ?? 300, MAX_ACCESS_TOKEN_LIFETIME_SECONDS);
  const holder = holderKey.kid.slice(0, holderKey.kid.indexOf('#'));
  const claims = { iss: holder, sub: holder, aud: grant.audience, scope: grant.scopes.join(' '), iat, exp: iat + lifetime, jti: randomUUID() };
  return signJws(new TextEncoder().encode(JSON.stringify(claims)), { typ: TYP }, holderKey);
}

/** The grant in `token`, if this holder signed it and it has not expired; TrustError otherwise. */
export async function readAccessToken(token: string, holderKey: KeyPair, clock: Clock): Promise<AccessGrant> {
  const decoded = decodeJws(token, { typ: TYP, maxBytes: 8 * 1024, what: 'access token' });
  if (decoded.header.kid !== holderKey.kid) throw new TrustError('WrongIssuerKey', 'the access token was not issued by this wallet');
  await verifyJwsSignature(decoded, holderKey, 'access token');
  const claims = JSON.parse(Buffer.from(decoded.payload).toString('utf8')) as { aud?: unknown; scope?: unknown; exp?: unknown };
  if (typeof claims.aud !== 'string' || typeof claims.scope !== 'string' || typeof claims.exp !== 'number') throw new TrustError('MalformedInput', 'access token claims are incomplete');
  if (claims.exp * 1000 < clock().getTime()) throw new TrustError('Expired', `the access token expired at ${new Date(claims.exp * 1000).toISOString()}; ask the holder for a new one`);
  return { audience: claims.aud, scopes: claims.scope.split(' ').filter((s) => s.length > 0), expiresAt: new Date(claims.exp * 1000) };
}
