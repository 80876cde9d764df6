import { TrustError } from './errors.js';

/** Where the library reads the current time; injected so tests and replays can fix it. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

/** Seconds of clock difference tolerated between issuer, holder and verifier. */
export const DEFAULT_CLOCK_SKEW_SECONDS = 60;

/** Parse an XML Schema dateTimeStamp (RFC 3339 with offset) as VC Data Model 2.0 requires. */
export function parseDateTime(value: unknown, field: string): Date {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    throw new TrustError('MalformedInput', `${field} must be a date-time with a time zone such as "2026-01-31T09:00:00Z", got ${JSON.stringify(value)?.slice(0, 64)}`);
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new TrustError('MalformedInput', `${field} is not a real date: ${value}`);
  return date;
}

/**
 * Refuse a validity window that does not contain `now` (widened by the tolerated skew on both sides).
 * `what` names the object in the message, e.g. `credential urn:uuid:…`.
 */
export function assertWithinValidity(
  what: string,
  window: { validFrom?: Date; validUntil?: Date },
  now: Date,
  skewSeconds = DEFAULT_CLOCK_SKEW_SECONDS,
): void {
  const skew = skewSeconds * 1000;
  if (window.validFrom && now.getTime() + skew < window.validFrom.getTime()) {
    throw new TrustError('NotYetValid', `${what} is not valid before ${window.validFrom.toISOString()} (now ${now.toISOString()})`);
  }
  if (window.validUntil && now.getTime() - skew > window.validUntil.getTime()) {
    throw new TrustError('Expired', `${what} expired at ${window.validUntil.toISOString()} (now ${now.toISOString()})`);
  }
}

export function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
