import { monitorEventLoopDelay } from 'node:perf_hooks';
import { CoreV1Api } from '@kubernetes/client-node';
import {
  parsePlacementConfig, powerProfiles, priorityClassManifests, rackBudgets, WATTS_RESOURCE, type PlacementConfig, type RackPowerBudget,
} from '@musubi/operator/placement';
import {
  ConflictError, createJsonLogger, ignoreNotFound, Informer, KubeApiError, KubeConfigTransport, RestKubeClient, type KubeClient, type KubeObject,
} from '@musubi/operator/runtime';
import { createOrv3Racks, ORV3_LABELS, startControlPlane, type ControlPlane } from '../controlplane/index.js';
import { batchPlan, BENCH_WORKLOAD_LABEL, benchPod, wattsPerPod, type BenchPodShape } from './bench-pods.js';
import { forEachBounded } from '@musubi/operator/runtime';
import { rackCapacityPods, tightRackBudget } from './budgets.js';
import { batchFigures, formatResults, totalViolations, type BatchFigures, type BenchRow } from './figures.js';
import { BindLatencyRecorder } from './latency-recorder.js';
import { OptionsError, parseBenchOptions, type PlacementBenchOptions } from './options.js';
import { startPlacementController, type RunningPlacementController } from './placement-controller.js';
import { checkRackBudgets, pendingPodsWithRoom, type RackCheck, type RackCheckRule } from './rack-check.js';
import { waitFor, WaitTimeoutError } from './wait.js';

// `make bench`, placement part: the real kube-scheduler places thousands of connector-shaped pods on
// 30 simulated ORv3 racks of 34 kwok nodes, first without power constraints (run A, the baseline), then
// with the placement controller publishing per-node power.musubi.dev/watts shares and every pod requesting
// its estimate (run B), then with rack budgets too small for the batch (run B-tight). Per run it measures
// scheduled pods/s and create-to-bind latency from one pod watch, and after the power runs checks the
// placement oracle and every rack's shares against its budget. Exit 1 on any violation.
// Progress goes to stderr, the figures to stdout.

const POD = { apiVersion: 'v1', kind: 'Pod' } as const;
const NODE = { apiVersion: 'v1', kind: 'Node' } as const;
const NAMESPACE = { apiVersion: 'v1', kind: 'Namespace' } as const;
const SERVICE_ACCOUNT = { apiVersion: 'v1', kind: 'ServiceAccount' } as const;
const CONTROLLER_NAMESPACE = 'musubi-system';
const NAMESPACES = ['bench-a', 'bench-b', 'bench-b-tight', CONTROLLER_NAMESPACE];
const RACK_PREFIX = 'bench';
// Every kwok node's capacity: a 2-socket ORv3 node as the reference estimate assumes (64 CPUs).
const NODE_CAPACITY = { cpu: '64', memory: '256Gi', pods: 110 } as const;
const NODE_CPU_MILLIS = 64_000;
// Run B must bind every pod: refuse a batch that would fill the production budget past this share.
const FIT_MARGIN = 0.95;
const RACK_BUDGET_RULES = new Set<RackCheckRule>(['RackRequestsOverBudget', 'RackSharesOverBudget', 'RackDrawOverBudget']);

const started = performance.now();
const progress = (line: string): void => {
  process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}\n`);
};

interface NodeShape {
  spec?: { taints?: unknown[] };
  status?: { conditions?: Array<{ type?: string; status?: string }> };
}

interface PodShape {
  spec?: { nodeName?: string };
  status?: { conditions?: Array<{ type?: string; status?: string; reason?: string; message?: string }> };
}

const nodeNameOf = (pod: KubeObject): string | undefined => (pod as PodShape).spec?.nodeName;
const schedulerRefusal = (pod: KubeObject) => (pod as PodShape).status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable');
const workloadOf = (pod: KubeObject): string | undefined => pod.metadata.labels?.[BENCH_WORKLOAD_LABEL];

interface BatchSpec {
  run: string;
  description: string;
  namespace: string;
  pods: number;
  metered: boolean;
  placement: PlacementConfig;
  /** Some pods are expected to stay Pending: settle on a quiet period instead of waiting for all. */
  tight: boolean;
}

interface BatchResult {
  run: string;
  description: string;
  figures: BatchFigures;
  check?: RackCheck;
  pendingOnWatts: number;
  pendingOther: string[];
  pendingWithRoom: number;
  eventLoopP99Ms: number;
  /** Why a tight batch was measured before it settled. */
  unsettled?: string;
  /** Node shares and headroom labels the placement controller changed during the batch. */
  controllerChanges?: { shares: number; headroomLabels: number };
}

class Bench {
  private readonly rows: BenchRow[] = [];
  private readonly notes: string[] = [];
  private rackBudgetViolations = 0;
  private controller: { running: RunningPlacementController; label: string } | undefined;

  constructor(
    private readonly options: PlacementBenchOptions,
    private readonly cp: ControlPlane,
    private readonly client: KubeClient,
    private readonly shape: BenchPodShape,
  ) {}

  async run(): Promise<number> {
    const o = this.options;
    const fit = parsePlacementConfig({});
    await this.prepareCluster();

    this.record(await this.batch({ run: 'A', description: 'no power constraints', namespace: 'bench-a', pods: o.pods, metered: false, placement: fit, tight: false }));

    await this.startController(fit, 'production rack budgets');
    this.record(await this.batch({ run: 'B', description: 'power, budgets fit', namespace: 'bench-b', pods: o.pods, metered: true, placement: fit, tight: false }));

    if (o.tightPods > 0) {
      const budget = tightRackBudget({
        pods: o.tightPods, racks: o.racks, nodesPerRack: o.nodesPerRack, wattsPerPod: wattsPerPod(fit, this.shape),
        podCpuMillis: cpuMillisOf(this.shape.cpu), nodeCpuMillis: NODE_CPU_MILLIS, idleWatts: idleWattsOf(fit), fitFraction: o.tightFit,
      });
      const tight = parsePlacementConfig({ rackDefaults: budget });
      await this.stopController();
      await this.startController(tight, `tight budgets: ${describeBudget(budget)}, sized for ${Math.round(o.tightFit * 100)}% of ${o.tightPods} pods`);
      this.record(await this.batch({ run: 'B-tight', description: 'power, budgets tight', namespace: 'bench-b-tight', pods: o.tightPods, metered: true, placement: tight, tight: true }));
    }
    await this.stopController();

    this.print();
    return totalViolations(this.rows) === 0 ? 0 : 1;
  }

  async stop(): Promise<void> {
    await this.controller?.running.stop();
    this.controller = undefined;
  }

  private async stopController(): Promise<void> {
    if (!this.controller) return;
    const { running, label } = this.controller;
    const passes = await running.passes();
    this.notes.push(`placement controller (${label}): ${passes.count} passes over the whole cluster, mean ${passes.meanMs.toFixed(0)} ms each (computing shares and writing node patches one by one)`);
    await this.stop();
  }

  private async prepareCluster(): Promise<void> {
    const o = this.options;
    for (const name of NAMESPACES) await this.client.create({ ...NAMESPACE, metadata: { name } });
    // The ServiceAccount admission plugin refuses pods until the controller manager made "default".
    await waitFor('default ServiceAccounts', async () => {
      const accounts = (await this.client.list(SERVICE_ACCOUNT, { fieldSelector: 'metadata.name=default' })).items.map((a) => a.metadata.namespace);
      const missing = NAMESPACES.filter((ns) => !accounts.includes(ns));
      return { value: missing.length === 0 ? true : undefined, seen: `missing in ${missing.join(', ')}` };
    }, { timeoutMs: 60_000 });
    for (const pc of priorityClassManifests()) await this.client.create(pc as KubeObject);
    progress(`creating ${o.racks} racks x ${o.nodesPerRack} kwok nodes`);
    const core = this.cp.kubeConfig().makeApiClient(CoreV1Api);
    const t0 = performance.now();
    await createOrv3Racks(core, { racks: o.racks, nodesPerRack: o.nodesPerRack, namePrefix: RACK_PREFIX, capacity: NODE_CAPACITY, concurrency: o.concurrency });
    const total = o.racks * o.nodesPerRack;
    // New nodes carry the not-ready taint (NodeTaint admission) until kwok reports them Ready and the
    // controller manager's node lifecycle controller lifts it.
    await waitFor(`${total} nodes Ready and untainted`, async () => {
      const nodes = (await this.client.list(NODE, { labelSelector: { matchLabels: { [ORV3_LABELS.nodeClass]: 'orv3' } } })).items as Array<KubeObject & NodeShape>;
      const ready = nodes.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') && (n.spec?.taints ?? []).length === 0).length;
      return { value: ready === total ? ready : undefined, seen: `${ready}/${total} Ready and untainted` };
    }, { timeoutMs: 180_000, everyMs: 1000, progress: (seen) => progress(`nodes: ${seen}`) });
    progress(`${total} nodes Ready and untainted (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }

  private async startController(placement: PlacementConfig, label: string): Promise<void> {
    progress(`starting the placement controller (${label})`);
    const logger = createJsonLogger({ level: 'warn', write: (line) => process.stderr.write(`placement controller: ${line}\n`) });
    const controller = await startPlacementController(this.client, placement, CONTROLLER_NAMESPACE, logger);
    this.controller = { running: controller, label };
    const total = this.options.racks * this.options.nodesPerRack;
    // Every node has a share and every rack's shares fit its (possibly new) budget.
    await waitFor('every node has its watts share within its rack budget', () => {
      const nodes = controller.nodes.list();
      const withShare = nodes.filter((n) => Number((n as { status?: { allocatable?: Record<string, string> } }).status?.allocatable?.[WATTS_RESOURCE] ?? 0) > 0).length;
      const over = checkRackBudgets(placement, nodes, []).violations.length;
      return { value: withShare === total && over === 0 ? true : undefined, seen: `${withShare}/${total} nodes with a share, ${over} rack budget violations` };
    }, { timeoutMs: 120_000, progress: (seen) => progress(`shares: ${seen}`) });
    // The first pass goes on to write the headroom labels; a batch should not start inside it.
    await waitFor('placement controller idle', async () => ({ value: (await controller.busy()) ? undefined : true, seen: 'a pass is running or queued' }), { timeoutMs: 120_000, progress: (seen) => progress(`placement controller: ${seen}`) });
    progress('every node has its share; the placement controller is idle');
  }

  private record(result: BatchResult): void {
    const row: BenchRow = { run: result.run, description: result.description, figures: result.figures, ...(result.check ? { violations: result.check.violations.length } : {}) };
    this.rows.push(row);
    this.notes.push(`${row.run}: bench process event-loop delay p99 ${result.eventLoopP99Ms.toFixed(0)} ms${result.figures.boundBeforeReturn > 0 ? `; ${result.figures.boundBeforeReturn} binds seen before their create returned (counted as 0 ms)` : ''}`);
    if (result.check) {
      const worst = result.check.racks.reduce((a, r) => Math.max(a, (r.sharesWatts + r.baselineWatts) / r.budgetWatts), 0);
      const requested = result.check.racks.reduce((a, r) => a + r.requestedWatts, 0);
      const deliverable = result.check.racks.reduce((a, r) => a + r.budgetWatts, 0);
      const budget = result.check.violations.filter((v) => RACK_BUDGET_RULES.has(v.rule)).length;
      this.rackBudgetViolations += budget;
      this.notes.push(`${row.run}: rack budget violations: ${budget}, other placement violations: ${result.check.violations.length - budget}; requested ${(requested / 1000).toFixed(1)} kW of ${(deliverable / 1000).toFixed(1)} kW deliverable; fullest rack (shares + idle baseline) at ${(worst * 100).toFixed(1)}% of its budget`);
      for (const v of result.check.violations.slice(0, 10)) this.notes.push(`  ${v.rule} ${v.subject}: ${v.message}`);
    }
    if (result.controllerChanges) {
      this.notes.push(`${row.run}: while the batch ran the placement controller changed ${result.controllerChanges.shares} node shares and ${result.controllerChanges.headroomLabels} headroom labels`);
    }
    if (result.unsettled) this.notes.push(`${row.run}: measured before it settled: ${result.unsettled}`);
    if (result.figures.pending > 0) {
      this.notes.push(`${row.run}: ${result.figures.pending} pods pending: ${result.pendingOnWatts} refused with "Insufficient ${WATTS_RESOURCE}", ${result.pendingOther.length} otherwise${result.pendingOther[0] ? ` (e.g. "${result.pendingOther[0]}")` : ''}; ${result.pendingWithRoom} in connectors that still had a node with room by the oracle`);
    }
  }

  private async batch(spec: BatchSpec): Promise<BatchResult> {
    const o = this.options;
    progress(`run ${spec.run} (${spec.description}): ${spec.pods} pods, ${o.concurrency} creates in flight`);
    const recorder = new BindLatencyRecorder(spec.pods);
    // One watch over the batch's namespace: the first event showing spec.nodeName is the bind.
    const informer = new Informer(this.client, { type: POD, namespace: spec.namespace });
    const seen = (pod: KubeObject) => {
      const node = nodeNameOf(pod);
      if (node) recorder.bindSeen(pod.metadata.name ?? '', node, performance.now());
    };
    informer.addEventHandler({ onAdd: seen, onUpdate: (_old, pod) => seen(pod) });
    informer.start();
    const eventLoop = monitorEventLoopDelay({ resolution: 10 });
    const changesBefore = this.controller?.running.nodeChanges();
    let unsettled: string | undefined;
    try {
      await waitFor('pod watch synced', () => ({ value: informer.hasSynced() ? true : undefined, seen: 'not synced' }), { timeoutMs: 30_000 });
      const plan = batchPlan(spec.run.toLowerCase(), spec.pods, Math.min(o.workloads, spec.pods));
      eventLoop.enable();
      try {
        const ticker = setInterval(() => progress(`run ${spec.run}: created ${recorder.created}/${spec.pods}, bound ${recorder.bound}`), 5000);
        try {
          await forEachBounded(plan, o.concurrency, async ({ name, workload }) => {
            const pod = benchPod({ name, namespace: spec.namespace, workload, placement: spec.placement, shape: this.shape, metered: spec.metered });
            recorder.createSent(name, performance.now());
            await createWithRetry(this.client, pod);
            recorder.createReturned(name, performance.now());
          });
        } finally {
          clearInterval(ticker);
        }
        progress(`run ${spec.run}: all ${spec.pods} created, ${recorder.bound} bound`);
        if (spec.tight) unsettled = await this.settle(spec, recorder, informer);
        else {
          await waitFor(`run ${spec.run}: every pod bound`, () => ({ value: recorder.bound === spec.pods ? true : undefined, seen: `${recorder.bound}/${spec.pods} bound` }), {
            timeoutMs: 300_000,
            progress: (s) => progress(`run ${spec.run}: ${s}`),
          });
        }
      } finally {
        eventLoop.disable();
      }
      const figures = batchFigures(recorder.timings());
      progress(`run ${spec.run}: ${figures.bound} bound, ${figures.scheduledPerSecond.toFixed(1)} pods/s, p50 ${figures.p50Ms.toFixed(0)} ms, p99 ${figures.p99Ms.toFixed(0)} ms`);

      let check: RackCheck | undefined;
      let pendingWithRoom = 0;
      const pending = informer.store.list().filter((p) => !nodeNameOf(p));
      if (spec.metered) {
        const nodes = (await this.client.list(NODE)).items;
        const pods = (await this.client.list(POD)).items;
        check = checkRackBudgets(spec.placement, nodes, pods, workloadOf);
        pendingWithRoom = pendingPodsWithRoom(spec.placement, nodes, pods, workloadOf);
        progress(`run ${spec.run}: placement violations: ${check.violations.length}`);
      }
      const pendingOther = pending.map((p) => schedulerRefusal(p)?.message ?? 'not refused by the scheduler yet').filter((m) => !m.includes(`Insufficient ${WATTS_RESOURCE}`));

      const changesAfter = this.controller?.running.nodeChanges();
      await this.deleteBatch(spec, informer);
      return {
        run: spec.run,
        description: spec.description,
        figures,
        ...(check ? { check } : {}),
        pendingOnWatts: pending.length - pendingOther.length,
        pendingOther,
        pendingWithRoom,
        eventLoopP99Ms: eventLoop.count > 0 ? eventLoop.percentile(99) / 1e6 : Number.NaN,
        ...(unsettled ? { unsettled } : {}),
        ...(changesBefore && changesAfter ? { controllerChanges: { shares: changesAfter.shares - changesBefore.shares, headroomLabels: changesAfter.headroomLabels - changesBefore.headroomLabels } } : {}),
      };
    } finally {
      await informer.stop();
    }
  }

  /**
   * A tight batch is settled when every pod not bound has been refused by the scheduler, nothing was bound
   * for a while, and the oracle finds no node that could still take a pending pod (else the controller
   * and scheduler are still moving watts to it). Past the deadline the batch is measured as it stands:
   * returns what was last seen then, which the report prints. Budgets are checked either way.
   */
  private async settle(spec: BatchSpec, recorder: BindLatencyRecorder, informer: Informer): Promise<string | undefined> {
    try {
      await this.settleWait(spec, recorder, informer);
      return undefined;
    } catch (err) {
      if (err instanceof WaitTimeoutError) return err.message;
      throw err;
    }
  }

  private async settleWait(spec: BatchSpec, recorder: BindLatencyRecorder, informer: Informer): Promise<void> {
    const QUIET_MS = 15_000;
    let lastBound = recorder.bound;
    let lastChange = performance.now();
    let nextOracleAt = 0;
    let withRoom = -1;
    await waitFor(`run ${spec.run}: batch settled`, async () => {
      const now = performance.now();
      if (recorder.bound !== lastBound) {
        lastBound = recorder.bound;
        lastChange = now;
        withRoom = -1;
      }
      const pending = informer.store.list().filter((p) => !nodeNameOf(p));
      const refused = pending.filter((p) => schedulerRefusal(p) !== undefined).length;
      const quiet = now - lastChange >= QUIET_MS;
      if (quiet && refused === pending.length && now >= nextOracleAt) {
        nextOracleAt = now + 10_000;
        const nodes = (await this.client.list(NODE)).items;
        const pods = (await this.client.list(POD)).items;
        withRoom = pendingPodsWithRoom(spec.placement, nodes, pods, workloadOf);
      }
      const seen = `${recorder.bound}/${spec.pods} bound, ${refused}/${pending.length} pending refused, last bind ${((now - lastChange) / 1000).toFixed(0)} s ago${withRoom >= 0 ? `, ${withRoom} pending with room` : ''}`;
      return { value: quiet && refused === pending.length && withRoom === 0 ? true : undefined, seen };
    }, { timeoutMs: 300_000, everyMs: 500, progress: (s) => progress(`run ${spec.run}: ${s}`) });
  }

  private async deleteBatch(spec: BatchSpec, informer: Informer): Promise<void> {
    const names = informer.store.list().map((p) => p.metadata.name ?? '');
    progress(`run ${spec.run}: deleting ${names.length} pods`);
    await forEachBounded(names, this.options.concurrency, async (name) => {
      await ignoreNotFound(this.client.delete({ ...POD, namespace: spec.namespace, name }, { gracePeriodSeconds: 0 }));
    });
    await waitFor(`run ${spec.run}: every pod gone`, () => {
      const left = informer.store.list().length;
      return { value: left === 0 ? true : undefined, seen: `${left} pods left` };
    }, { timeoutMs: 180_000, progress: (s) => progress(`run ${spec.run}: ${s}`) });
  }

  private print(): void {
    const o = this.options;
    const out = (line = '') => process.stdout.write(`${line}\n`);
    out(`ORv3 placement scale benchmark: ${o.racks} racks x ${o.nodesPerRack} kwok nodes (${o.racks * o.nodesPerRack} nodes), ${o.workloads} connectors, pods of ${this.shape.cpu} CPU / ${this.shape.memory}`);
    out(`real kube-apiserver, kube-scheduler (client qps ${o.schedulerQps}, burst ${o.schedulerBurst}), kube-controller-manager and kwok; ${o.concurrency} creates in flight; Node ${process.version}`);
    out('latency: create call returned -> pod watch shows spec.nodeName; pods/s: first create sent -> last bind seen');
    out();
    for (const line of formatResults(this.rows)) out(line);
    out();
    for (const line of this.notes) out(line);
    out(`rack budget violations: ${this.rackBudgetViolations}`);
    out(`placement violations, all rules: ${totalViolations(this.rows)}`);
  }
}

async function createWithRetry(client: KubeClient, pod: KubeObject): Promise<void> {
  // Overload answers (429, 5xx) and dropped connections are retried; a create that went through before
  // its answer was lost shows up as AlreadyExists on the retry.
  for (let attempt = 1; ; attempt++) {
    try {
      await client.create(pod);
      return;
    } catch (err) {
      if (attempt > 1 && err instanceof ConflictError && err.reason === 'AlreadyExists') return;
      const transient = !(err instanceof KubeApiError) || err.statusCode === 429 || err.statusCode >= 500;
      if (!transient || attempt === 4) throw err;
      await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
    }
  }
}

function idleWattsOf(placement: PlacementConfig): number {
  const profile = powerProfiles(placement)[placement.defaultCpuFamily];
  if (!profile) throw new Error(`placement.defaultCpuFamily "${placement.defaultCpuFamily}" has no power profile`);
  return profile.idleWatts;
}

/** Why run B could not bind every pod under the production budget, or undefined when it can. */
function tooManyForRunB(o: PlacementBenchOptions, shape: BenchPodShape): string | undefined {
  const fit = parsePlacementConfig({});
  const watts = wattsPerPod(fit, shape);
  const capacity = rackCapacityPods({
    racks: o.racks, nodesPerRack: o.nodesPerRack, budgetWatts: rackBudgets(fit)(`${RACK_PREFIX}-rack-00`), idleWatts: idleWattsOf(fit),
    wattsPerPod: watts, podCpuMillis: cpuMillisOf(shape.cpu), nodeCpuMillis: NODE_CPU_MILLIS, maxPodsPerNode: NODE_CAPACITY.pods,
  });
  if (o.pods <= FIT_MARGIN * capacity) return undefined;
  return `--pods ${o.pods}: run B needs every pod bound, but about ${capacity} pods of ${watts} W (${shape.cpu} CPU, ${shape.memory}) fit ${o.racks} racks x ${o.nodesPerRack} nodes at the production rack budget; use at most ${Math.floor(FIT_MARGIN * capacity)} pods or more racks`;
}

function cpuMillisOf(cpu: string): number {
  return cpu.endsWith('m') ? Number(cpu.slice(0, -1)) : Math.round(Number(cpu) * 1000);
}

function describeBudget(b: RackPowerBudget): string {
  return `${b.kva.toFixed(3)} kVA at power factor ${b.powerFactor}, no losses or reserve = ${Math.floor(b.kva * 1000 * b.powerFactor)} W per rack`;
}

async function main(): Promise<number> {
  let options: PlacementBenchOptions;
  try {
    options = parseBenchOptions(process.argv.slice(2));
  } catch (err) {
    if (err instanceof OptionsError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const shape = { cpu: options.cpu, memory: options.memory };
  const tooMany = tooManyForRunB(options, shape);
  if (tooMany) {
    process.stderr.write(`${tooMany}\n`);
    return 2;
  }
  progress('starting the control plane (etcd, kube-apiserver, kube-scheduler, kube-controller-manager, kwok)');
  const cp = await startControlPlane({
    scheduler: true,
    controllerManager: true,
    kwok: true,
    schedulerConfiguration: { clientConnection: { qps: options.schedulerQps, burst: options.schedulerBurst } },
    log: (line) => progress(`control plane: ${line}`),
  });
  const transport = new KubeConfigTransport(cp.kubeConfig());
  const bench = new Bench(options, cp, new RestKubeClient(transport), shape);
  try {
    return await bench.run();
  } finally {
    await bench.stop();
    transport.close();
    await cp.stop();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`placement scale benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
