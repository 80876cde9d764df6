import { MAX_TIMER_MS, systemClock } from './clock.js';

test('a timer longer than setTimeout can hold is clamped instead of firing at once', async () => {
  let fired = false;
  const cancel = systemClock.setTimer(365 * 24 * 3600 * 1000, () => (fired = true));
  await new Promise((r) => setTimeout(r, 20));
  cancel();
  expect(fired).toBe(false);
  expect(MAX_TIMER_MS).toBe(2147483647);
});
