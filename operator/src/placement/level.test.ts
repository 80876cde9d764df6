import { drainHighest, raiseLowest } from './level.js';

test('raiseLowest lifts the lowest values to a common level within caps and budget', () => {
  const values = [0, 10, 50, 5];
  const spent = raiseLowest(values, [100, 100, 100, 8], [0, 1, 2, 3], 25);
  // level 13 costs 13 + 3 + 0 + 3 (capped at 8) = 19; level 16 costs 16+6+3 = 25
  expect(values).toEqual([16, 16, 50, 8]);
  expect(spent).toBe(25);
});

test('raiseLowest hands out the last watts one at a time in index order', () => {
  const values = [0, 0, 0];
  expect(raiseLowest(values, [10, 10, 10], [0, 1, 2], 7)).toBe(7);
  expect(values).toEqual([3, 2, 2]);
});

test('drainHighest frees exactly the amount from the highest values', () => {
  const values = [40, 10, 30, 0];
  expect(drainHighest(values, [0, 1, 2, 3], 25)).toBe(25);
  expect(values.reduce((a, b) => a + b, 0)).toBe(55);
  expect(values).toEqual([23, 10, 22, 0]);
});

test('drainHighest takes everything when asked for more than is there', () => {
  const values = [3, 4];
  expect(drainHighest(values, [0, 1], 100)).toBe(7);
  expect(values).toEqual([0, 0]);
});
