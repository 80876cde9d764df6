import { batchFigures, formatResults, totalViolations, type BenchRow } from './figures.js';
import type { BatchTimings } from './latency-recorder.js';

const timings = (over: Partial<BatchTimings> = {}): BatchTimings => ({
  pods: 4, created: 4, bound: 4, failedCreates: 0, firstSentMs: 1000, lastReturnedMs: 1500, lastBoundMs: 3000,
  latenciesMs: [10, 20, 30, 400], boundBeforeReturn: 0, ...over,
});

test('throughput is counted over the whole batch, from the first create sent', () => {
  const f = batchFigures(timings());
  expect(f.createdPerSecond).toBeCloseTo(8); // 4 creates in 0.5 s
  expect(f.scheduledPerSecond).toBeCloseTo(2); // 4 binds in 2 s
  expect(f).toMatchObject({ pods: 4, bound: 4, pending: 0, p50Ms: 20, p99Ms: 400, maxMs: 400 });
});

test('pods never bound are pending and a batch with no bind has no latency figures', () => {
  const f = batchFigures(timings({ bound: 0, latenciesMs: [], lastBoundMs: Number.NaN }));
  expect(f.pending).toBe(4);
  expect(Number.isNaN(f.scheduledPerSecond)).toBe(true);
  expect(Number.isNaN(f.p50Ms)).toBe(true);
});

test('the table has units in its header, one line per run and every later run against the first', () => {
  const rows: BenchRow[] = [
    { run: 'A', description: 'no power constraints', figures: batchFigures(timings()) },
    { run: 'B', description: 'power', figures: batchFigures(timings({ lastBoundMs: 5000, latenciesMs: [20, 40, 60, 800] })), violations: 0 },
  ];
  const lines = formatResults(rows);
  expect(lines[0]).toMatch(/^run +pods +bound +pending +created pods\/s +scheduled pods\/s +p50 ms +p99 ms +max ms +violations$/);
  expect(lines[1]).toMatch(/^A {2}no power constraints +4 +4 +0 +8\.0 +2\.0 +20 +400 +400 +n\/a$/);
  expect(lines[2]).toMatch(/^B {2}power +4 +4 +0 +8\.0 +1\.0 +40 +800 +800 +0$/);
  expect(lines[3]).toMatch(/^B\/A +1\.00x +0\.50x +2\.00x +2\.00x +2\.00x$/);
  expect(lines).toHaveLength(4);
  // Columns line up: every line is as wide as the header or narrower (trailing blanks trimmed).
  const width = lines[0]?.length ?? 0;
  for (const l of lines) expect(l.length).toBeLessThanOrEqual(width);
});

test('missing figures print as "-" rather than NaN, and only checked runs add violations', () => {
  const rows: BenchRow[] = [
    { run: 'A', description: 'x', figures: batchFigures(timings({ bound: 0, latenciesMs: [], lastBoundMs: Number.NaN })) },
    { run: 'B', description: 'y', figures: batchFigures(timings()), violations: 2 },
    { run: 'C', description: 'z', figures: batchFigures(timings()), violations: 1 },
  ];
  const lines = formatResults(rows).join('\n');
  expect(lines).not.toContain('NaN');
  expect(lines).toMatch(/B\/A +1\.00x +- +- +- +-/);
  expect(totalViolations(rows)).toBe(3);
  expect(formatResults([])).toEqual(['no runs']);
});
