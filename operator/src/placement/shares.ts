import type { ConditionInput } from '../runtime/conditions.js';
import type { PlacementConfig } from './config.js';
import type { NodeFacts, PlacementProblem, PodFacts } from './facts.js';
import { drainHighest, raiseLowest } from './level.js';
import { estimatePodWatts, type EstimateModel } from './power-model.js';
import type { RackSummary } from './summary.js';

// Splits each rack's deliverable watts into per-node shares (the `power.musubi.dev/watts` capacity the
// scheduler counts pods against).
//
// Per rack, with u = requested CPU / allocatable CPU of a node:
//   baseline  = sum over nodes of idle*(1-u) + estimates of pods that request no watts   (drawn, but not shareable)
//   pool      = deliverable - baseline                                                    (what shares may add up to)
//   floor(n)  = watts requested by the pods bound to n                                    (invariant b)
// Invariant (a): the shares of a rack never add up to more than its pool (so never more than its budget).
// When the floors alone exceed the pool the rack is over-committed: nothing is evicted, every share is its
// floor, and the summary carries a RackOverCommitted condition.
//
// Within the pool, shares start from what nodes advertise now, so a steady cluster needs no patches.
// Pending pods reserve watts on one node each, one they may be bound to (allowedNodes), chosen from the
// pods and nodes alone, not from the current shares, so a recomputation reaches the same choice. Free share
// is drained from the nodes with the most to make room (the donors), and left-over watts top up the nodes
// furthest below an even level, taken from the nodes above that level when nothing is left over. That is
// how a node that lost its share (re-registered with none) gets it back.

export const DEFAULT_RACK_LABEL = 'topology.musubi.dev/rack';

export type RackBudgetSource = ReadonlyMap<string, number> | ((rack: string) => number | undefined);

export interface ShareOptions {
  /** Node label naming the rack; default topology.musubi.dev/rack. */
  rackLabel?: string;
  /** Estimate for pods that request no watts and for a node's largest useful share; default safety 1.1, 0.392 W/GiB. */
  estimate?: EstimateModel;
  /** Free share is topped up only below the even level minus this; default 20 W. */
  rebalanceToleranceWatts?: number;
}

export interface ShareResult {
  /** Target share per node, in whole watts. Nodes with an error (no rack label, rack without budget) are absent. */
  shares: Map<string, number>;
  /** Rack of every node that has a share. */
  nodeRacks: Map<string, string>;
  racks: RackSummary[];
  errors: PlacementProblem[];
  /** Pending pods (namespace/name) that no node had room for: they stay pending until watts free up. */
  unplacedPods: string[];
}

const DEFAULT_ESTIMATE: EstimateModel = { safetyFactor: 1.1, memoryWattsPerGiB: 0.392 };

/** The share options the placement configuration implies. */
export function shareOptions(config: PlacementConfig): Required<ShareOptions> {
  return {
    rackLabel: config.rackLabel,
    estimate: { safetyFactor: config.estimate.safetyFactor, memoryWattsPerGiB: config.estimate.memoryWattsPerGiB },
    rebalanceToleranceWatts: config.shares.rebalanceToleranceWatts,
  };
}

interface RackState {
  name: string;
  budget: number;
  members: number[];
  baseline: number;
  unmetered: number;
  requested: number;
  reserved: number;
  pool: number;
  overCommitted: boolean;
}

export function computeShares(racks: RackBudgetSource, nodes: readonly NodeFacts[], pods: readonly PodFacts[], options: ShareOptions = {}): ShareResult {
  const rackLabel = options.rackLabel ?? DEFAULT_RACK_LABEL;
  const estimate = options.estimate ?? DEFAULT_ESTIMATE;
  const tolerance = options.rebalanceToleranceWatts ?? 20;
  const budgetOf = typeof racks === 'function' ? racks : (rack: string) => racks.get(rack);
  const errors: PlacementProblem[] = [];

  // Nodes in name order so every tie below breaks the same way on every run.
  const ordered = [...nodes].sort((a, b) => compareText(a.name, b.name));
  const count = ordered.length;
  const index = new Map<string, number>();
  const rackOfNode = new Int32Array(count).fill(-1);
  const rackStates: RackState[] = [];
  const rackIndex = new Map<string, number>();
  const withoutBudget = new Set<string>();

  for (let i = 0; i < count; i++) {
    const node = ordered[i] as NodeFacts;
    if (!(node.cpuMillis > 0)) {
      errors.push({ reason: 'InvalidNodeResources', object: `Node ${node.name}`, field: 'status.allocatable.cpu', message: `Node ${node.name} reports no allocatable CPU (${node.cpuMillis}m); its share is left as it is until the kubelet reports its capacity` });
      continue;
    }
    const rack = node.labels[rackLabel];
    if (rack === undefined || rack === '') {
      errors.push({
        reason: 'NodeMissingRackLabel',
        object: `Node ${node.name}`,
        field: `metadata.labels.${rackLabel}`,
        message: `Node ${node.name} is ORv3-class but has no ${rackLabel} label; label it with its rack (kubectl label node ${node.name} ${rackLabel}=<rack>) so its power share can be computed`,
      });
      continue;
    }
    let r = rackIndex.get(rack);
    if (r === undefined) {
      const budget = budgetOf(rack);
      if (budget === undefined || !Number.isFinite(budget)) {
        if (!withoutBudget.has(rack)) {
          withoutBudget.add(rack);
          errors.push({ reason: 'RackWithoutBudget', object: `Rack ${rack}`, message: `Rack ${rack} has no power budget; its nodes' shares are left as they are until one is configured` });
        }
        continue;
      }
      r = rackStates.length;
      rackIndex.set(rack, r);
      rackStates.push({ name: rack, budget: Math.max(0, Math.floor(budget)), members: [], baseline: 0, unmetered: 0, requested: 0, reserved: 0, pool: 0, overCommitted: false });
    }
    index.set(node.name, i);
    rackOfNode[i] = r;
    (rackStates[r] as RackState).members.push(i);
  }

  // What bound pods take from each node.
  const requested = new Float64Array(count);
  const cpuUsed = new Float64Array(count);
  const memUsed = new Float64Array(count);
  const unmeteredWatts = new Float64Array(count);
  const pending: PodFacts[] = [];
  for (const pod of pods) {
    if (pod.nodeName === undefined) {
      if (pod.wattsRequest > 0) pending.push(pod);
      continue;
    }
    const i = index.get(pod.nodeName);
    if (i === undefined) continue;
    cpuUsed[i] = (cpuUsed[i] as number) + pod.cpuMillis;
    memUsed[i] = (memUsed[i] as number) + pod.memoryBytes;
    if (pod.wattsRequest > 0) requested[i] = (requested[i] as number) + pod.wattsRequest;
    else {
      const node = ordered[i] as NodeFacts;
      unmeteredWatts[i] = (unmeteredWatts[i] as number) + estimatePodWatts(pod, node.cpuMillis, node.profile, estimate);
    }
  }

  // Largest share a node can use: what pods requesting all of it would be charged. Cordoned or NotReady
  // nodes cannot take new pods, so they need no more than their pods request.
  const ceiling = new Float64Array(count);
  for (const rack of rackStates) {
    let baseline = 0;
    for (const i of rack.members) {
      const node = ordered[i] as NodeFacts;
      const used = Math.min(1, (cpuUsed[i] as number) / node.cpuMillis);
      baseline += node.profile.idleWatts * (1 - used) + (unmeteredWatts[i] as number);
      rack.unmetered += unmeteredWatts[i] as number;
      rack.requested += requested[i] as number;
      const whole = node.schedulable ? estimatePodWatts({ cpuMillis: node.cpuMillis, memoryBytes: node.memoryBytes }, node.cpuMillis, node.profile, estimate) : 0;
      ceiling[i] = Math.max(requested[i] as number, whole);
    }
    rack.baseline = Math.ceil(baseline - 1e-9);
    rack.unmetered = Math.ceil(rack.unmetered - 1e-9);
    rack.pool = rack.budget - rack.baseline;
    rack.overCommitted = rack.requested > rack.pool;
  }

  // Reserve room for pending pods: pods steered to a node first, then to racks, then the rest; bigger first.
  const demand = new Float64Array(count);
  const pendingCpu = new Float64Array(count);
  const pendingMem = new Float64Array(count);
  const free = (r: number) => {
    const rack = rackStates[r] as RackState;
    return rack.overCommitted ? -1 : rack.pool - rack.requested - rack.reserved;
  };
  const fits = (i: number, pod: PodFacts): boolean => {
    const node = ordered[i] as NodeFacts;
    return (
      node.schedulable &&
      (pod.allowedNodes === undefined || pod.allowedNodes.has(node.name)) &&
      node.cpuMillis - (cpuUsed[i] as number) - (pendingCpu[i] as number) >= pod.cpuMillis &&
      (node.memoryBytes === 0 || node.memoryBytes - (memUsed[i] as number) - (pendingMem[i] as number) >= pod.memoryBytes) &&
      (ceiling[i] as number) - (requested[i] as number) - (demand[i] as number) >= pod.wattsRequest &&
      free(rackOfNode[i] as number) >= pod.wattsRequest
    );
  };
  const pickNode = (r: number, pod: PodFacts): number => {
    if (free(r) < pod.wattsRequest) return -1;
    let best = -1;
    let bestCpu = -Infinity;
    for (const i of (rackStates[r] as RackState).members) {
      if (!fits(i, pod)) continue;
      const node = ordered[i] as NodeFacts;
      const spareCpu = node.cpuMillis - (cpuUsed[i] as number) - (pendingCpu[i] as number);
      if (spareCpu > bestCpu) {
        best = i;
        bestCpu = spareCpu;
      }
    }
    return best;
  };
  const reserve = (i: number, pod: PodFacts) => {
    demand[i] = (demand[i] as number) + pod.wattsRequest;
    pendingCpu[i] = (pendingCpu[i] as number) + pod.cpuMillis;
    pendingMem[i] = (pendingMem[i] as number) + pod.memoryBytes;
    (rackStates[rackOfNode[i] as number] as RackState).reserved += pod.wattsRequest;
  };
  const steering = (p: PodFacts) => (p.preferredNode !== undefined ? 0 : p.preferredRacks && p.preferredRacks.length > 0 ? 1 : 2);
  pending.sort((a, b) => steering(a) - steering(b) || b.wattsRequest - a.wattsRequest || compareText(podKey(a), podKey(b)));

  const unplacedPods: string[] = [];
  const tried = new Uint8Array(rackStates.length);
  for (const pod of pending) {
    let chosen = -1;
    if (pod.preferredNode !== undefined) {
      const i = index.get(pod.preferredNode);
      if (i !== undefined && fits(i, pod)) chosen = i;
    }
    for (const rack of pod.preferredRacks ?? []) {
      if (chosen >= 0) break;
      const r = rackIndex.get(rack);
      if (r !== undefined) chosen = pickNode(r, pod);
    }
    if (chosen < 0) {
      // The rack with the most free watts that has a node the pod fits on.
      tried.fill(0);
      for (;;) {
        let bestRack = -1;
        let bestFree = -Infinity;
        for (let r = 0; r < rackStates.length; r++) {
          if (tried[r] === 1) continue;
          const f = free(r);
          if (f >= pod.wattsRequest && f > bestFree) {
            bestRack = r;
            bestFree = f;
          }
        }
        if (bestRack < 0) break;
        tried[bestRack] = 1;
        chosen = pickNode(bestRack, pod);
        if (chosen >= 0) break;
      }
    }
    if (chosen >= 0) reserve(chosen, pod);
    else unplacedPods.push(podKey(pod));
  }

  // Shares per rack.
  const shares = new Map<string, number>();
  const nodeRacks = new Map<string, string>();
  const summaries: RackSummary[] = [];
  const spare: number[] = new Array<number>(count).fill(0);
  const spareCap: number[] = new Array<number>(count).fill(0);
  for (const rack of rackStates) {
    const members = rack.members;
    let allocated = 0;
    if (rack.overCommitted) {
      for (const i of members) {
        const share = requested[i] as number;
        shares.set((ordered[i] as NodeFacts).name, share);
        allocated += share;
      }
    } else {
      let needSum = 0;
      let total = 0;
      const schedulable: number[] = [];
      for (const i of members) {
        const node = ordered[i] as NodeFacts;
        const need = (requested[i] as number) + (demand[i] as number);
        const cap = Math.max(need, ceiling[i] as number);
        const current = node.currentShareWatts ?? 0;
        spare[i] = Math.min(Math.max(current, need), cap) - need;
        spareCap[i] = cap - need;
        needSum += need;
        total += need + (spare[i] as number);
        if (node.schedulable) schedulable.push(i);
      }
      if (total > rack.pool) {
        drainHighest(spare, members, total - rack.pool);
        total = rack.pool;
      }
      if (schedulable.length > 0) {
        const level = Math.floor((rack.pool - needSum) / schedulable.length);
        const below = schedulable.filter((i) => (spare[i] as number) < level - tolerance);
        if (below.length > 0) {
          let wanted = 0;
          for (const i of below) {
            spareCap[i] = Math.min(spareCap[i] as number, level);
            wanted += Math.max(0, (spareCap[i] as number) - (spare[i] as number));
          }
          let available = rack.pool - total;
          if (wanted > available) {
            // The pool is handed out (e.g. a node re-registered after the others took its watts): nodes above
            // the even level give back down to it, never below, so a lost share is restored.
            const isBelow = new Set(below);
            const donors = members.filter((i) => !isBelow.has(i) && (spare[i] as number) > level);
            const excess = donors.reduce((n, i) => n + (spare[i] as number) - level, 0);
            available += drainHighest(spare, donors, Math.min(wanted - available, excess));
          }
          raiseLowest(spare, spareCap, below, available);
        }
      }
      for (const i of members) {
        const share = (requested[i] as number) + (demand[i] as number) + (spare[i] as number);
        shares.set((ordered[i] as NodeFacts).name, share);
        allocated += share;
      }
    }
    for (const i of members) nodeRacks.set((ordered[i] as NodeFacts).name, rack.name);
    summaries.push(summarise(rack, members, ordered, allocated));
  }
  summaries.sort((a, b) => compareText(a.rack, b.rack));
  return { shares, nodeRacks, racks: summaries, errors, unplacedPods };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function podKey(pod: PodFacts): string {
  return `${pod.namespace}/${pod.name}`;
}

function summarise(rack: RackState, members: readonly number[], ordered: readonly NodeFacts[], allocated: number): RackSummary {
  const schedulable = members.reduce((n, i) => n + ((ordered[i] as NodeFacts).schedulable ? 1 : 0), 0);
  return {
    rack: rack.name,
    nodes: members.length,
    schedulableNodes: schedulable,
    budgetWatts: rack.budget,
    baselineWatts: rack.baseline,
    unmeteredWatts: rack.unmetered,
    requestedWatts: rack.requested,
    reservedWatts: rack.reserved,
    allocatedWatts: allocated,
    headroomWatts: rack.pool - rack.requested - rack.reserved,
    unallocatedWatts: rack.pool - allocated,
    overCommitted: rack.overCommitted,
    condition: overCommitCondition(rack, members.length),
  };
}

export const RACK_OVER_COMMITTED = 'RackOverCommitted';

function overCommitCondition(rack: RackState, nodes: number): ConditionInput {
  const w = (n: number) => `${n.toLocaleString('en-US')} W`;
  if (!rack.overCommitted) {
    return {
      type: RACK_OVER_COMMITTED,
      status: 'False',
      reason: 'WithinBudget',
      message: `Rack ${rack.name}: pods request ${w(rack.requested)} of the ${w(rack.pool)} left after the ${w(rack.baseline)} baseline of its ${nodes} nodes (budget ${w(rack.budget)}).`,
    };
  }
  return {
    type: RACK_OVER_COMMITTED,
    status: 'True',
    reason: 'RequestsExceedBudget',
    message:
      `Rack ${rack.name} is over-committed: pods request ${w(rack.requested)} and its ${nodes} nodes draw a baseline of ${w(rack.baseline)} ` +
      `(idle power not charged to pods, plus pods that request no watts), ${w(rack.requested + rack.baseline)} in all, but the rack delivers ${w(rack.budget)}. ` +
      `No pod is evicted; every node's share stays at what its pods request, so no new metered pod lands here. ` +
      `Move workloads off the rack or raise its budget under placement.racks.${rack.name}.`,
  };
}
