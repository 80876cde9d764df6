export { loadSigningKey } from './signing-key.js';
