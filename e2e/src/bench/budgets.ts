import type { RackPowerBudget } from '@musubi/operator/placement';

// The rack budget of the benchmark's tight run: small enough that only part of the batch fits, so some
// pods must stay Pending on `Insufficient power.musubi.dev/watts` while the rest bind within budget.

export interface TightBudgetInput {
  /** Metered pods in the batch, spread evenly over the racks. */
  pods: number;
  racks: number;
  nodesPerRack: number;
  wattsPerPod: number;
  podCpuMillis: number;
  nodeCpuMillis: number;
  /** Idle watts of one node (its CPU family's profile). */
  idleWatts: number;
  /** Share of the batch meant to fit, in (0, 1]. */
  fitFraction: number;
}

/**
 * A budget (deliverable watts = kva * 1000: unity power factor, no rectifier loss, derating or reserve)
 * covering the idle draw of every node plus fitFraction of the pods' net draw. A pod's net draw is its
 * watts less the idle draw of the CPU it takes over, which the model moves out of the rack's baseline;
 * so about fitFraction of the pods fit, less what rounding to whole pods per node strands.
 */
export function tightRackBudget(input: TightBudgetInput): RackPowerBudget {
  if (!(input.fitFraction > 0 && input.fitFraction <= 1)) throw new RangeError(`tightRackBudget: fitFraction must be in (0, 1], got ${input.fitFraction}`);
  for (const key of ['pods', 'racks', 'nodesPerRack', 'wattsPerPod', 'podCpuMillis', 'nodeCpuMillis'] as const) {
    if (!(input[key] > 0)) throw new RangeError(`tightRackBudget: ${key} must be positive, got ${input[key]}`);
  }
  const netWattsPerPod = input.wattsPerPod - input.idleWatts * Math.min(1, input.podCpuMillis / input.nodeCpuMillis);
  const podsPerRack = input.pods / input.racks;
  const watts = Math.ceil(input.nodesPerRack * input.idleWatts + input.fitFraction * podsPerRack * netWattsPerPod);
  return { kva: watts / 1000, powerFactor: 1, rectifierEfficiency: 1, derating: 0, reserveWatts: 0 };
}

export interface RackCapacityInput {
  racks: number;
  nodesPerRack: number;
  /** Deliverable watts of one rack. */
  budgetWatts: number;
  idleWatts: number;
  wattsPerPod: number;
  podCpuMillis: number;
  nodeCpuMillis: number;
  /** Pods a node may run (its `pods` allocatable). */
  maxPodsPerNode: number;
}

/**
 * About how many metered pods of one shape the racks can take: per rack, the watts left over the idle draw
 * of its nodes divided by a pod's net draw, and never more than the nodes' CPU and pod slots allow.
 */
export function rackCapacityPods(input: RackCapacityInput): number {
  const netWattsPerPod = input.wattsPerPod - input.idleWatts * Math.min(1, input.podCpuMillis / input.nodeCpuMillis);
  const byPower = netWattsPerPod > 0 ? Math.floor(Math.max(0, input.budgetWatts - input.nodesPerRack * input.idleWatts) / netWattsPerPod) : Infinity;
  const bySlots = input.nodesPerRack * Math.min(input.maxPodsPerNode, Math.floor(input.nodeCpuMillis / input.podCpuMillis));
  return input.racks * Math.min(byPower, bySlots);
}
