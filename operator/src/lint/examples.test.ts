import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatText, lintPaths } from './index.js';

const examples = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'examples');

test('every example passes musubi lint', () => {
  expect(lintPaths([examples]).map(formatText)).toEqual([]);
});
