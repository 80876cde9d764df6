import {
  computeShares, parseHeadroomClass, planShareUpdates, rackBudgets, rackHeadroomClasses, rackSummaryConfigMap, readCluster, shareCapacityPatch, shareOptions,
  type HeadroomClass, type PlacementConfig, type PlacementProblem, type RackSummary, type ShareResult,
} from '../../placement/index.js';
import { forEachBounded, ignoreNotFound, silentLogger, type KubeClient, type KubeObject, type Logger, type ReadonlyStore } from '../../runtime/index.js';
import type { EventSink } from '../shared/context.js';
import type { RackPowerGauges } from './metrics.js';

// One pass of the rack power model over the whole cluster: read every node and pod from the caches,
// compute the shares, patch the nodes whose share changes (every decrease before any increase, so a
// rack's shares fit its budget after each patch), set the headroom labels, publish the summary.
// Nothing is ever evicted: an over-committed rack is reported and its shares held at what is requested.

export const PLACEMENT_KEY = 'placement';
export const RACK_SUMMARY_CONFIG_MAP = 'musubi-rack-power';

const NODE = { apiVersion: 'v1', kind: 'Node' } as const;
/** Node patches in flight at once: enough to hide API round trips, few enough not to crowd the scheduler's. */
const PATCH_CONCURRENCY = 16;

export interface PlacementReconcilerDeps {
  client: Pick<KubeClient, 'mergePatch' | 'apply'>;
  config: PlacementConfig;
  /** Where the summary ConfigMap goes (the operator's namespace). */
  namespace: string;
  nodes: ReadonlyStore<KubeObject>;
  pods: ReadonlyStore<KubeObject>;
  events: EventSink;
  gauges?: RackPowerGauges;
}

export interface PlacementPass {
  result: ShareResult;
  problems: PlacementProblem[];
  sharePatches: number;
  labelPatches: number;
}

export class PlacementReconciler {
  // What was already reported, so a steady problem gives one Event rather than one per pass.
  private reportedProblems = new Set<string>();
  private overCommitted = new Set<string>();

  constructor(private readonly deps: PlacementReconcilerDeps) {}

  async reconcile(logger: Logger = silentLogger): Promise<PlacementPass> {
    const { config, client } = this.deps;
    const nodeObjects = this.deps.nodes.list();
    const cluster = readCluster(config, nodeObjects, this.deps.pods.list());
    const result = computeShares(rackBudgets(config), cluster.nodes, cluster.pods, shareOptions(config));
    const problems = [...cluster.problems, ...result.errors];

    const current = new Map<string, number | undefined>(cluster.nodes.map((n) => [n.name, n.currentShareWatts]));
    const steps = planShareUpdates(current, result.shares);
    // Two phases, each written concurrently: while only decreases are in flight a rack's sum can only
    // fall, and while only increases are in flight it can only rise towards the target sum, which fits
    // the budget — so the invariant holds whatever the scheduler binds in between. Every decrease must
    // land before the first increase: a failed decrease throws here and the retry recomputes from fresh
    // caches. (One patch at a time took ~30 s for 1,020 nodes in the scale benchmark.)
    const patchShare = (step: (typeof steps)[number]) =>
      ignoreNotFound(client.mergePatch({ ...NODE, name: step.node }, shareCapacityPatch(step.toWatts), { subresource: 'status' })).then(() => undefined);
    await forEachBounded(steps.filter((s) => s.change === 'decrease'), PATCH_CONCURRENCY, patchShare);
    await forEachBounded(steps.filter((s) => s.change === 'increase'), PATCH_CONCURRENCY, patchShare);
    if (steps.length > 0) logger.info('node power shares updated', { patches: steps.length, decreases: steps.filter((s) => s.change === 'decrease').length });

    const labelPatches = await this.writeHeadroomLabels(nodeObjects, result);
    const summary = await client.apply(rackSummaryConfigMap(result.racks, { namespace: this.deps.namespace, name: RACK_SUMMARY_CONFIG_MAP, problems }));
    this.deps.gauges?.update(result.racks);
    await this.report(problems, result.racks, summary, nodeObjects, logger);
    return { result, problems, sharePatches: steps.length, labelPatches };
  }

  private async writeHeadroomLabels(nodeObjects: readonly KubeObject[], result: ShareResult): Promise<number> {
    const key = this.deps.config.headroomLabel;
    const labelOf = new Map(nodeObjects.map((n) => [n.metadata.name ?? '', n.metadata.labels?.[key]]));
    // A rack's previous class is read back from its nodes, so hysteresis survives an operator restart.
    const previous = new Map<string, HeadroomClass>();
    for (const [node, rack] of [...result.nodeRacks].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const cls = parseHeadroomClass(labelOf.get(node));
      if (cls && !previous.has(rack)) previous.set(rack, cls);
    }
    const classes = rackHeadroomClasses(result.racks, previous, this.deps.config.headroom);
    const changes: Array<[string, HeadroomClass]> = [];
    for (const [node, rack] of result.nodeRacks) {
      const cls = classes.get(rack);
      if (cls !== undefined && labelOf.get(node) !== cls) changes.push([node, cls]);
    }
    // Labels only steer preferences, so their order does not matter.
    await forEachBounded(changes, PATCH_CONCURRENCY, ([node, cls]) =>
      ignoreNotFound(this.deps.client.mergePatch({ ...NODE, name: node }, { metadata: { labels: { [key]: cls } } })).then(() => undefined));
    return changes.length;
  }

  private async report(problems: readonly PlacementProblem[], racks: readonly RackSummary[], summary: KubeObject, nodeObjects: readonly KubeObject[], logger: Logger) {
    const nodesByName = new Map(nodeObjects.map((n) => [n.metadata.name ?? '', n]));
    const seen = new Set<string>();
    for (const problem of problems) {
      const id = `${problem.reason}|${problem.object}|${problem.message}`;
      seen.add(id);
      if (this.reportedProblems.has(id)) continue;
      logger.warn('placement problem', { reason: problem.reason, object: problem.object, field: problem.field, message: problem.message });
      const node = problem.object.startsWith('Node ') ? nodesByName.get(problem.object.slice(5)) : undefined;
      await this.deps.events.record(node ? { ...node, apiVersion: 'v1', kind: 'Node' } : summary, 'Warning', problem.reason, 'ComputeShares', problem.message);
    }
    this.reportedProblems = seen;

    const overCommitted = new Set<string>();
    for (const rack of racks) {
      if (!rack.overCommitted) continue;
      overCommitted.add(rack.rack);
      if (this.overCommitted.has(rack.rack)) continue;
      logger.warn('rack over-committed', { rack: rack.rack, requestedWatts: rack.requestedWatts, budgetWatts: rack.budgetWatts });
      await this.deps.events.record(summary, 'Warning', rack.condition.reason, 'ComputeShares', rack.condition.message);
    }
    this.overCommitted = overCommitted;
  }
}
