export { StatusRegistry, type StatusPosition, type StatusRegistryOptions } from './status-registry.js';
