export { startConnector, type ConnectorOptions, type Endpoint, type RunningConnector } from './connector.js';
export { openConfiguredStore, startFromConfig } from './from-config.js';
