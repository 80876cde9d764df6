import { percentile, sortedAscending } from './percentile.js';

test('nearest rank: every percentile is a sample, p50 of an even batch is the lower middle', () => {
  const samples = sortedAscending([40, 10, 30, 20]);
  expect(samples).toEqual([10, 20, 30, 40]);
  expect(percentile(samples, 50)).toBe(20);
  expect(percentile(samples, 75)).toBe(30);
  expect(percentile(samples, 76)).toBe(40);
  expect(percentile(samples, 100)).toBe(40);
  expect(percentile(samples, 0.1)).toBe(10);
});

test('p99 of 1000 samples is the 990th; of 50 samples it is the maximum', () => {
  const thousand = Array.from({ length: 1000 }, (_, i) => i + 1);
  expect(percentile(thousand, 99)).toBe(990);
  expect(percentile(thousand, 50)).toBe(500);
  const fifty = Array.from({ length: 50 }, (_, i) => i + 1);
  expect(percentile(fifty, 99)).toBe(50);
});

test('sorts numerically, not as strings', () => {
  expect(sortedAscending([100, 9, 1000, 20])).toEqual([9, 20, 100, 1000]);
});

test('an empty batch or a p outside (0, 100] is refused with what was wrong', () => {
  expect(() => percentile([], 50)).toThrow('no samples');
  expect(() => percentile([1], 0)).toThrow('p must be in (0, 100], got 0');
  expect(() => percentile([1], 101)).toThrow('got 101');
  expect(() => percentile([1], Number.NaN)).toThrow('got NaN');
});
