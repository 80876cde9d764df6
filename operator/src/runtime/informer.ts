import type { KubeObject, ResourceType } from './objects.js';
import { objectKey } from './objects.js';
import type { KubeClient, WatchEvent } from './kube-client.js';
import type { LabelSelector } from './label-selector.js';
import { formatLabelSelector } from './label-selector.js';
import { ObjectStore, type ReadonlyStore } from './store.js';
import { ExponentialBackoff, type BackoffOptions } from './backoff.js';
import { systemClock, type Clock } from './clock.js';
import { isGone } from './errors.js';
import { silentLogger, type Logger } from '@musubi/core/logging';

// List, then watch from the list's resourceVersion, keeping a cache and telling handlers what changed.
// Unlike client-node's informer it restarts itself after any failure: 410 Gone relists at once; other
// errors, a watch that goes silent (no event or bookmark within the watchdog) and a watch the server
// closes straight away all retry after a jittered exponential backoff. A periodic relist repairs a
// cache that drifted without any visible error and re-delivers every object (resync).

export type ListWatchSource = Pick<KubeClient, 'list' | 'watch'>;

export interface InformerHandler<T extends KubeObject> {
  onAdd?(obj: T): void;
  onUpdate?(oldObj: T, newObj: T): void;
  /** Receives the last state seen (the final state when the watch reported it, else the cached one). */
  onDelete?(obj: T): void;
}

export interface InformerOptions {
  type: ResourceType;
  namespace?: string;
  labelSelector?: LabelSelector;
  fieldSelector?: string;
  /**
   * Restart the watch when nothing (not even a bookmark) arrived for this long. Default 3 min: the API
   * server (measured on 1.36) sends an idle watch a bookmark every 60 s, so this is three missed ones.
   */
  watchdogMs?: number;
  /** Relist and re-deliver every object this often; 0 disables. Default 30 min. */
  resyncMs?: number;
  /** Server-side watch timeout is drawn from [min, 2·min) so replicas do not reconnect in step. Default 300 s. */
  minWatchTimeoutSeconds?: number;
  backoff?: BackoffOptions;
  clock?: Clock;
  logger?: Logger;
  random?: () => number;
}

export interface InformerStats {
  lists: number;
  watches: number;
  /** Restarts after a failure (errors, watchdog, early close), not counting 410 relists. */
  failures: number;
  gone: number;
  watchdogTrips: number;
}

type WatchOutcome = 'closed' | 'closed-early' | 'stalled' | 'resync' | 'stopped';

const EARLY_CLOSE_MS = 1000;
const MAX_CONSECUTIVE_GONE = 3;

export class Informer<T extends KubeObject = KubeObject> {
  readonly type: ResourceType;
  private readonly cache = new ObjectStore<T>();
  private readonly handlers = new Set<InformerHandler<T>>();
  private readonly backoff: ExponentialBackoff;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly random: () => number;
  private readonly watchdogMs: number;
  private readonly resyncMs: number;
  private readonly minWatchTimeoutSeconds: number;
  private synced = false;
  private resourceVersion = '';
  private nextResyncAt = Number.POSITIVE_INFINITY;
  private running: Promise<void> | undefined;
  private stopController = new AbortController();
  private syncWaiters: Array<() => void> = [];
  readonly stats: InformerStats = { lists: 0, watches: 0, failures: 0, gone: 0, watchdogTrips: 0 };

  constructor(
    private readonly source: ListWatchSource,
    private readonly options: InformerOptions,
  ) {
    this.type = options.type;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.backoff = new ExponentialBackoff(options.backoff ?? { initialMs: 800, maxMs: 30_000, jitter: 1 }, this.random);
    this.watchdogMs = options.watchdogMs ?? 180_000;
    this.resyncMs = options.resyncMs ?? 30 * 60_000;
    this.minWatchTimeoutSeconds = options.minWatchTimeoutSeconds ?? 300;
    this.logger = (options.logger ?? silentLogger).child({ informer: this.describe() });
    if (options.labelSelector) formatLabelSelector(options.labelSelector); // validates early, with the field named
  }

  describe(): string {
    const selector = formatLabelSelector(this.options.labelSelector);
    return `${this.type.kind}.${this.type.apiVersion}${this.options.namespace ? ` in ${this.options.namespace}` : ''}${selector ? ` [${selector}]` : ''}`;
  }

  get store(): ReadonlyStore<T> {
    return this.cache;
  }

  /** True once the first list has been stored and delivered to handlers. */
  hasSynced(): boolean {
    return this.synced;
  }

  get lastSyncResourceVersion(): string {
    return this.resourceVersion;
  }

  /** Resolves true when synced, false when `signal` aborts or the informer stops first. */
  waitForSync(signal?: AbortSignal): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (value: boolean) => {
        signal?.removeEventListener('abort', onAbort);
        this.syncWaiters = this.syncWaiters.filter((w) => w !== waiter);
        resolve(value);
      };
      const waiter = () => done(this.synced);
      const onAbort = () => done(false);
      this.syncWaiters.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Registers a handler; objects already cached are replayed to it as adds, so a handler added after
   * the sync (a controller starting when it becomes leader) still sees everything. Returns the remover.
   */
  addEventHandler(handler: InformerHandler<T>): () => void {
    this.handlers.add(handler);
    for (const obj of this.cache.list()) this.deliver(handler, (h) => h.onAdd?.(obj));
    return () => this.handlers.delete(handler);
  }

  start(): void {
    if (this.running) return;
    this.stopController = new AbortController();
    this.running = this.run().finally(() => {
      this.running = undefined;
    });
  }

  async stop(): Promise<void> {
    this.stopController.abort();
    for (const waiter of [...this.syncWaiters]) waiter();
    await this.running;
  }

  private async run(): Promise<void> {
    const stop = this.stopController.signal;
    let needList = true;
    let resync = false;
    let consecutiveGone = 0;
    while (!stop.aborted) {
      try {
        if (needList) {
          await this.relist(resync);
          needList = false;
          resync = false;
        }
        const outcome = await this.watchOnce(stop);
        consecutiveGone = 0;
        if (outcome === 'resync') {
          needList = true;
          resync = true;
        } else if (outcome === 'stalled' || outcome === 'closed-early') {
          this.stats.failures += 1;
          if (outcome === 'stalled') this.stats.watchdogTrips += 1;
          const delay = this.backoff.next();
          this.logger.warn(outcome === 'stalled' ? 'watch went silent; restarting it' : 'watch closed without events; retrying', {
            retryInMs: Math.round(delay),
            watchdogMs: this.watchdogMs,
          });
          await this.clock.sleep(delay, stop);
        }
      } catch (err) {
        if (stop.aborted) break;
        if (isGone(err) && ++consecutiveGone <= MAX_CONSECUTIVE_GONE) {
          this.stats.gone += 1;
          this.logger.info('resourceVersion expired (410 Gone); relisting', { resourceVersion: this.resourceVersion });
          needList = true;
          continue;
        }
        this.stats.failures += 1;
        const delay = this.backoff.next();
        this.logger.warn(needList ? 'list failed; retrying' : 'watch failed; retrying', { err, retryInMs: Math.round(delay) });
        if (isGone(err)) needList = true;
        await this.clock.sleep(delay, stop);
      }
    }
  }

  private async relist(resync: boolean): Promise<void> {
    this.stats.lists += 1;
    const list = await this.source.list<T>(this.type, {
      namespace: this.options.namespace,
      labelSelector: this.options.labelSelector,
      fieldSelector: this.options.fieldSelector,
      signal: this.stopController.signal,
    });
    if (this.stopController.signal.aborted) return;
    const seen = new Set<string>();
    for (const obj of list.items) {
      const { previous, stored } = this.cache.upsert(obj);
      seen.add(objectKey(stored));
      if (!previous) this.emit((h) => h.onAdd?.(stored));
      else if (resync || previous.metadata.resourceVersion !== stored.metadata.resourceVersion) this.emit((h) => h.onUpdate?.(previous, stored));
    }
    for (const key of this.cache.keys()) {
      if (seen.has(key)) continue;
      const gone = this.cache.remove(key);
      if (gone) this.emit((h) => h.onDelete?.(gone));
    }
    this.resourceVersion = list.resourceVersion;
    this.nextResyncAt = this.resyncMs > 0 ? this.clock.now() + this.resyncMs : Number.POSITIVE_INFINITY;
    this.backoff.reset();
    this.logger.debug('listed', { objects: list.items.length, resourceVersion: list.resourceVersion, resync });
    if (!this.synced) {
      this.synced = true;
      for (const waiter of [...this.syncWaiters]) waiter();
    }
  }

  private async watchOnce(stop: AbortSignal): Promise<WatchOutcome> {
    if (stop.aborted) return 'stopped';
    const untilResync = this.nextResyncAt - this.clock.now();
    if (untilResync <= 0) return 'resync';
    this.stats.watches += 1;
    const abort = new AbortController();
    const onStop = () => abort.abort();
    stop.addEventListener('abort', onStop, { once: true });
    let reason: WatchOutcome | undefined;
    const end = (why: WatchOutcome) => {
      reason ??= why;
      abort.abort();
    };
    let cancelWatchdog = this.clock.setTimer(this.watchdogMs, () => end('stalled'));
    const cancelResync = Number.isFinite(untilResync) ? this.clock.setTimer(untilResync, () => end('resync')) : () => {};
    const startedAt = this.clock.now();
    let events = 0;
    try {
      const timeoutSeconds = Math.floor(this.minWatchTimeoutSeconds * (1 + this.random()));
      const stream = this.source.watch<T>(this.type, {
        namespace: this.options.namespace,
        labelSelector: this.options.labelSelector,
        fieldSelector: this.options.fieldSelector,
        resourceVersion: this.resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds,
        signal: abort.signal,
      });
      for await (const event of stream) {
        if (abort.signal.aborted) break;
        cancelWatchdog();
        cancelWatchdog = this.clock.setTimer(this.watchdogMs, () => end('stalled'));
        if (++events === 1) this.backoff.reset();
        this.apply(event);
      }
    } catch (err) {
      // An error caused by our own abort is the outcome we chose, not a failure.
      if (!abort.signal.aborted) throw err;
    } finally {
      cancelWatchdog();
      cancelResync();
      stop.removeEventListener('abort', onStop);
    }
    if (stop.aborted) return 'stopped';
    if (reason) return reason;
    return events === 0 && this.clock.now() - startedAt < EARLY_CLOSE_MS ? 'closed-early' : 'closed';
  }

  private apply(event: WatchEvent<T>): void {
    const rv = event.object.metadata?.resourceVersion;
    if (event.type === 'BOOKMARK') {
      if (rv) this.resourceVersion = rv;
      return;
    }
    if (event.type === 'DELETED') {
      this.cache.remove(objectKey(event.object));
      if (rv) this.resourceVersion = rv;
      const finalState = Object.freeze(event.object);
      this.emit((h) => h.onDelete?.(finalState));
      return;
    }
    const { previous, stored } = this.cache.upsert(event.object);
    if (rv) this.resourceVersion = rv;
    if (previous) this.emit((h) => h.onUpdate?.(previous, stored));
    else this.emit((h) => h.onAdd?.(stored));
  }

  private emit(call: (handler: InformerHandler<T>) => void): void {
    for (const handler of this.handlers) this.deliver(handler, call);
  }

  private deliver(handler: InformerHandler<T>, call: (handler: InformerHandler<T>) => void): void {
    try {
      call(handler);
    } catch (err) {
      // A failing handler must not stop the cache from following the server.
      this.logger.error('event handler threw', { err });
    }
  }
}
