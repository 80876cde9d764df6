export * from './schema.js';
export { CONFIG_ENV, ConfigError, loadConnectorConfig, parseConnectorConfig } from './load.js';
