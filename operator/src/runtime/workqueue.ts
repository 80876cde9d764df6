import { systemClock, type Clock } from './clock.js';
import { defaultControllerRateLimiter, type RateLimiter } from './rate-limiter.js';

// A keyed work queue with client-go's guarantees: a key waiting in the queue is there once however
// often it is added (dirty set); a key being processed is never handed to a second worker — adds during
// processing are remembered and the key returns to the queue when the first worker calls done().

/** Where the queue reports what controller-runtime's workqueue_* metrics measure. */
export interface WorkQueueMetricsSink {
  added(queue: string): void;
  depth(queue: string, depth: number): void;
  /** Seconds a key waited in the queue before a worker took it. */
  queueLatency(queue: string, seconds: number): void;
  /** Seconds a worker spent on a key. */
  workDuration(queue: string, seconds: number): void;
  retried(queue: string): void;
}

export interface WorkQueueOptions {
  name: string;
  clock?: Clock;
  rateLimiter?: RateLimiter;
  metrics?: WorkQueueMetricsSink;
}

export class WorkQueue {
  readonly name: string;
  private readonly clock: Clock;
  private readonly rateLimiter: RateLimiter;
  private readonly metrics: WorkQueueMetricsSink | undefined;
  private order: string[] = [];
  private head = 0;
  private readonly dirty = new Set<string>();
  private readonly processing = new Map<string, number>();
  private readonly addedAt = new Map<string, number>();
  private readonly delayed = new Map<string, { at: number; cancel: () => void }>();
  private waiters: Array<() => void> = [];
  private drainWaiters: Array<() => void> = [];
  private shutting = false;

  constructor(options: WorkQueueOptions) {
    this.name = options.name;
    this.clock = options.clock ?? systemClock;
    this.rateLimiter = options.rateLimiter ?? defaultControllerRateLimiter(this.clock);
    this.metrics = options.metrics;
  }

  add(key: string): void {
    if (this.shutting || this.dirty.has(key)) return;
    this.metrics?.added(this.name);
    this.dirty.add(key);
    // Being processed: it goes back in the queue when done() is called, not before.
    if (this.processing.has(key)) return;
    this.enqueue(key);
  }

  /** Adds `key` after `delayMs`; a pending earlier add of the same key wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.shutting) return;
    if (delayMs <= 0) return this.add(key);
    const at = this.clock.now() + delayMs;
    const pending = this.delayed.get(key);
    if (pending && pending.at <= at) return;
    pending?.cancel();
    const cancel = this.clock.setTimer(delayMs, () => {
      this.delayed.delete(key);
      this.add(key);
    });
    this.delayed.set(key, { at, cancel });
  }

  /** Adds `key` after its rate-limited backoff; counts a retry. */
  addRateLimited(key: string): void {
    if (this.shutting) return;
    this.metrics?.retried(this.name);
    this.addAfter(key, this.rateLimiter.when(key));
  }

  /** The key was handled successfully: its next failure starts the backoff from the beginning. */
  forget(key: string): void {
    this.rateLimiter.forget(key);
  }

  numRequeues(key: string): number {
    return this.rateLimiter.numRequeues(key);
  }

  /** The next key to process, or undefined once the queue shuts down. */
  async get(): Promise<string | undefined> {
    for (;;) {
      if (this.shutting) return undefined;
      if (this.head < this.order.length) return this.take();
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** The worker finished `key`; if it was added meanwhile it goes back in the queue now. */
  done(key: string): void {
    const started = this.processing.get(key);
    if (started === undefined) return;
    this.processing.delete(key);
    this.metrics?.workDuration(this.name, (this.clock.now() - started) / 1000);
    if (this.dirty.has(key) && !this.shutting) this.enqueue(key);
    if (this.processing.size === 0) for (const resolve of this.drainWaiters.splice(0)) resolve();
  }

  len(): number {
    return this.order.length - this.head;
  }

  get shuttingDown(): boolean {
    return this.shutting;
  }

  /** Seconds each in-flight key has been processed so far (for the unfinished-work metrics). */
  inFlightSeconds(): number[] {
    const now = this.clock.now();
    return [...this.processing.values()].map((started) => (now - started) / 1000);
  }

  /**
   * Stops handing out keys and drops queued and delayed ones; resolves once every in-flight key is done.
   * Unlike client-go the queued keys are not worked off first: the next leader's initial list enqueues
   * every object anyway, and a long queue would outlast the pod's termination grace period.
   */
  async shutDownWithDrain(): Promise<void> {
    this.shutDown();
    if (this.processing.size === 0) return;
    await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
  }

  shutDown(): void {
    if (this.shutting) return;
    this.shutting = true;
    for (const { cancel } of this.delayed.values()) cancel();
    this.delayed.clear();
    this.order = [];
    this.head = 0;
    this.dirty.clear();
    this.addedAt.clear();
    this.metrics?.depth(this.name, 0);
    for (const resolve of this.waiters.splice(0)) resolve();
  }

  private enqueue(key: string): void {
    this.order.push(key);
    this.addedAt.set(key, this.clock.now());
    this.metrics?.depth(this.name, this.len());
    this.waiters.shift()?.();
  }

  private take(): string {
    const key = this.order[this.head++] as string;
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
    this.dirty.delete(key);
    const now = this.clock.now();
    this.processing.set(key, now);
    const added = this.addedAt.get(key);
    this.addedAt.delete(key);
    if (added !== undefined) this.metrics?.queueLatency(this.name, (now - added) / 1000);
    this.metrics?.depth(this.name, this.len());
    return key;
  }
}
