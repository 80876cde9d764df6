// The connector logs through the shared JSON logger, so its secret-masking rules are the operator's
// and the trust services'.
export { createJsonLogger, redact, silentLogger, type LogLevel, type Logger } from '@musubi/core/logging';
