// Waiting for cluster state with a deadline: polls a probe, reports progress now and then, and on timeout
// says what it was waiting for and what it saw last.

export interface WaitOptions {
  timeoutMs: number;
  /** Poll interval; default 250 ms. */
  everyMs?: number;
  /** Called about every progressEveryMs with the probe's latest description. */
  progress?: (seen: string) => void;
  progressEveryMs?: number;
}

export interface Probe<T> {
  /** The value once the wait is over; undefined to keep waiting. */
  value?: T;
  /** What was seen, for progress lines and the timeout error, e.g. "4810/5000 bound". */
  seen: string;
}

export class WaitTimeoutError extends Error {}

export async function waitFor<T>(what: string, probe: () => Probe<T> | Promise<Probe<T>>, options: WaitOptions): Promise<T> {
  const start = Date.now();
  const deadline = start + options.timeoutMs;
  const every = options.everyMs ?? 250;
  const progressEvery = options.progressEveryMs ?? 5000;
  let nextProgress = start + progressEvery;
  for (;;) {
    const result = await probe();
    if (result.value !== undefined) return result.value;
    const now = Date.now();
    if (now >= deadline) throw new WaitTimeoutError(`${what}: not reached within ${(options.timeoutMs / 1000).toFixed(0)} s; last seen: ${result.seen}`);
    if (options.progress && now >= nextProgress) {
      options.progress(result.seen);
      nextProgress = now + progressEvery;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(every, Math.max(1, deadline - now))));
  }
}
