import type { PlacementConfig, RackPowerBudget } from './config.js';
import { SPECPOWER_PROFILES, type PowerProfile } from './power-profiles.js';

// The pure arithmetic of the power model: what a rack can deliver and what a pod is expected to draw.

const GIB = 2 ** 30;
// Float noise (0.1 + 0.2) must not round a whole watt up to the next one.
const EPSILON = 1e-9;

/**
 * Watts the rack's power shelves can deliver to its nodes:
 * kva*1000*powerFactor*rectifierEfficiency*(1-derating) - reserveWatts, rounded down to whole watts, never negative.
 */
export function deliverableWatts(budget: RackPowerBudget): number {
  const watts = budget.kva * 1000 * budget.powerFactor * budget.rectifierEfficiency * (1 - budget.derating) - budget.reserveWatts;
  return Math.max(0, Math.floor(watts + EPSILON));
}

/** The budget of one rack: the defaults with the rack's override laid over them. */
export function rackBudget(config: PlacementConfig, rack: string): RackPowerBudget {
  const override = Object.hasOwn(config.racks, rack) ? config.racks[rack] : undefined;
  return { ...config.rackDefaults, ...override };
}

/** Deliverable watts per rack name, computed once per rack. */
export function rackBudgets(config: PlacementConfig): (rack: string) => number {
  const cache = new Map<string, number>();
  return (rack) => {
    let watts = cache.get(rack);
    if (watts === undefined) {
      watts = deliverableWatts(rackBudget(config, rack));
      cache.set(rack, watts);
    }
    return watts;
  };
}

/** Built-in SPECpower profiles with the configured ones laid over them. */
export function powerProfiles(config: PlacementConfig): Readonly<Record<string, PowerProfile>> {
  return { ...SPECPOWER_PROFILES, ...config.cpuFamilies };
}

export interface PodResourceRequest {
  cpuMillis: number;
  memoryBytes: number;
}

export interface EstimateModel {
  safetyFactor: number;
  memoryWattsPerGiB: number;
  /** Multiplier on the dynamic term for the workload's power class; 1 when absent. */
  classFactor?: number;
}

/**
 * Linear idle-to-full-load estimate of a pod's draw on a node of `nodeCpuMillis` CPUs with `profile`:
 *
 *   u     = min(1, cpuRequest / nodeCpu)
 *   watts = safetyFactor * (u * (full - idle) * classFactor + memoryGiB * memoryWattsPerGiB + u * idle)
 *
 * The last term charges the pod its CPU-proportional share of the node's idle draw, so a node whose CPUs are
 * fully requested is charged its whole full-load power. Rounded up to whole watts (extended resources are
 * integers) and at least 1 W: every running pod draws something.
 */
export function estimatePodWatts(request: PodResourceRequest, nodeCpuMillis: number, profile: PowerProfile, model: EstimateModel): number {
  if (!(nodeCpuMillis > 0)) throw new Error(`estimatePodWatts: node CPU must be positive, got ${nodeCpuMillis}m`);
  const u = Math.min(1, Math.max(0, request.cpuMillis) / nodeCpuMillis);
  const dynamic = u * (profile.fullLoadWatts - profile.idleWatts) * (model.classFactor ?? 1);
  const memory = (Math.max(0, request.memoryBytes) / GIB) * model.memoryWattsPerGiB;
  const idleShare = u * profile.idleWatts;
  return Math.max(1, Math.ceil(model.safetyFactor * (dynamic + memory + idleShare) - EPSILON));
}

export type PowerClass = 'low' | 'standard' | 'high';

/**
 * The estimate a pod's `power.musubi.dev/watts` request is set to before it is scheduled, against the
 * configured reference node shape (the node it will land on is not known yet).
 */
export function referenceEstimator(config: PlacementConfig): (request: PodResourceRequest, powerClass: PowerClass) => number {
  const profile = powerProfiles(config)[config.estimate.referenceCpuFamily];
  if (!profile) throw new Error(`placement.estimate.referenceCpuFamily: "${config.estimate.referenceCpuFamily}" has no power profile`);
  const nodeCpuMillis = Math.round(config.estimate.referenceNodeCpu * 1000);
  const { safetyFactor, memoryWattsPerGiB, powerClass: factors } = config.estimate;
  return (request, powerClass) => estimatePodWatts(request, nodeCpuMillis, profile, { safetyFactor, memoryWattsPerGiB, classFactor: factors[powerClass] });
}
