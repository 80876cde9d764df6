import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { WorkQueue, WorkQueueMetricsSink } from './workqueue.js';

// The metric names and labels of controller-runtime and client-go's workqueue, so dashboards and
// alerts written for Go operators work unchanged.

const RECONCILE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60];
// Queue waits range from microseconds to hours: exponential buckets from 1 µs to 1000 s.
const QUEUE_BUCKETS = Array.from({ length: 10 }, (_, i) => 1e-6 * 10 ** i);

export type ReconcileResultLabel = 'success' | 'error' | 'requeue' | 'requeue_after';

export class RuntimeMetrics implements WorkQueueMetricsSink {
  readonly reconcileTotal: Counter<'controller' | 'result'>;
  readonly reconcileErrors: Counter<'controller'>;
  readonly reconcileTime: Histogram<'controller'>;
  readonly maxConcurrentReconciles: Gauge<'controller'>;
  readonly activeWorkers: Gauge<'controller'>;
  readonly leaderStatus: Gauge<'name'>;
  private readonly queueDepth: Gauge<'name'>;
  private readonly queueAdds: Counter<'name'>;
  private readonly queueRetries: Counter<'name'>;
  private readonly queueLatencySeconds: Histogram<'name'>;
  private readonly workDurationSeconds: Histogram<'name'>;
  private readonly queues = new Set<WorkQueue>();

  constructor(readonly registry: Registry) {
    const registers = [registry];
    this.reconcileTotal = new Counter({
      name: 'controller_runtime_reconcile_total',
      help: 'Total number of reconciliations per controller',
      labelNames: ['controller', 'result'],
      registers,
    });
    this.reconcileErrors = new Counter({
      name: 'controller_runtime_reconcile_errors_total',
      help: 'Total number of reconciliation errors per controller',
      labelNames: ['controller'],
      registers,
    });
    this.reconcileTime = new Histogram({
      name: 'controller_runtime_reconcile_time_seconds',
      help: 'Length of time per reconciliation per controller',
      labelNames: ['controller'],
      buckets: RECONCILE_BUCKETS,
      registers,
    });
    this.maxConcurrentReconciles = new Gauge({
      name: 'controller_runtime_max_concurrent_reconciles',
      help: 'Maximum number of concurrent reconciles per controller',
      labelNames: ['controller'],
      registers,
    });
    this.activeWorkers = new Gauge({
      name: 'controller_runtime_active_workers',
      help: 'Number of currently used workers per controller',
      labelNames: ['controller'],
      registers,
    });
    this.leaderStatus = new Gauge({
      name: 'leader_election_master_status',
      help: 'Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master',
      labelNames: ['name'],
      registers,
    });
    this.queueDepth = new Gauge({ name: 'workqueue_depth', help: 'Current depth of workqueue', labelNames: ['name'], registers });
    this.queueAdds = new Counter({ name: 'workqueue_adds_total', help: 'Total number of adds handled by workqueue', labelNames: ['name'], registers });
    this.queueRetries = new Counter({ name: 'workqueue_retries_total', help: 'Total number of retries handled by workqueue', labelNames: ['name'], registers });
    this.queueLatencySeconds = new Histogram({
      name: 'workqueue_queue_duration_seconds',
      help: 'How long in seconds an item stays in workqueue before being requested',
      labelNames: ['name'],
      buckets: QUEUE_BUCKETS,
      registers,
    });
    this.workDurationSeconds = new Histogram({
      name: 'workqueue_work_duration_seconds',
      help: 'How long in seconds processing an item from workqueue takes',
      labelNames: ['name'],
      buckets: QUEUE_BUCKETS,
      registers,
    });
    // Work in progress has no event to count on; it is measured when Prometheus scrapes.
    const queues = this.queues;
    new Gauge({
      name: 'workqueue_unfinished_work_seconds',
      help: 'How many seconds of work has been done that is in progress and hasn\'t been observed by work_duration',
      labelNames: ['name'],
      registers,
      collect() {
        for (const q of queues) this.set({ name: q.name }, q.inFlightSeconds().reduce((a, b) => a + b, 0));
      },
    });
    new Gauge({
      name: 'workqueue_longest_running_processor_seconds',
      help: 'How many seconds has the longest running processor for workqueue been running',
      labelNames: ['name'],
      registers,
      collect() {
        for (const q of queues) this.set({ name: q.name }, Math.max(0, ...q.inFlightSeconds()));
      },
    });
  }

  /** Includes `queue` in the scrape-time work-in-progress gauges until the returned function is called. */
  trackQueue(queue: WorkQueue): () => void {
    this.queues.add(queue);
    return () => this.queues.delete(queue);
  }

  added(queue: string): void {
    this.queueAdds.inc({ name: queue });
  }

  depth(queue: string, depth: number): void {
    this.queueDepth.set({ name: queue }, depth);
  }

  queueLatency(queue: string, seconds: number): void {
    this.queueLatencySeconds.observe({ name: queue }, seconds);
  }

  workDuration(queue: string, seconds: number): void {
    this.workDurationSeconds.observe({ name: queue }, seconds);
  }

  retried(queue: string): void {
    this.queueRetries.inc({ name: queue });
  }
}

export function createRuntimeMetrics(registry: Registry = new Registry()): RuntimeMetrics {
  return new RuntimeMetrics(registry);
}
