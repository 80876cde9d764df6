export { ensureDirectory, readFileIfExists, writeFileAtomic } from './atomic-file.js';
export { JsonStateFile, StateFileError } from './json-state.js';
export { JsonLinesFile, type JsonLinesContent } from './json-lines.js';
export { PersistentReplayGuard } from './replay-guard.js';
