export { createJsonLogger, isLogLevel, parseLogLevel, silentLogger, type JsonLoggerOptions, type LogFields, type LogLevel, type Logger } from './logger.js';
export { REDACTED, isCredentialField, redact } from './redact.js';
