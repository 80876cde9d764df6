// Log fields pass through here so secret material never reaches a log line: a Secret's payload is
// dropped whole, and fields whose names say they hold credentials are masked wherever they appear.

export const REDACTED = '[REDACTED]';

const CREDENTIAL_NAME = /(token|password|passwd|passphrase|privatekey|private_key|secret|apikey|api_key|credential|credentials|authorization|cookie|proofvalue|proof_value|keymaterial|key_material)$/i;
/** JWK members holding private key material (RFC 7518 §6.3.2, §6.4). */
const JWK_PRIVATE = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']);
const MAX_DEPTH = 32;

export function isCredentialField(name: string): boolean {
  return name === 'd' || CREDENTIAL_NAME.test(name);
}

/** A deep copy of `value` without secret material; cycles and excessive depth are cut. */
export function redact(value: unknown): unknown {
  return walk(value, 0, new WeakSet());
}

function walk(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1, seen));
    if (value instanceof Error) return errorFields(value);
    if (value instanceof Date) return value.toISOString();
    const record = value as Record<string, unknown>;
    const isSecret = record.kind === 'Secret';
    const isJwk = typeof record.kty === 'string';
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(record)) {
      if (isSecret && (key === 'data' || key === 'stringData')) continue;
      if (isCredentialField(key) || (isJwk && JWK_PRIVATE.has(key))) {
        out[key] = REDACTED;
        continue;
      }
      out[key] = walk(v, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

function errorFields(err: Error): Record<string, unknown> {
  const out: Record<string, unknown> = { name: err.name, message: err.message };
  const extra = err as Error & { statusCode?: unknown; reason?: unknown; code?: unknown };
  if (extra.statusCode !== undefined) out.statusCode = extra.statusCode;
  if (extra.reason !== undefined) out.reason = extra.reason;
  if (extra.code !== undefined) out.code = extra.code;
  return out;
}
