export { startConnector, type ConnectorOptions, type Endpoint, type RunningConnector } from './connector.js';
