export { IdentifierInput, LimitsConfig, LogLevelConfig, NetworkConfig, countryCode } from './common.js';
export { ConfigError, configPathFromEnv, loadConfigFile, parseConfig } from './load.js';
