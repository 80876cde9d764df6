import { redact } from './redact.js';

// One JSON object per line (ts, level, msg, then context fields), the shape log collectors parse
// without configuration. Every field is redacted before it is written. Shared by the operator and the
// trust services so a secret is masked by the same rules everywhere.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line (e.g. controller and object key). */
  child(fields: LogFields): Logger;
}

export interface JsonLoggerOptions {
  level?: LogLevel;
  /** Receives one line without the trailing newline; default writes to stdout. */
  write?: (line: string) => void;
  now?: () => Date;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const RESERVED = new Set(['ts', 'level', 'msg']);

export function isLogLevel(value: string): value is LogLevel {
  return value in RANK;
}

export function parseLogLevel(text: string | undefined, fallback: LogLevel = 'info'): LogLevel {
  if (text === undefined || text === '') return fallback;
  const level = text.toLowerCase();
  if (level in RANK) return level as LogLevel;
  throw new Error(`log level "${text}" is not one of debug, info, warn, error`);
}

export function createJsonLogger(options: JsonLoggerOptions = {}, base: LogFields = {}): Logger {
  const threshold = RANK[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stdout.write(line + '\n'));
  const now = options.now ?? (() => new Date());
  const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (RANK[level] < threshold) return;
    const entry: LogFields = { ts: now().toISOString(), level, msg };
    const context = redact({ ...base, ...fields }) as LogFields;
    for (const [k, v] of Object.entries(context)) if (!RESERVED.has(k) && v !== undefined) entry[k] = v;
    write(JSON.stringify(entry, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
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
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};
