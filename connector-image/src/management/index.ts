export { createManagementApp, type ManagementDeps } from './app.js';
export { managementOpenApi } from './openapi.js';
export { requestCatalog, requestDataset, RemoteCatalogFailed } from './remote-catalog.js';
