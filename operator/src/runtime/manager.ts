import { Registry, collectDefaultMetrics } from 'prom-client';
import type { KubeClient } from './kube-client.js';
import type { KubeObject, ResourceType } from './objects.js';
import { Informer, type InformerOptions } from './informer.js';
import { Controller, type ControllerOptions } from './controller.js';
import { LeaderElector, defaultIdentity, type LeaderElectionOptions } from './leader-election.js';
import { EventRecorder } from './events.js';
import { RuntimeMetrics } from './metrics.js';
import { serveRoutes, type ListenAddress, type RunningEndpoint } from './http-endpoints.js';
import { formatLabelSelector, type LabelSelector } from './label-selector.js';
import { systemClock, type Clock } from './clock.js';
import { silentLogger, type Logger } from '@musubi/core/logging';

// Owns what controllers share: the informers (one per watched kind and scope, started on every
// replica so a standby is warm and ready), the metrics registry and the HTTP endpoints, and the
// leader election that decides on which replica the controllers run.

export interface ManagerLeaderElection {
  namespace: string;
  name: string;
  identity?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

export interface ManagerOptions {
  client: KubeClient;
  logger?: Logger;
  /** Where /metrics is served; omit to serve none. */
  metricsAddress?: ListenAddress;
  /** Where /healthz and /readyz are served; omit to serve none. */
  healthAddress?: ListenAddress;
  /** Absent: controllers run on every replica (one replica only!). */
  leaderElection?: ManagerLeaderElection;
  /** Informer tuning applied to every informer (watchdog, resync, backoff). */
  informerDefaults?: Pick<InformerOptions, 'watchdogMs' | 'resyncMs' | 'minWatchTimeoutSeconds' | 'backoff'>;
  /** How long shutdown waits for in-flight reconciles before releasing the lease anyway. Default 20 s. */
  shutdownTimeoutMs?: number;
  /** Add Node.js process metrics (CPU, memory, event loop lag) to /metrics. Default true. */
  processMetrics?: boolean;
  clock?: Clock;
}

export interface InformerScope {
  namespace?: string;
  labelSelector?: LabelSelector;
}

export type ManagedControllerOptions = Omit<ControllerOptions, 'clock' | 'logger' | 'metrics'>;

export type HealthCheck = () => boolean | Promise<boolean>;

export class Manager {
  readonly registry: Registry;
  readonly metrics: RuntimeMetrics;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly informers = new Map<string, Informer<KubeObject>>();
  private readonly controllers: Controller[] = [];
  private readonly readinessChecks = new Map<string, HealthCheck>();
  private readonly elector: LeaderElector | undefined;
  private endpoints: RunningEndpoint[] = [];
  private electionLoop: Promise<void> | undefined;
  private readonly stopping = new AbortController();
  private state: 'new' | 'running' | 'stopping' | 'stopped' = 'new';
  private stopped: Promise<void> | undefined;
  private boundMetrics: ListenAddress | undefined;
  private boundHealth: ListenAddress | undefined;
  private fallbackIdentity: string | undefined;

  constructor(private readonly options: ManagerOptions) {
    this.logger = options.logger ?? silentLogger;
    this.clock = options.clock ?? systemClock;
    this.registry = new Registry();
    this.metrics = new RuntimeMetrics(this.registry);
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    const election = options.leaderElection;
    if (election) {
      const electorOptions: LeaderElectionOptions = {
        ...election,
        client: options.client,
        clock: this.clock,
        logger: this.logger,
        onStartedLeading: (term) => void this.startControllers(term),
        onStoppedLeading: () => this.stopControllers(),
        onNewLeader: () => {},
      };
      this.elector = new LeaderElector(electorOptions);
    }
  }

  /** The shared informer for `type` in `scope`, created on first use. Call before start(). */
  informer<T extends KubeObject = KubeObject>(type: ResourceType, scope: InformerScope = {}): Informer<T> {
    const id = `${type.apiVersion}|${type.kind}|${scope.namespace ?? ''}|${formatLabelSelector(scope.labelSelector)}`;
    let informer = this.informers.get(id);
    if (!informer) {
      if (this.state !== 'new') throw new Error(`informer for ${type.kind} requested after the manager started; create informers before start()`);
      informer = new Informer<KubeObject>(this.options.client, { ...this.options.informerDefaults, type, ...scope, clock: this.clock, logger: this.logger });
      this.informers.set(id, informer);
    }
    return informer as unknown as Informer<T>;
  }

  addController(options: ManagedControllerOptions): Controller {
    if (this.state !== 'new') throw new Error(`controller ${options.name} added after the manager started; add controllers before start()`);
    if (this.controllers.some((c) => c.name === options.name)) throw new Error(`controller name "${options.name}" is already taken`);
    const controller = new Controller({ ...options, clock: this.clock, logger: this.logger, metrics: this.metrics });
    this.controllers.push(controller);
    return controller;
  }

  /** A named condition for /readyz in addition to the informers being synced. */
  addReadinessCheck(name: string, check: HealthCheck): void {
    this.readinessChecks.set(name, check);
  }

  /** This replica's identity: the lease holder name when leader election is on. */
  get identity(): string {
    return this.elector?.identity ?? (this.fallbackIdentity ??= defaultIdentity());
  }

  /** Records Kubernetes Events as `reportingController` (e.g. `musubi.dev/operator`) from this replica. */
  eventRecorder(reportingController: string): EventRecorder {
    return new EventRecorder({ client: this.options.client, controller: reportingController, instance: this.identity, clock: this.clock, logger: this.logger });
  }

  isLeader(): boolean {
    return this.elector ? this.elector.isLeader() : this.state === 'running';
  }

  get metricsAddress(): ListenAddress | undefined {
    return this.boundMetrics;
  }

  get healthAddress(): ListenAddress | undefined {
    return this.boundHealth;
  }

  /** Readiness: every informer synced and every added check passing. Leadership does not matter: a standby is ready. */
  async readiness(): Promise<{ ready: boolean; failing: string[] }> {
    const failing: string[] = [];
    if (this.state !== 'running') failing.push(`manager is ${this.state}`);
    for (const informer of this.informers.values()) if (!informer.hasSynced()) failing.push(`informer ${informer.describe()} not synced`);
    for (const [name, check] of this.readinessChecks) {
      const ok = await Promise.resolve()
        .then(check)
        .catch(() => false);
      if (!ok) failing.push(name);
    }
    return { ready: failing.length === 0, failing };
  }

  /** Serves the endpoints, starts the informers and the election (or the controllers). Returns once serving. */
  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error(`manager cannot start: it is ${this.state}`);
    this.state = 'running';
    try {
      await this.serve();
    } catch (err) {
      this.state = 'stopped';
      await Promise.all(this.endpoints.map((e) => e.close()));
      throw err;
    }
    for (const informer of this.informers.values()) informer.start();
    if (this.elector) {
      this.electionLoop = this.campaign(this.elector);
    } else {
      void this.startControllers(this.stopping.signal);
    }
    this.logger.info('manager started', {
      informers: this.informers.size,
      controllers: this.controllers.map((c) => c.name),
      leaderElection: this.elector ? this.elector.identity : 'disabled',
      metrics: this.boundMetrics,
      health: this.boundHealth,
    });
  }

  /**
   * Graceful stop: controllers stop taking work and in-flight reconciles finish (up to the shutdown
   * timeout), then the lease is released, then informers and endpoints close. Safe to call twice.
   */
  stop(): Promise<void> {
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  /** Stops on the first of `signals`; resolves when stopped (the caller then exits). */
  stopOnSignals(signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): Promise<NodeJS.Signals> {
    return new Promise((resolve) => {
      const handler = (signal: NodeJS.Signals) => {
        for (const s of signals) process.off(s, handler);
        this.logger.info('signal received; shutting down', { signal });
        void this.stop().then(() => resolve(signal));
      };
      for (const s of signals) process.on(s, handler);
    });
  }

  private async shutdown(): Promise<void> {
    if (this.state === 'new') {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopping';
    this.stopping.abort();
    if (this.electionLoop) await this.electionLoop;
    else await this.stopControllers();
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
    await Promise.all(this.endpoints.map((e) => e.close()));
    this.endpoints = [];
    this.state = 'stopped';
    this.logger.info('manager stopped');
  }

  private async campaign(elector: LeaderElector): Promise<void> {
    const name = this.options.leaderElection?.name ?? '';
    this.metrics.leaderStatus.set({ name }, 0);
    // Bounded by the manager's life: each turn either leads until loss or ends because we stop.
    while (!this.stopping.signal.aborted) {
      await elector.run(this.stopping.signal);
      this.metrics.leaderStatus.set({ name }, 0);
      if (!this.stopping.signal.aborted) {
        this.logger.warn('leadership lost; campaigning again');
        await this.clock.sleep(1000, this.stopping.signal);
      }
    }
  }

  private async startControllers(term: AbortSignal): Promise<void> {
    if (this.options.leaderElection) this.metrics.leaderStatus.set({ name: this.options.leaderElection.name }, 1);
    await Promise.all(
      this.controllers.map(async (controller) => {
        const started = await controller.start(term);
        // The term may end while waiting for caches; stopControllers then found nothing to stop.
        if (started && term.aborted) await controller.stop();
      }),
    );
  }

  private async stopControllers(): Promise<void> {
    const timeoutMs = this.options.shutdownTimeoutMs ?? 20_000;
    const timer = new AbortController();
    const all = Promise.all(this.controllers.map((c) => c.stop())).then(() => true);
    const finished = await Promise.race([all, this.clock.sleep(timeoutMs, timer.signal).then(() => false)]);
    timer.abort();
    if (!finished) this.logger.warn('in-flight reconciles did not finish within the shutdown timeout', { timeoutMs });
  }

  private async serve(): Promise<void> {
    const { metricsAddress, healthAddress } = this.options;
    if (metricsAddress) {
      const endpoint = await serveRoutes(metricsAddress, {
        '/metrics': async () => ({ status: 200, body: await this.registry.metrics(), contentType: this.registry.contentType }),
      });
      this.endpoints.push(endpoint);
      this.boundMetrics = endpoint.address;
    }
    if (healthAddress) {
      const endpoint = await serveRoutes(healthAddress, {
        '/healthz': () => ({ status: this.state === 'running' ? 200 : 503, body: `${this.state === 'running' ? 'ok' : this.state}\n` }),
        '/readyz': async () => {
          const { ready, failing } = await this.readiness();
          return { status: ready ? 200 : 503, body: ready ? 'ok\n' : failing.map((f) => `not ready: ${f}`).join('\n') + '\n' };
        },
      });
      this.endpoints.push(endpoint);
      this.boundHealth = endpoint.address;
    }
  }
}
