import { createHash } from 'node:crypto';

// Which signed trust list the connector's configuration carries. The text is part of the config hash,
// so a new signature of the same list (new id and validity window, nothing else) would roll the pods;
// the copy already stored is kept while it says the same and has time left. Both texts have been
// verified against the anchor's published keys before they get here.

/** Re-sign(/copy) once less than this share of the stored list's validity is left. */
const RENEW_WHEN_LEFT = 1 / 3;

// Fields that change with every signature, not with what the list says.
const SIGNATURE_FIELDS = new Set(['id', 'validFrom', 'validUntil', 'iat', 'nbf', 'exp', 'jti']);

function payloadOf(jwt: string): Record<string, unknown> | undefined {
  try {
    const payload: unknown = JSON.parse(Buffer.from(jwt.trim().split('.')[1] ?? '', 'base64url').toString('utf8'));
    return typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? (payload as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** sha256 of a signed trust list's payload without the fields each signature renews; undefined if unreadable. */
export function trustListContentDigest(jwt: string): string | undefined {
  const payload = payloadOf(jwt);
  if (!payload) return undefined;
  const content = Object.fromEntries(Object.entries(payload).filter(([field]) => !SIGNATURE_FIELDS.has(field)));
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}

function nearExpiry(jwt: string, now: Date): boolean {
  const payload = payloadOf(jwt);
  const from = Date.parse(String(payload?.validFrom));
  const until = Date.parse(String(payload?.validUntil));
  if (!Number.isFinite(from) || !Number.isFinite(until)) return true;
  return until - now.getTime() < (until - from) * RENEW_WHEN_LEFT;
}

/** The list to store: the stored copy when it says what the fetched one says and is not near expiry, else the fetched one. */
export function trustListToStore(fetched: string, stored: string | undefined, now: Date): string {
  if (!stored) return fetched;
  const storedDigest = trustListContentDigest(stored);
  if (storedDigest === undefined || storedDigest !== trustListContentDigest(fetched)) return fetched;
  return nearExpiry(stored, now) ? fetched : stored;
}
