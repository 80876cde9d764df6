import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { stringify } from 'yaml';

// Golden files for pure renderers: the expected manifests live next to the test as YAML a reviewer can
// read in a diff. UPDATE_GOLDEN=1 rewrites them; CI never sets it, so an unreviewed change fails.
export function expectGolden(file: string, value: unknown): void {
  const actual = stringify(value, { lineWidth: 0, sortMapEntries: false });
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
    if (process.env.CI === 'true' && !existsSync(file)) throw new Error(`golden file ${file} is missing: run the test with UPDATE_GOLDEN=1 locally and commit it`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  expect(actual).toEqual(readFileSync(file, 'utf8'));
}
