import { forEachBounded } from './bounded.js';

test('never more than `concurrency` steps in flight, and every item is visited once', async () => {
  let inFlight = 0;
  let peak = 0;
  const seen: number[] = [];
  await forEachBounded(Array.from({ length: 50 }, (_, i) => i), 4, async (item) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await new Promise((resolve) => setImmediate(resolve));
    seen.push(item);
    inFlight--;
  });
  expect(peak).toBe(4);
  expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
});

test('after a failure no new step starts and the first error is thrown', async () => {
  const started: number[] = [];
  await expect(forEachBounded(Array.from({ length: 100 }, (_, i) => i), 2, async (item) => {
    started.push(item);
    await new Promise((resolve) => setImmediate(resolve));
    if (item === 3) throw new Error('create pod-3 failed');
  })).rejects.toThrow('create pod-3 failed');
  expect(started.length).toBeLessThan(10);
});

test('no items, nothing to do; a concurrency that is not a positive whole number is refused', async () => {
  await expect(forEachBounded([], 8, async () => undefined)).resolves.toBeUndefined();
  await expect(forEachBounded([1], 0, async () => undefined)).rejects.toThrow('concurrency must be a positive whole number, got 0');
});
