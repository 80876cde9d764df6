import { BucketRateLimiter, ItemExponentialFailureRateLimiter, MaxOfRateLimiter, defaultControllerRateLimiter } from './rate-limiter.js';
import { FakeClock } from './testing/fake-clock.js';

describe('ItemExponentialFailureRateLimiter', () => {
  it('doubles from 5 ms per failure of one key, capped at 1000 s, and resets on forget', () => {
    const limiter = new ItemExponentialFailureRateLimiter(5, 1000_000);
    const delays = Array.from({ length: 6 }, () => limiter.when('a'));
    expect(delays).toEqual([5, 10, 20, 40, 80, 160]);
    expect(limiter.when('b')).toBe(5);
    expect(limiter.numRequeues('a')).toBe(6);
    for (let i = 0; i < 30; i++) limiter.when('a');
    expect(limiter.when('a')).toBe(1000_000);
    limiter.forget('a');
    expect(limiter.numRequeues('a')).toBe(0);
    expect(limiter.when('a')).toBe(5);
  });

  it('rejects a base delay that is not positive', () => {
    expect(() => new ItemExponentialFailureRateLimiter(0, 10)).toThrow(/0 < baseMs <= maxMs/);
  });
});

describe('BucketRateLimiter', () => {
  it('lets a burst through, then spaces keys at the configured rate', async () => {
    const clock = new FakeClock();
    const limiter = new BucketRateLimiter(10, 3, clock);
    expect([limiter.when('a'), limiter.when('b'), limiter.when('c')]).toEqual([0, 0, 0]);
    expect(limiter.when('d')).toBeCloseTo(100);
    expect(limiter.when('e')).toBeCloseTo(200);
    await clock.advance(1000);
    expect(limiter.when('f')).toBe(0);
  });
});

describe('defaultControllerRateLimiter', () => {
  it('takes the larger of the per-key backoff and the overall bucket', () => {
    const clock = new FakeClock();
    const limiter = defaultControllerRateLimiter(clock);
    expect(limiter.when('x')).toBe(5);
    expect(limiter.when('x')).toBe(10);
    // 98 more keys use the rest of the burst of 100; the next one waits for a token.
    for (let i = 0; i < 98; i++) limiter.when(`k${i}`);
    expect(limiter.when('fresh')).toBeCloseTo(100);
    expect(new MaxOfRateLimiter(new ItemExponentialFailureRateLimiter()).numRequeues('x')).toBe(0);
  });
});
