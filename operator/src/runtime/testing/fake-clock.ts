import type { Clock } from '../clock.js';
import { sleepWith } from '../clock.js';

interface PendingTimer {
  at: number;
  seq: number;
  fn: () => void;
}

/** Lets microtasks and already-queued macrotasks run, so promise chains woken by a timer settle. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A clock that moves only when the test says so; timers fire in time order during `advance`. */
export class FakeClock implements Clock {
  private current: number;
  private seq = 0;
  private timers: PendingTimer[] = [];

  constructor(start = Date.parse('2025-01-01T00:00:00Z')) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimer(ms: number, fn: () => void): () => void {
    const timer = { at: this.current + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, ms, signal);
  }

  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, firing due timers one at a time and letting their effects settle. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    await settle();
    for (let fired = 0; fired < 100_000; fired++) {
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.current = Math.max(this.current, due.at);
      due.fn();
      await settle();
    }
    this.current = target;
    await settle();
  }

  /** Advances in steps until `predicate` holds; fails naming what it waited for. */
  async advanceUntil(predicate: () => boolean, what: string, stepMs = 100, maxMs = 600_000): Promise<void> {
    for (let waited = 0; waited <= maxMs; waited += stepMs) {
      if (predicate()) return;
      await this.advance(stepMs);
    }
    throw new Error(`fake clock: "${what}" still false after ${maxMs} ms of fake time`);
  }
}
