// Typed API errors, so a controller branches on what happened (absent object, lost race, rejected
// field, expired resourceVersion) instead of on numbers and message text.

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** The `Status` object the API server answers failures with. */
export interface ApiStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; group?: string; kind?: string; causes?: StatusCause[]; retryAfterSeconds?: number };
}

export class KubeApiError extends Error {
  override name = 'KubeApiError';
  constructor(
    message: string,
    readonly statusCode: number,
    readonly reason: string,
    readonly status?: ApiStatus,
  ) {
    super(message);
  }
}

export class NotFoundError extends KubeApiError {
  override name = 'NotFoundError';
}

/** 409: a resourceVersion precondition failed, or the object already exists (reason AlreadyExists). */
export class ConflictError extends KubeApiError {
  override name = 'ConflictError';
}

/** 422: the server rejected fields; `causes` name each field and what is wrong with it. */
export class InvalidError extends KubeApiError {
  override name = 'InvalidError';
  get causes(): StatusCause[] {
    return this.status?.details?.causes ?? [];
  }
}

/** 410: the resourceVersion (or list continue token) is too old; the caller must relist. */
export class GoneError extends KubeApiError {
  override name = 'GoneError';
}

export function kubeErrorFromStatus(statusCode: number, status: ApiStatus | undefined, context: string): KubeApiError {
  const code = status?.code ?? statusCode;
  const reason = status?.reason ?? defaultReason(code);
  const causes = status?.details?.causes ?? [];
  const serverMessage = status?.message ?? reason;
  // The server usually spells the causes out in its message already; add them only when it did not.
  const unmentioned = causes.filter((c) => !serverMessage.includes(c.field ?? c.message ?? ''));
  const causeText = unmentioned.map((c) => `; ${c.field ? `${c.field}: ` : ''}${c.message ?? c.reason ?? ''}`).join('');
  const message = `${context}: ${serverMessage} (HTTP ${code})${causeText}`;
  switch (code) {
    case 404:
      return new NotFoundError(message, code, reason, status);
    case 409:
      return new ConflictError(message, code, reason, status);
    case 410:
      return new GoneError(message, code, reason, status);
    case 422:
      return new InvalidError(message, code, reason, status);
    default:
      return new KubeApiError(message, code, reason, status);
  }
}

function defaultReason(code: number): string {
  switch (code) {
    case 400:
      return 'BadRequest';
    case 401:
      return 'Unauthorized';
    case 403:
      return 'Forbidden';
    case 404:
      return 'NotFound';
    case 409:
      return 'Conflict';
    case 410:
      return 'Expired';
    case 422:
      return 'Invalid';
    case 429:
      return 'TooManyRequests';
    default:
      return code >= 500 ? 'InternalError' : 'Unknown';
  }
}

export const isNotFound = (err: unknown): err is NotFoundError => err instanceof NotFoundError;
export const isConflict = (err: unknown): err is ConflictError => err instanceof ConflictError;
export const isAlreadyExists = (err: unknown): err is ConflictError => err instanceof ConflictError && err.reason === 'AlreadyExists';
export const isInvalid = (err: unknown): err is InvalidError => err instanceof InvalidError;
export const isGone = (err: unknown): err is GoneError => err instanceof GoneError;

/** For deletes and cleanups where "already gone" is success. */
export async function ignoreNotFound<T>(work: Promise<T>): Promise<T | undefined> {
  try {
    return await work;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}
