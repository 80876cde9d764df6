// One JSON object per line (ts, level, msg, then fields): the shape log collectors parse without
// configuration. Fields whose names say they hold a secret are replaced before anything is written, so a
// careless `log.info('…', { headers })` cannot leak a bearer token or key material.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_FIELD = /^(authorization|cookie|token|access_?token|id_?token|client_?secret|secret|password|d|private_?key|key_?material|proof_?value)$/i;
const REDACTED = '[REDACTED]';

export function isLogLevel(value: string): value is LogLevel {
  return value in RANK;
}

function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (Array.isArray(value)) return value.slice(0, 50).map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value as Record<string, unknown>)) {
    out[key] = SECRET_FIELD.test(key) ? REDACTED : redact(member, depth + 1);
  }
  return out;
}

export interface JsonLoggerOptions {
  level?: LogLevel;
  /** Receives one line without the newline; writes to stdout by default. */
  write?: (line: string) => void;
}

export function createJsonLogger(options: JsonLoggerOptions = {}, base: LogFields = {}): Logger {
  const threshold = RANK[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const emit = (level: LogLevel, msg: string, fields?: LogFields): void => {
    if (RANK[level] < threshold) return;
    const context = redact({ ...base, ...fields }) as LogFields;
    const entry: LogFields = { ts: new Date().toISOString(), level, msg };
    for (const [key, value] of Object.entries(context)) if (value !== undefined && !(key in entry)) entry[key] = value;
    write(JSON.stringify(entry));
  };
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    child: (fields) => createJsonLogger(options, { ...base, ...fields }),
  };
}

export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
