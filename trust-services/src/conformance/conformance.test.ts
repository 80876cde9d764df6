import { report, runConformance } from './runner.js';

test('the VC Data Model 2.0 and VC-API issuer/verifier checklists pass against the issuer', async () => {
  const results = await runConformance();
  const failures = results.filter((r) => !r.passed);
  expect(failures.map((f) => `[${f.suite}] ${f.title}: ${f.error}`)).toEqual([]);
  expect(results.length).toBeGreaterThanOrEqual(120);
  expect(report(results).at(-1)).toBe(`${results.length} passed, 0 failed`);
}, 120_000);
