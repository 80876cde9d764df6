import { ExponentialBackoff } from './backoff.js';

describe('ExponentialBackoff', () => {
  it('doubles up to the cap, adds jitter within the fraction, and starts over after reset', () => {
    const fixed = new ExponentialBackoff({ initialMs: 800, maxMs: 5000, jitter: 0 });
    expect([fixed.next(), fixed.next(), fixed.next(), fixed.next(), fixed.next()]).toEqual([800, 1600, 3200, 5000, 5000]);
    fixed.reset();
    expect(fixed.next()).toBe(800);
    const jittered = new ExponentialBackoff({ initialMs: 1000, maxMs: 60_000, jitter: 0.5 }, () => 1);
    expect(jittered.next()).toBe(1500);
    expect(() => new ExponentialBackoff({ initialMs: 0, maxMs: 1 })).toThrow(/need 0 < initialMs <= maxMs/);
  });
});
