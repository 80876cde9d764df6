import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { KubeClient } from './kube-client.js';
import type { KubeObject } from './objects.js';
import { isAlreadyExists, isConflict, isNotFound } from './errors.js';
import { systemClock, type Clock } from './clock.js';
import { silentLogger, type Logger } from '@musubi/core/logging';
import { microTime } from './micro-time.js';

// Leader election on a coordination.k8s.io/v1 Lease, following client-go: the holder renews every
// retryPeriod and gives up when it could not renew for renewDeadline; a candidate takes over when the
// lease record has not changed for leaseDuration as measured by its own clock (so clock skew between
// nodes does not matter), always writing with the resourceVersion it read.

export const LEASE_TYPE = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' } as const;

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export interface Lease extends KubeObject {
  spec?: LeaseSpec;
}

export interface LeaderElectionOptions {
  client: Pick<KubeClient, 'get' | 'create' | 'update'>;
  namespace: string;
  name: string;
  /** Unique per replica; default `<hostname>_<uuid>`. */
  identity?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** Called when this replica becomes leader; `signal` aborts when leadership ends. */
  onStartedLeading(signal: AbortSignal): void;
  /** Awaited when leadership ends (lost or released) before the lease is released. */
  onStoppedLeading(): Promise<void> | void;
  onNewLeader?(identity: string): void;
  clock?: Clock;
  logger?: Logger;
  random?: () => number;
}

export type ElectorState = 'candidate' | 'leader' | 'stopped';

const JITTER_FACTOR = 1.2;

export function defaultIdentity(): string {
  return `${hostname()}_${randomUUID()}`;
}

export class LeaderElector {
  readonly identity: string;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly random: () => number;
  private observed: { spec: LeaseSpec; resourceVersion: string | undefined; at: number } | undefined;
  private knownLeader: string | undefined;
  private current: ElectorState = 'stopped';

  constructor(private readonly options: LeaderElectionOptions) {
    this.identity = options.identity ?? defaultIdentity();
    this.leaseDurationMs = options.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = options.retryPeriodMs ?? 2_000;
    if (this.leaseDurationMs <= this.renewDeadlineMs) {
      throw new Error(`leader election: leaseDuration (${this.leaseDurationMs} ms) must be greater than renewDeadline (${this.renewDeadlineMs} ms)`);
    }
    if (this.renewDeadlineMs <= JITTER_FACTOR * this.retryPeriodMs) {
      throw new Error(`leader election: renewDeadline (${this.renewDeadlineMs} ms) must be greater than ${JITTER_FACTOR} × retryPeriod (${this.retryPeriodMs} ms)`);
    }
    if (!this.identity) throw new Error('leader election: identity must not be empty');
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.logger = (options.logger ?? silentLogger).child({ lease: `${options.namespace}/${options.name}`, identity: this.identity });
  }

  get state(): ElectorState {
    return this.current;
  }

  isLeader(): boolean {
    return this.current === 'leader';
  }

  /** The holder seen in the lease most recently (possibly this replica). */
  get leader(): string | undefined {
    return this.knownLeader;
  }

  /**
   * Campaigns until leading, leads until leadership is lost or `signal` aborts, then returns. On abort a
   * held lease is released so a standby takes over at once instead of after leaseDuration.
   */
  async run(signal: AbortSignal): Promise<void> {
    this.current = 'candidate';
    try {
      if (!(await this.acquire(signal))) return;
      this.current = 'leader';
      this.logger.info('became leader');
      const term = new AbortController();
      try {
        this.options.onStartedLeading(term.signal);
        await this.renew(signal);
      } finally {
        term.abort();
        this.current = 'stopped';
        this.logger.info(signal.aborted ? 'stepping down' : 'lost leadership');
        await this.options.onStoppedLeading();
        if (signal.aborted) await this.release();
      }
    } finally {
      this.current = 'stopped';
    }
  }

  private async acquire(signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      if (await this.tryAcquireOrRenew()) return true;
      await this.clock.sleep(this.retryPeriodMs * (1 + this.random() * JITTER_FACTOR), signal);
    }
    return false;
  }

  private async renew(signal: AbortSignal): Promise<void> {
    let lastRenew = this.clock.now();
    while (!signal.aborted) {
      await this.clock.sleep(this.retryPeriodMs, signal);
      if (signal.aborted) return;
      const remaining = lastRenew + this.renewDeadlineMs - this.clock.now();
      const outcome = await this.withDeadline(this.tryAcquireOrRenew(), Math.max(0, remaining));
      if (outcome === true) {
        lastRenew = this.clock.now();
        continue;
      }
      if (this.knownLeader && this.knownLeader !== this.identity) {
        this.logger.warn('another replica holds the lease', { holder: this.knownLeader });
        return;
      }
      if (this.clock.now() - lastRenew >= this.renewDeadlineMs) {
        this.logger.warn('could not renew the lease within the renew deadline', { renewDeadlineMs: this.renewDeadlineMs });
        return;
      }
    }
  }

  /** One read-modify-write of the lease; true when this replica holds it afterwards. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = this.clock.now();
    const ref = { ...LEASE_TYPE, namespace: this.options.namespace, name: this.options.name };
    let lease: Lease;
    try {
      lease = await this.options.client.get<Lease>(ref);
    } catch (err) {
      if (!isNotFound(err)) {
        this.logger.warn('could not read the lease', { err });
        return false;
      }
      const spec: LeaseSpec = { holderIdentity: this.identity, leaseDurationSeconds: this.leaseDurationSeconds(), acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: 0 };
      try {
        const created = await this.options.client.create<Lease>({ ...LEASE_TYPE, metadata: { name: ref.name, namespace: ref.namespace }, spec });
        this.observe(created, this.clock.now());
        return true;
      } catch (createErr) {
        if (!isAlreadyExists(createErr)) this.logger.warn('could not create the lease', { err: createErr });
        return false;
      }
    }

    const record = lease.spec ?? {};
    const changed = !this.observed || JSON.stringify(this.observed.spec) !== JSON.stringify(record);
    if (changed) this.observe(lease, now);
    const holder = record.holderIdentity ?? '';
    const observedAt = this.observed?.at ?? now;
    if (holder && holder !== this.identity && observedAt + this.leaseDurationMs > now) return false;

    const ours = holder === this.identity;
    const spec: LeaseSpec = {
      holderIdentity: this.identity,
      leaseDurationSeconds: this.leaseDurationSeconds(),
      acquireTime: ours && record.acquireTime ? record.acquireTime : microTime(now),
      renewTime: microTime(now),
      leaseTransitions: ours ? (record.leaseTransitions ?? 0) : (record.leaseTransitions ?? 0) + 1,
    };
    try {
      const updated = await this.options.client.update<Lease>({ ...lease, spec });
      this.observe(updated, this.clock.now());
      return true;
    } catch (err) {
      if (!isConflict(err)) this.logger.warn('could not update the lease', { err });
      return false;
    }
  }

  private async release(): Promise<void> {
    const observed = this.observed;
    if (!observed || observed.spec.holderIdentity !== this.identity) return;
    const now = microTime(this.clock.now());
    try {
      // Conditional on the version we wrote last: if anyone changed the lease since, it is not ours to clear.
      await this.options.client.update<Lease>({
        ...LEASE_TYPE,
        metadata: { name: this.options.name, namespace: this.options.namespace, resourceVersion: observed.resourceVersion },
        spec: { holderIdentity: '', leaseDurationSeconds: 1, acquireTime: now, renewTime: now, leaseTransitions: observed.spec.leaseTransitions ?? 0 },
      });
      this.observed = undefined;
      this.logger.info('released the lease');
    } catch (err) {
      this.logger.warn('could not release the lease; the next leader waits for it to expire', { err });
    }
  }

  private observe(lease: Lease, at: number): void {
    const spec = lease.spec ?? {};
    this.observed = { spec, resourceVersion: lease.metadata.resourceVersion, at };
    const holder = spec.holderIdentity || undefined;
    if (holder !== this.knownLeader) {
      this.knownLeader = holder;
      if (holder) {
        this.logger.info('leader observed', { holder });
        this.options.onNewLeader?.(holder);
      }
    }
  }

  private leaseDurationSeconds(): number {
    return Math.ceil(this.leaseDurationMs / 1000);
  }

  private async withDeadline(work: Promise<boolean>, ms: number): Promise<boolean> {
    let cancel: () => void = () => {};
    const timeout = new Promise<boolean>((resolve) => {
      cancel = this.clock.setTimer(ms, () => resolve(false));
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      cancel();
    }
  }
}
