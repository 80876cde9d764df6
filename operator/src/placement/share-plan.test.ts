import { checkShareSequence } from './oracle.js';
import { planShareUpdates, shareCapacityPatch } from './share-plan.js';

test('decreases come first, then increases (restores included), each in node order; unchanged nodes are skipped', () => {
  const current = new Map<string, number | undefined>([['a', 300], ['b', 100], ['c', 250], ['d', undefined], ['e', 80]]);
  const target = new Map([['a', 200], ['b', 180], ['c', 150], ['d', 120], ['e', 80]]);
  expect(planShareUpdates(current, target)).toEqual([
    { node: 'a', fromWatts: 300, toWatts: 200, change: 'decrease' },
    { node: 'c', fromWatts: 250, toWatts: 150, change: 'decrease' },
    { node: 'b', fromWatts: 100, toWatts: 180, change: 'increase' },
    { node: 'd', toWatts: 120, change: 'increase' },
  ]);
});

test('every prefix of the plan keeps the rack within budget; growing first would not', () => {
  const current = new Map<string, number | undefined>([['a', 500], ['b', 100]]);
  const target = new Map([['a', 200], ['b', 400]]);
  const racks = new Map([['a', 'r'], ['b', 'r']]);
  const budget = new Map([['r', 600]]);
  expect(checkShareSequence(current, planShareUpdates(current, target), racks, budget)).toEqual([]);
  const growFirst = [
    { node: 'b', fromWatts: 100, toWatts: 400, change: 'increase' as const },
    { node: 'a', fromWatts: 500, toWatts: 200, change: 'decrease' as const },
  ];
  expect(checkShareSequence(current, growFirst, racks, budget)).toEqual([
    { rule: 'PlanPrefixOverBudget', subject: 'r', message: 'after step 1 (b 100 -> 400 W) rack r shares add up to 900 W, budget 600 W' },
  ]);
});

test('the node status patch writes the share as a whole number', () => {
  expect(shareCapacityPatch(197)).toEqual({ status: { capacity: { 'power.musubi.dev/watts': '197' }, allocatable: { 'power.musubi.dev/watts': '197' } } });
  expect(() => shareCapacityPatch(1.5)).toThrow('shareCapacityPatch: a share must be a non-negative whole number of watts, got 1.5');
});
