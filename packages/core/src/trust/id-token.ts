// Self-issued ID tokens for the connector-to-connector handshake (Eclipse DCP style): the consumer signs
// a short-lived JWT about itself (iss = sub = its DID) for one verifier (aud), optionally carrying the
// access token the verifier uses to query the consumer's wallet for a presentation. A jti is accepted
// once: the ReplayGuard remembers it until the token expires.
import { randomUUID } from 'node:crypto';
import { TrustError } from './errors.js';
import { decodeJws, jsonPayload, signJws, verifyJwsSignature } from './jws.js';
import { splitDidUrl, type KeyResolver } from './key-resolver.js';
import type { KeyPair } from './keys.js';
import { DEFAULT_CLOCK_SKEW_SECONDS, epochSeconds, systemClock, type Clock } from './time.js';

export const MAX_ID_TOKEN_LIFETIME_SECONDS = 300;
const MAX_ID_TOKEN_BYTES = 8 * 1024;

/** Remembers token ids until they expire, so a captured token cannot be played again. */
export interface ReplayGuard {
  /** Record `key` as used until `expiresAt`; false when it was already used (a replay). */
  claim(key: string, expiresAt: Date): boolean | Promise<boolean>;
}

/**
 * ReplayGuard in one process's memory, bounded to `maxEntries` live ids. When full it refuses new
 * tokens (ReplayCacheFull) rather than forgetting live ids, because forgetting one would let its token
 * be replayed; size it above the handshakes per token lifetime. Connectors with several replicas need
 * a shared guard behind the same interface.
 */
export class InMemoryReplayGuard implements ReplayGuard {
  readonly #expiries = new Map<string, number>();
  readonly #maxEntries: number;
  readonly #clock: Clock;

  constructor(options: { maxEntries?: number; clock?: Clock } = {}) {
    this.#maxEntries = options.maxEntries ?? 100_000;
    this.#clock = options.clock ?? systemClock;
  }

  get size(): number {
    return this.#expiries.size;
  }

  claim(key: string, expiresAt: Date): boolean {
    const now = this.#clock().getTime();
    const known = this.#expiries.get(key);
    if (known !== undefined && known > now) return false;
    if (this.#expiries.size >= this.#maxEntries) this.#purge(now);
    if (this.#expiries.size >= this.#maxEntries) {
      throw new TrustError('ReplayCacheFull', `replay guard holds ${this.#maxEntries} unexpired token ids; refusing new tokens until some expire`);
    }
    this.#expiries.set(key, expiresAt.getTime());
    return true;
  }

  #purge(now: number): void {
    for (const [key, expiry] of this.#expiries) if (expiry <= now) this.#expiries.delete(key);
  }
}

export interface IdTokenInput {
  /** The holder's key; its kid is a DID URL of the holder (an authentication key). */
  holderKey: KeyPair;
  /** The verifier's DID. */
  audience: string;
  /** Access token the verifier presents to the holder's wallet to fetch the presentation. */
  token?: string;
  lifetimeSeconds?: number;
  clock?: Clock;
}

export async function issueSelfIssuedIdToken(input: IdTokenInput): Promise<string> {
  const lifetime = input.lifetimeSeconds ?? MAX_ID_TOKEN_LIFETIME_SECONDS;
  if (!Number.isInteger(lifetime) || lifetime <= 0 || lifetime > MAX_ID_TOKEN_LIFETIME_SECONDS) {
    throw new TrustError('TokenLifetimeTooLong', `ID token lifetime must be 1..${MAX_ID_TOKEN_LIFETIME_SECONDS} s, got ${lifetime}`);
  }
  const holder = splitDidUrl(input.holderKey.kid).did;
  const iat = epochSeconds((input.clock ?? systemClock)());
  const claims = {
    iss: holder,
    sub: holder,
    aud: input.audience,
    jti: randomUUID(),
    iat,
    exp: iat + lifetime,
    ...(input.token !== undefined ? { token: input.token } : {}),
  };
  return signJws(new TextEncoder().encode(JSON.stringify(claims)), { typ: 'jwt' }, input.holderKey);
}

export interface VerifiedIdToken {
  /** The holder's DID (iss = sub). */
  holder: string;
  jti: string;
  expiresAt: Date;
  token?: string;
}

export interface IdTokenVerificationOptions {
  keys: KeyResolver;
  /** This verifier's DID. */
  audience: string;
  replayGuard: ReplayGuard;
  clock?: Clock;
  clockSkewSeconds?: number;
}

export async function verifySelfIssuedIdToken(jwt: string, options: IdTokenVerificationOptions): Promise<VerifiedIdToken> {
  const what = 'self-issued ID token';
  const decoded = decodeJws(jwt, { typ: 'jwt', maxBytes: MAX_ID_TOKEN_BYTES, what });
  const claims = jsonPayload(decoded, what);
  const { iss, sub, aud, jti, iat, exp, token } = claims;
  if (typeof iss !== 'string' || iss !== sub) throw new TrustError('HolderMismatch', `${what} must have iss = sub = the holder's DID`);
  if (splitDidUrl(decoded.header.kid).did !== iss) throw new TrustError('HolderMismatch', `${what} from ${iss} is signed by ${decoded.header.kid}, a key of another DID`);
  const key = await options.keys.resolveKey(decoded.header.kid, 'authentication');
  await verifyJwsSignature(decoded, key, what);
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (!audiences.includes(options.audience)) {
    throw new TrustError('WrongAudience', `${what} from ${iss} is addressed to ${JSON.stringify(aud)?.slice(0, 200)}, not to ${options.audience}`);
  }
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > 256) throw new TrustError('MalformedInput', `${what} needs a jti of 1..256 characters`);
  if (typeof iat !== 'number' || typeof exp !== 'number' || !Number.isFinite(iat) || !Number.isFinite(exp)) {
    throw new TrustError('MalformedInput', `${what} needs numeric iat and exp`);
  }
  if (exp - iat > MAX_ID_TOKEN_LIFETIME_SECONDS || exp <= iat) {
    throw new TrustError('TokenLifetimeTooLong', `${what} must expire within ${MAX_ID_TOKEN_LIFETIME_SECONDS} s of being issued (iat ${iat}, exp ${exp})`);
  }
  if (token !== undefined && typeof token !== 'string') throw new TrustError('MalformedInput', `${what} token claim must be a string`);
  const now = epochSeconds((options.clock ?? systemClock)());
  const skew = options.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS;
  if (iat > now + skew) throw new TrustError('NotYetValid', `${what} from ${iss} is issued in the future (iat ${iat}, now ${now})`);
  if (exp < now - skew) throw new TrustError('Expired', `${what} from ${iss} expired at ${new Date(exp * 1000).toISOString()}`);
  const expiresAt = new Date((exp + skew) * 1000);
  if (!(await options.replayGuard.claim(`${iss}|${jti}`, expiresAt))) {
    throw new TrustError('ReplayedToken', `${what} ${jti} from ${iss} was already used`);
  }
  return { holder: iss, jti, expiresAt: new Date(exp * 1000), ...(typeof token === 'string' ? { token } : {}) };
}
