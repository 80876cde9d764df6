// A change event as it travels: a compact JWS (typ musubi-event+jwt) signed with a key of the
// provider's DID that its DID document lists under assertionMethod. The signature is what
// authenticates the event, so the receiving endpoint needs no caller token; the receiver resolves the
// key only from the DID of the provider it subscribed to, never from a DID the event names.
import { z } from 'zod';
import { TrustError, decodeJws, signJws, splitDidUrl, verifyJwsSignature, type DecodedJws, type KeyPair, type KeyResolver } from '@musubi/core/trust';
import { CHANGE_TRIGGERS, NOTIFICATION_TYPES, type NotificationClaims } from '../store/records.js';

export const EVENT_JWS_TYPE = 'musubi-event+jwt';
export const MAX_EVENT_BYTES = 16 * 1024;

/** Why an event was not accepted; `status` is the HTTP answer, `code` a word programs can match. */
export class EventRejected extends Error {
  constructor(readonly code: string, message: string, readonly status: number) {
    super(message);
    this.name = 'EventRejected';
  }
}

export const NotificationClaimsSchema = z.object({
  iss: z.string().regex(/^did:[a-z0-9]+:.+/),
  aud: z.string().regex(/^did:[a-z0-9]+:.+/),
  sub: z.string().min(1).max(256),
  jti: z.string().min(1).max(256),
  iat: z.number().int().nonnegative(),
  type: z.enum(NOTIFICATION_TYPES),
  seq: z.number().int().positive(),
  consumerSubscriptionId: z.string().min(1).max(256),
  agreementId: z.string().min(1).max(512),
  datasetId: z.string().min(1).max(256),
  changedAt: z.string().min(1).max(64),
  version: z.string().max(512).optional(),
  previousVersion: z.string().max(512).optional(),
  trigger: z.enum(CHANGE_TRIGGERS).optional(),
  note: z.string().max(1000).optional(),
  reason: z.object({ code: z.string().max(64), message: z.string().max(2000) }).optional(),
});

export async function signEvent(claims: NotificationClaims, key: KeyPair): Promise<string> {
  return signJws(new TextEncoder().encode(JSON.stringify(claims)), { typ: EVENT_JWS_TYPE }, key);
}

/** The event's claims, parsed but not yet trusted: enough to find the subscription it is for. */
export function readEvent(jws: unknown): { decoded: DecodedJws; claims: NotificationClaims } {
  let decoded: DecodedJws;
  try {
    decoded = decodeJws(jws, { typ: EVENT_JWS_TYPE, maxBytes: MAX_EVENT_BYTES, what: 'the event' });
  } catch (error) {
    if (error instanceof TrustError) throw new EventRejected('MalformedEvent', error.message, 400);
    throw error;
  }
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(decoded.payload).toString('utf8'));
  } catch {
    throw new EventRejected('MalformedEvent', 'the event payload is not JSON', 400);
  }
  const parsed = NotificationClaimsSchema.safeParse(payload);
  if (!parsed.success) {
    throw new EventRejected('MalformedEvent', `the event claims are invalid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ')}`, 400);
  }
  return { decoded, claims: parsed.data as NotificationClaims };
}

/** Checks that the event was signed by `providerDid` with a key its DID document lists for assertions. */
export async function verifyEventSignature(decoded: DecodedJws, providerDid: string, keys: KeyResolver): Promise<void> {
  const kid = decoded.header.kid;
  let signer: string;
  try {
    signer = splitDidUrl(kid).did;
  } catch {
    throw new EventRejected('InvalidSignature', `the event's key id "${kid.slice(0, 200)}" is not a DID URL of ${providerDid}`, 401);
  }
  if (signer !== providerDid) throw new EventRejected('InvalidSignature', `the event is signed with a key of ${signer.slice(0, 200)}, not of the provider ${providerDid}`, 401);
  try {
    const key = await keys.resolveKey(kid, 'assertionMethod');
    await verifyJwsSignature(decoded, key, 'the event');
  } catch (error) {
    if (error instanceof TrustError) {
      if (error.reason === 'DidResolutionFailed') throw new EventRejected('KeyUnavailable', `the DID document of ${providerDid} could not be resolved: ${error.message}; send the event again later`, 503);
      throw new EventRejected('InvalidSignature', `the event's signature does not verify (${error.reason}): ${error.message}`, 401);
    }
    throw error;
  }
}
