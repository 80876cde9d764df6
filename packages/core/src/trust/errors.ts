// One error type for everything the trust library refuses, so that callers (the connector's identity
// check, the issuer and wallet services) can branch on a stable `reason` instead of parsing messages.
// Messages name what was wrong and, where the caller can act, the fix; they never carry key material
// or token text.

export const TRUST_ERROR_REASONS = [
  'MalformedInput',
  'PayloadTooLarge',
  'UnsupportedAlgorithm',
  'InvalidSignature',
  'WrongIssuerKey',
  'UnrecognisedAnchor',
  'StaleRecognition',
  'Expired',
  'NotYetValid',
  'Revoked',
  'Suspended',
  'StatusCheckFailed',
  'ReplayedToken',
  'ReplayCacheFull',
  'TokenLifetimeTooLong',
  'WrongAudience',
  'HolderMismatch',
  'WrongChallenge',
  'WrongDomain',
  'MalformedJsonLd',
  'UnknownContext',
  'DidResolutionFailed',
  'InsecureTransport',
  'TrustListUnavailable',
  'InvalidCredentialSubject',
  'BrokenChain',
  'UntrustedIssuer',
] as const;
export type TrustErrorReason = (typeof TRUST_ERROR_REASONS)[number];

export class TrustError extends Error {
  override readonly name = 'TrustError';

  constructor(
    readonly reason: TrustErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isTrustError(error: unknown, reason?: TrustErrorReason): error is TrustError {
  return error instanceof TrustError && (reason === undefined || error.reason === reason);
}

/**
 * The TrustError that caused a failure deep inside a library (jsonld wraps document loader errors in
 * its own errors, jsonld-signatures collects them in `errors` arrays), or undefined. Depth-bounded
 * because error graphs from third-party code are not guaranteed to be acyclic.
 */
export function findTrustError(error: unknown, depth = 0): TrustError | undefined {
  if (error instanceof TrustError) return error;
  if (depth > 8 || typeof error !== 'object' || error === null) return undefined;
  const record = error as { cause?: unknown; details?: { cause?: unknown }; errors?: unknown; error?: unknown };
  const nested: unknown[] = [record.cause, record.details?.cause, record.error];
  if (Array.isArray(record.errors)) nested.push(...(record.errors as unknown[]).slice(0, 16));
  for (const candidate of nested) {
    const found = findTrustError(candidate, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** A short description of a foreign error for a TrustError message. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
