export { buildCatalog, buildDataset, dataService } from './catalog.js';
