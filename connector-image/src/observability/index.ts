export { createJsonLogger, redact, silentLogger, type LogLevel, type Logger } from './logger.js';
export { createConnectorMetrics, type ConnectorMetrics } from './metrics.js';
