import { parseArgs } from 'node:util';

// Command-line options of the placement scale benchmark, validated up front so a typo names its flag
// instead of failing minutes into a run.

export interface PlacementBenchOptions {
  racks: number;
  nodesPerRack: number;
  /** Pods per batch (runs A and B). */
  pods: number;
  /** Connectors the pods belong to (replicas = pods / workloads, spread per connector). */
  workloads: number;
  /** Pod creates in flight at once. */
  concurrency: number;
  /** kube-scheduler's API client limits (KubeSchedulerConfiguration clientConnection). */
  schedulerQps: number;
  schedulerBurst: number;
  /** CPU and memory every pod requests. */
  cpu: string;
  memory: string;
  /** Pods of the tight-budget run; 0 skips it. */
  tightPods: number;
  /** Share of the tight run's pods its rack budgets are sized for, in (0, 1). */
  tightFit: number;
}

export const DEFAULT_OPTIONS: PlacementBenchOptions = {
  racks: 30,
  nodesPerRack: 34,
  pods: 5000,
  workloads: 100,
  concurrency: 32,
  schedulerQps: 5000,
  schedulerBurst: 10000,
  cpu: '2',
  memory: '4Gi',
  // Pods the scheduler cannot place cost it a full pass over every node on each retry; 400 of them
  // (2,000 at 80%) keep the run to a minute or two, 1,000 took four on a loaded 2-core machine.
  tightPods: 2000,
  tightFit: 0.8,
};

export const USAGE = `usage: node e2e/dist/bench/placement-scale.js [--racks 30] [--nodes-per-rack 34] [--pods 5000] [--workloads 100]
  [--concurrency 32] [--scheduler-qps 5000] [--scheduler-burst 10000] [--cpu 2] [--memory 4Gi]
  [--tight-pods 2000 (0 skips the tight-budget run)] [--tight-fit 0.8]`;

export class OptionsError extends Error {}

const CPU = /^([0-9]+(\.[0-9]+)?|[0-9]+m)$/;
const MEMORY = /^[0-9]+(Ki|Mi|Gi|Ti|k|M|G|T)?$/;

export function parseBenchOptions(argv: readonly string[]): PlacementBenchOptions {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: Object.fromEntries(['racks', 'nodes-per-rack', 'pods', 'workloads', 'concurrency', 'scheduler-qps', 'scheduler-burst', 'cpu', 'memory', 'tight-pods', 'tight-fit'].map((name) => [name, { type: 'string' as const }])),
    }) as { values: Record<string, string | undefined> });
  } catch (err) {
    throw new OptionsError(`${(err as Error).message}\n${USAGE}`);
  }
  const whole = (flag: string, fallback: number, min: number, max: number): number => {
    const raw = values[flag];
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) throw new OptionsError(`--${flag}: must be a whole number from ${min} to ${max}, got "${raw}"`);
    return n;
  };
  const options: PlacementBenchOptions = {
    racks: whole('racks', DEFAULT_OPTIONS.racks, 1, 500),
    nodesPerRack: whole('nodes-per-rack', DEFAULT_OPTIONS.nodesPerRack, 1, 100),
    pods: whole('pods', DEFAULT_OPTIONS.pods, 1, 100_000),
    workloads: whole('workloads', DEFAULT_OPTIONS.workloads, 1, 10_000),
    concurrency: whole('concurrency', DEFAULT_OPTIONS.concurrency, 1, 512),
    schedulerQps: whole('scheduler-qps', DEFAULT_OPTIONS.schedulerQps, 1, 1_000_000),
    schedulerBurst: whole('scheduler-burst', DEFAULT_OPTIONS.schedulerBurst, 1, 1_000_000),
    cpu: values.cpu ?? DEFAULT_OPTIONS.cpu,
    memory: values.memory ?? DEFAULT_OPTIONS.memory,
    tightPods: whole('tight-pods', DEFAULT_OPTIONS.tightPods, 0, 100_000),
    tightFit: DEFAULT_OPTIONS.tightFit,
  };
  if (!CPU.test(options.cpu) || options.cpu === '0' || options.cpu === '0m') throw new OptionsError(`--cpu: must be a positive CPU quantity such as "2" or "500m", got "${options.cpu}"`);
  if (!MEMORY.test(options.memory)) throw new OptionsError(`--memory: must be a memory quantity such as "4Gi", got "${options.memory}"`);
  if (values['tight-fit'] !== undefined) {
    const f = Number(values['tight-fit']);
    if (!(f > 0 && f < 1)) throw new OptionsError(`--tight-fit: must be a fraction between 0 and 1 (exclusive), got "${values['tight-fit']}"`);
    options.tightFit = f;
  }
  if (options.workloads > options.pods) throw new OptionsError(`--workloads (${options.workloads}) must not exceed --pods (${options.pods}): every connector needs at least one pod`);
  return options;
}
