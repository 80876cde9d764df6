import { WATTS_RESOURCE } from './names.js';

// Turning target shares into node patches. The API server applies them one at a time and the scheduler can
// bind pods between any two, so the order matters: every share that shrinks is patched before any share
// grows. If the current shares of a rack fit its budget, so does the rack after every prefix of the plan —
// the sum only falls during the decreases (to the sum of min(current, target)) and then climbs to the
// target sum, which fits by construction.

export interface ShareUpdateStep {
  node: string;
  /** The share advertised before the step; absent when the node advertises none (it lost it). */
  fromWatts?: number;
  toWatts: number;
  change: 'decrease' | 'increase';
}

/** Ordered patches from `current` to `target`: all decreases, then all increases, each group in node-name order. */
export function planShareUpdates(current: ReadonlyMap<string, number | undefined>, target: ReadonlyMap<string, number>): ShareUpdateStep[] {
  const decreases: ShareUpdateStep[] = [];
  const increases: ShareUpdateStep[] = [];
  for (const [node, toWatts] of target) {
    const fromWatts = current.get(node);
    if (fromWatts === toWatts) continue;
    if (fromWatts === undefined) increases.push({ node, toWatts, change: 'increase' });
    else if (toWatts < fromWatts) decreases.push({ node, fromWatts, toWatts, change: 'decrease' });
    else increases.push({ node, fromWatts, toWatts, change: 'increase' });
  }
  const byNode = (a: ShareUpdateStep, b: ShareUpdateStep) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0);
  return [...decreases.sort(byNode), ...increases.sort(byNode)];
}

/**
 * The merge patch of a node's status subresource that sets its share. A kubelet derives allocatable from
 * capacity on its next status update; simulated nodes (kwok) have no kubelet, so both are written.
 */
export function shareCapacityPatch(watts: number): { status: { capacity: Record<string, string>; allocatable: Record<string, string> } } {
  if (!Number.isInteger(watts) || watts < 0) throw new Error(`shareCapacityPatch: a share must be a non-negative whole number of watts, got ${watts}`);
  const value = { [WATTS_RESOURCE]: String(watts) };
  return { status: { capacity: value, allocatable: { ...value } } };
}
