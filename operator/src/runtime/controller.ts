import { randomUUID } from 'node:crypto';
import type { KubeObject } from './objects.js';
import { parseKey } from './objects.js';
import type { Informer } from './informer.js';
import { WorkQueue } from './workqueue.js';
import { defaultControllerRateLimiter, type RateLimiter } from './rate-limiter.js';
import { systemClock, type Clock } from './clock.js';
import { silentLogger, type Logger } from '@musubi/core/logging';
import type { ReconcileResultLabel as ResultLabel, RuntimeMetrics } from './metrics.js';
import { isConflict } from './errors.js';

// Informer events → keys → work queue → reconcile(key). A reconcile that throws is retried with the
// queue's per-key backoff; one that asks for requeueAfter comes back after that delay with its backoff
// reset. Watches map any object (the primary kind or its children) to the keys of objects to reconcile.

export interface ReconcileResult {
  /** Reconcile this key again after this many milliseconds (e.g. to renew a credential before expiry). */
  requeueAfter?: number;
  /** Reconcile again soon, with the rate-limited backoff (work remains but nothing failed). */
  requeue?: boolean;
}

export interface ReconcileContext {
  key: string;
  namespace?: string;
  name: string;
  /** Carries controller, key and reconcileID on every line. */
  logger: Logger;
  /** Aborts when the controller stops (lost leadership or shutdown); pass it to long waits. */
  signal: AbortSignal;
  reconcileID: string;
}

export type Reconciler = (key: string, context: ReconcileContext) => Promise<ReconcileResult | void>;

export type WatchEventKind = 'add' | 'update' | 'delete';

export interface ControllerWatch<T extends KubeObject = KubeObject> {
  informer: Informer<T>;
  mapToKeys(obj: T): string[];
  /** Drops events that need no reconcile (e.g. status-only updates of the primary kind). */
  predicate?(event: WatchEventKind, obj: T, oldObj?: T): boolean;
}

export interface ControllerOptions {
  name: string;
  reconcile: Reconciler;
  workers?: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- watches mix object types; each is checked where it is built
  watches: Array<ControllerWatch<any>>;
  rateLimiter?: () => RateLimiter;
  clock?: Clock;
  logger?: Logger;
  metrics?: RuntimeMetrics;
}

/** Keeps update events whose metadata.generation changed (spec edits), plus every add and delete. */
export function generationChanged(event: WatchEventKind, obj: KubeObject, oldObj?: KubeObject): boolean {
  return event !== 'update' || oldObj?.metadata.generation !== obj.metadata.generation || obj.metadata.deletionTimestamp !== oldObj?.metadata.deletionTimestamp;
}

export class Controller {
  readonly name: string;
  readonly workers: number;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private queue: WorkQueue | undefined;
  private removers: Array<() => void> = [];
  private workerLoops: Array<Promise<void>> = [];
  private stopController = new AbortController();
  private untrackQueue: () => void = () => {};

  constructor(private readonly options: ControllerOptions) {
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(options.name)) {
      throw new Error(`controller name "${options.name}" must be lower-case letters, digits and dashes (it labels metrics)`);
    }
    const workers = options.workers ?? 1;
    if (!Number.isInteger(workers) || workers < 1 || workers > 64) {
      throw new Error(`controller ${options.name}: workers must be an integer from 1 to 64, got ${workers}`);
    }
    if (options.watches.length === 0) throw new Error(`controller ${options.name}: needs at least one watch`);
    this.name = options.name;
    this.workers = workers;
    this.clock = options.clock ?? systemClock;
    this.logger = (options.logger ?? silentLogger).child({ controller: options.name });
  }

  get running(): boolean {
    return this.queue !== undefined && !this.queue.shuttingDown;
  }

  /** Queue length, for tests and diagnostics. */
  get queueLength(): number {
    return this.queue?.len() ?? 0;
  }

  /**
   * Waits for the watched informers to sync, then subscribes to them and starts the workers. Resolves
   * false if `signal` aborted first. Can be called again after stop() (a new leadership term).
   */
  async start(signal?: AbortSignal): Promise<boolean> {
    if (this.running) return true;
    for (const watch of this.options.watches) {
      if (!(await watch.informer.waitForSync(signal))) return false;
    }
    const metrics = this.options.metrics;
    const queue = new WorkQueue({
      name: this.name,
      clock: this.clock,
      rateLimiter: (this.options.rateLimiter ?? (() => defaultControllerRateLimiter(this.clock)))(),
      metrics,
    });
    this.queue = queue;
    this.stopController = new AbortController();
    this.untrackQueue = metrics?.trackQueue(queue) ?? (() => {});
    metrics?.maxConcurrentReconciles.set({ controller: this.name }, this.workers);
    metrics?.activeWorkers.set({ controller: this.name }, 0);
    this.removers = this.options.watches.map((watch) => this.subscribe(queue, watch));
    this.workerLoops = Array.from({ length: this.workers }, () => this.work(queue));
    this.logger.info('controller started', { workers: this.workers });
    return true;
  }

  /** Stops taking keys, aborts the signal of in-flight reconciles and waits for them to return. */
  async stop(): Promise<void> {
    const queue = this.queue;
    if (!queue) return;
    for (const remove of this.removers) remove();
    this.removers = [];
    this.stopController.abort();
    await queue.shutDownWithDrain();
    await Promise.all(this.workerLoops);
    this.workerLoops = [];
    this.untrackQueue();
    this.queue = undefined;
    this.logger.info('controller stopped');
  }

  /** Enqueues a key by hand (e.g. from a timer or an external event source). */
  enqueue(key: string): void {
    this.queue?.add(key);
  }

  private subscribe<T extends KubeObject>(queue: WorkQueue, watch: ControllerWatch<T>): () => void {
    const enqueue = (objects: Array<T | undefined>) => {
      for (const obj of objects) {
        if (!obj) continue;
        for (const key of watch.mapToKeys(obj)) queue.add(key);
      }
    };
    const allowed = (event: WatchEventKind, obj: T, old?: T) => !watch.predicate || watch.predicate(event, obj, old);
    return watch.informer.addEventHandler({
      onAdd: (obj) => allowed('add', obj) && enqueue([obj]),
      // The old state matters too: a child that moved to another owner must wake the previous one.
      onUpdate: (old, obj) => allowed('update', obj, old) && enqueue([old, obj]),
      onDelete: (obj) => allowed('delete', obj) && enqueue([obj]),
    });
  }

  private async work(queue: WorkQueue): Promise<void> {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        await this.process(queue, key);
      } finally {
        queue.done(key);
      }
    }
  }

  private async process(queue: WorkQueue, key: string): Promise<void> {
    const metrics = this.options.metrics;
    const controller = this.name;
    const reconcileID = randomUUID();
    const logger = this.logger.child({ key, reconcileID });
    let parsed: { namespace?: string; name: string };
    try {
      parsed = parseKey(key);
    } catch (err) {
      // A malformed key can never succeed; retrying it would only spin.
      logger.error('dropping malformed key', { err });
      queue.forget(key);
      return;
    }
    metrics?.activeWorkers.inc({ controller });
    const started = this.clock.now();
    let label: ResultLabel = 'success';
    try {
      logger.debug('reconciling');
      const result = await this.options.reconcile(key, {
        key,
        ...parsed,
        logger,
        signal: this.stopController.signal,
        reconcileID,
      });
      if (result?.requeueAfter !== undefined && result.requeueAfter > 0) {
        label = 'requeue_after';
        queue.forget(key);
        queue.addAfter(key, result.requeueAfter);
      } else if (result?.requeue) {
        label = 'requeue';
        queue.addRateLimited(key);
      } else {
        queue.forget(key);
      }
      logger.debug('reconciled', { result: label, ...(result?.requeueAfter ? { requeueAfterMs: result.requeueAfter } : {}) });
    } catch (err) {
      label = 'error';
      metrics?.reconcileErrors.inc({ controller });
      queue.addRateLimited(key);
      const retries = queue.numRequeues(key);
      // A lost optimistic-concurrency race is routine: the retry reads the newer object.
      if (isConflict(err)) logger.info('conflict; retrying with the newer object', { err, retries });
      else logger.error('reconcile failed', { err, retries });
    } finally {
      metrics?.reconcileTotal.inc({ controller, result: label });
      metrics?.reconcileTime.observe({ controller }, (this.clock.now() - started) / 1000);
      metrics?.activeWorkers.dec({ controller });
    }
  }
}
