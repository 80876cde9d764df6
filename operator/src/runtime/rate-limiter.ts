import { systemClock, type Clock } from './clock.js';

// How long a key waits before it is retried. The controller default combines a per-key exponential
// backoff (one broken object backs off alone) with an overall token bucket (many failing objects do
// not flood the API server), as controller-runtime's default does.

export interface RateLimiter {
  /** Delay in ms before `key` may be processed again; each call counts as a retry. */
  when(key: string): number;
  /** The key succeeded: reset its backoff. */
  forget(key: string): void;
  numRequeues(key: string): number;
}

export class ItemExponentialFailureRateLimiter implements RateLimiter {
  private readonly failures = new Map<string, number>();

  constructor(
    private readonly baseMs = 5,
    private readonly maxMs = 1000_000,
  ) {
    if (baseMs <= 0 || maxMs < baseMs) throw new Error(`rate limiter: need 0 < baseMs <= maxMs, got ${baseMs} and ${maxMs}`);
  }

  when(key: string): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    // 2^n overflows nothing meaningful beyond ~60 doublings; cap before multiplying.
    return n >= 60 ? this.maxMs : Math.min(this.maxMs, this.baseMs * 2 ** n);
  }

  forget(key: string): void {
    this.failures.delete(key);
  }

  numRequeues(key: string): number {
    return this.failures.get(key) ?? 0;
  }
}

/** A token bucket shared by all keys: `qps` tokens per second, at most `burst` saved up. */
export class BucketRateLimiter implements RateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    private readonly qps = 10,
    private readonly burst = 100,
    private readonly clock: Clock = systemClock,
  ) {
    if (qps <= 0 || burst < 1) throw new Error(`rate limiter: need qps > 0 and burst >= 1, got qps=${qps} burst=${burst}`);
    this.tokens = burst;
    this.last = clock.now();
  }

  when(_key: string): number {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
    // Reserve a token even when none is left: the debt is the wait (Go's rate.Limiter.Reserve).
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens / this.qps) * 1000;
  }

  forget(_key: string): void {}

  numRequeues(_key: string): number {
    return 0;
  }
}

export class MaxOfRateLimiter implements RateLimiter {
  private readonly limiters: RateLimiter[];

  constructor(...limiters: RateLimiter[]) {
    if (limiters.length === 0) throw new Error('MaxOfRateLimiter needs at least one limiter');
    this.limiters = limiters;
  }

  when(key: string): number {
    return Math.max(...this.limiters.map((l) => l.when(key)));
  }

  forget(key: string): void {
    for (const l of this.limiters) l.forget(key);
  }

  numRequeues(key: string): number {
    return Math.max(...this.limiters.map((l) => l.numRequeues(key)));
  }
}

/** Per-key 5 ms → 1000 s exponential, and 10 qps / burst 100 overall. */
export function defaultControllerRateLimiter(clock: Clock = systemClock): RateLimiter {
  return new MaxOfRateLimiter(new ItemExponentialFailureRateLimiter(5, 1000_000), new BucketRateLimiter(10, 100, clock));
}
