// Time behind an interface so informers, queues and leader election can be driven by a fake clock
// in tests instead of waiting on the wall clock.

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `fn` after `ms`; the returned function cancels it. */
  setTimer(ms: number, fn: () => void): () => void;
  /** Resolves after `ms`, or as soon as `signal` aborts (it never rejects, so loops just re-check their state). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The longest delay setTimeout honours. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    // setTimeout fires at once for delays above 2^31-1 ms (~24.8 days); a year-long credential
    // renewal would otherwise turn into a hot loop. Clamping only makes the wake-up earlier.
    const handle = setTimeout(fn, Math.min(MAX_TIMER_MS, Math.max(0, ms)));
    return () => clearTimeout(handle);
  },
  sleep(ms, signal) {
    return sleepWith(this, ms, signal);
  },
};

export function sleepWith(clock: Pick<Clock, 'setTimer'>, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = () => {
      cancel();
      resolve();
    };
    const cancel = clock.setTimer(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
