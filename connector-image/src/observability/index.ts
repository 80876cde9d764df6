export { createLogger, redact, silentLogger, type LogLevel, type LogSink, type Logger } from './logger.js';
export { createConnectorMetrics, type ConnectorMetrics } from './metrics.js';
