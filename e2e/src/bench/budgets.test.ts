import { deliverableWatts } from '@musubi/operator/placement';
import { rackCapacityPods, tightRackBudget } from './budgets.js';

test('the tight budget covers the idle draw of every node plus the asked share of the pods\' net draw', () => {
  // 5000 pods of 26 W and 2 of 64 CPUs on 30 racks of 34 nodes idling at 117 W: each pod takes over
  // 117 * 2/64 = 3.65625 W of idle draw, so its net draw is 22.34375 W.
  const budget = tightRackBudget({ pods: 5000, racks: 30, nodesPerRack: 34, wattsPerPod: 26, podCpuMillis: 2000, nodeCpuMillis: 64000, idleWatts: 117, fitFraction: 0.8 });
  const expected = Math.ceil(34 * 117 + 0.8 * (5000 / 30) * 22.34375);
  expect(deliverableWatts(budget)).toBe(expected);
  expect(budget).toMatchObject({ powerFactor: 1, rectifierEfficiency: 1, derating: 0, reserveWatts: 0 });
});

test('bad input names the field', () => {
  const ok = { pods: 10, racks: 1, nodesPerRack: 2, wattsPerPod: 26, podCpuMillis: 2000, nodeCpuMillis: 64000, idleWatts: 117, fitFraction: 0.5 };
  expect(() => tightRackBudget({ ...ok, fitFraction: 0 })).toThrow('fitFraction must be in (0, 1], got 0');
  expect(() => tightRackBudget({ ...ok, racks: 0 })).toThrow('racks must be positive, got 0');
});

test('rack capacity: power left over the idle draw per pod net draw, capped by CPU and pod slots', () => {
  const production = { racks: 30, nodesPerRack: 34, budgetWatts: 10679, idleWatts: 117, wattsPerPod: 26, podCpuMillis: 2000, nodeCpuMillis: 64000, maxPodsPerNode: 110 };
  // (10679 - 34 * 117) / 22.34375 = 299.9 pods per rack.
  expect(rackCapacityPods(production)).toBe(30 * 299);
  expect(rackCapacityPods({ ...production, racks: 2 })).toBe(598);
  // Two pod slots per node run out long before the power does; so do 4 pods of 16 CPUs on 64.
  expect(rackCapacityPods({ ...production, maxPodsPerNode: 2 })).toBe(30 * 34 * 2);
  expect(rackCapacityPods({ ...production, podCpuMillis: 16000, wattsPerPod: 30 })).toBe(30 * 34 * 4);
  expect(rackCapacityPods({ ...production, budgetWatts: 1000 })).toBe(0);
});
