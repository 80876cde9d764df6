// Every error a client of the issuer or wallet can meet leaves as one JSON shape:
// `{ reason, message, field? }` with an HTTP status chosen from the reason. Trust failures keep the
// trust library's reason (InvalidSignature, Revoked, …) so a caller can branch on it; input errors name
// the field and the fix.
import { isTrustError, type TrustErrorReason } from '@musubi/core/trust';
import { z } from 'zod';

/** Reasons the services add to the trust library's. */
export type ServiceReason =
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'Conflict'
  | 'NotImplemented'
  | 'UnsupportedMediaType'
  | 'IdentifierInvalid'
  | 'IdentifierNotRegistered'
  | 'RegistryMismatch'
  | 'RegistryUnavailable'
  | 'NotEnrolled'
  | 'CredentialTypeNotOffered'
  | 'Unavailable'
  | 'InternalError';

export type ProblemReason = TrustErrorReason | ServiceReason;

export interface Problem {
  reason: ProblemReason;
  message: string;
  /** Path of the offending input field, e.g. `credential.issuer`. */
  field?: string;
}

export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';

  constructor(
    readonly status: number,
    readonly reason: ProblemReason,
    message: string,
    readonly field?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** The Musubi members (reason, message, field) and their RFC 9457 problem-details spelling. */
  toJSON(): Problem & { type: string; title: string; status: number; detail: string } {
    return {
      type: `https://musubi.dev/problems/${this.reason}`,
      title: this.reason,
      status: this.status,
      detail: this.message,
      reason: this.reason,
      message: this.message,
      ...(this.field ? { field: this.field } : {}),
    };
  }
}

/** Input the caller must fix: 400 (the request is malformed). */
const BAD_INPUT: ReadonlySet<TrustErrorReason> = new Set(['MalformedInput', 'MalformedJsonLd', 'UnknownContext', 'UnsupportedAlgorithm', 'InvalidCredentialSubject', 'TokenLifetimeTooLong']);

export function statusOfTrustReason(reason: TrustErrorReason): number {
  if (reason === 'PayloadTooLarge') return 413;
  if (reason === 'ReplayCacheFull') return 503;
  if (BAD_INPUT.has(reason)) return 400;
  // Well-formed, but it does not verify (signature, key, anchor, validity, status, binding).
  return 422;
}

/** `credential.type[1]` from a zod path, prefixed with the name of the request part. */
export function fieldPath(prefix: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), prefix);
}

export function problemFromZod(error: z.ZodError, prefix: string): HttpProblem {
  const issue = error.issues[0];
  const field = issue ? fieldPath(prefix, issue.path) : prefix;
  const detail = issue?.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue?.message ?? 'is invalid';
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problem${error.issues.length > 2 ? 's' : ''})` : '';
  return new HttpProblem(400, 'MalformedInput', `${field || 'request body'} ${detail}${more}`, field || undefined);
}

/** Validate `value` against `schema`, or throw a 400 naming the first bad field. */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, prefix = ''): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw problemFromZod(result.error, prefix);
  return result.data;
}

interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
  length?: number;
}

/** The HttpProblem for anything thrown by a handler; unknown errors become a 500 without details. */
export function toProblem(error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
  if (isTrustError(error)) {
    const field = (error as { field?: unknown }).field;
    return new HttpProblem(statusOfTrustReason(error.reason), error.reason, error.message, typeof field === 'string' ? field : undefined, { cause: error });
  }
  const parserError = error as BodyParserError;
  if (parserError?.type === 'entity.too.large') {
    return new HttpProblem(413, 'PayloadTooLarge', `request body is larger than the limit of ${parserError.limit} bytes`);
  }
  if (parserError?.type === 'entity.parse.failed') {
    return new HttpProblem(400, 'MalformedInput', `request body is not valid JSON: ${(error as Error).message}`);
  }
  if (parserError?.type === 'encoding.unsupported' || parserError?.type === 'charset.unsupported') {
    return new HttpProblem(415, 'UnsupportedMediaType', (error as Error).message);
  }
  if (typeof parserError?.status === 'number' && parserError.status >= 400 && parserError.status < 500) {
    return new HttpProblem(parserError.status, 'MalformedInput', (error as Error).message);
  }
  return new HttpProblem(500, 'InternalError', 'internal error; see the service log', undefined, { cause: error });
}
