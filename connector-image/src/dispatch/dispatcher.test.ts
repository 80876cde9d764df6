import { backoffMs } from './dispatcher.js';

describe('delivery backoff', () => {
  test('doubles from the base delay up to the maximum, jittered within the upper half', () => {
    const settings = { baseDelayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffMs(attempt, settings, () => 1))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect([1, 2, 3].map((attempt) => backoffMs(attempt, settings, () => 0))).toEqual([50, 100, 200]);
  });
});
