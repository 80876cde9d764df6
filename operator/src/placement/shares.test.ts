import type { NodeFacts, PodFacts } from './facts.js';
import { planShareUpdates } from './share-plan.js';
import { computeShares } from './shares.js';

const EPYC = { idleWatts: 117, fullLoadWatts: 685 };
const RACK = 'topology.musubi.dev/rack';

function rackNodes(rack: string, count: number, current?: (i: number) => number | undefined): NodeFacts[] {
  return Array.from({ length: count }, (_, i) => {
    const node: NodeFacts = {
      name: `${rack}-node-${String(i).padStart(2, '0')}`,
      labels: { [RACK]: rack },
      cpuMillis: 64000,
      memoryBytes: 256 * 2 ** 30,
      profile: EPYC,
      schedulable: true,
    };
    const share = current?.(i);
    if (share !== undefined) node.currentShareWatts = share;
    return node;
  });
}

function bound(name: string, nodeName: string, watts: number, cpuMillis = 4000): PodFacts {
  return { namespace: 'ns', name, nodeName, wattsRequest: watts, cpuMillis, memoryBytes: 2 ** 30 };
}

function pending(name: string, watts: number, steer: Partial<Pick<PodFacts, 'preferredNode' | 'preferredRacks'>> = {}): PodFacts {
  return { namespace: 'ns', name, wattsRequest: watts, cpuMillis: 4000, memoryBytes: 2 ** 30, ...steer };
}

const sum = (values: Iterable<number>) => [...values].reduce((a, b) => a + b, 0);

test('an empty production rack: idle baseline off the top, the rest split evenly', () => {
  const result = computeShares(new Map([['r1', 10679]]), rackNodes('r1', 34), []);
  expect(result.errors).toEqual([]);
  const summary = result.racks[0];
  expect(summary).toMatchObject({ rack: 'r1', nodes: 34, budgetWatts: 10679, baselineWatts: 34 * 117, requestedWatts: 0, headroomWatts: 10679 - 3978 });
  // Even level floor(6701 / 34) = 197 for every node; 3 W stay unallocated.
  expect(new Set(result.shares.values())).toEqual(new Set([197]));
  expect(summary?.allocatedWatts).toBe(34 * 197);
  expect(summary?.unallocatedWatts).toBe(3);
  expect(summary?.condition).toMatchObject({ type: 'RackOverCommitted', status: 'False', reason: 'WithinBudget' });
});

test('recomputing from its own output changes nothing, so a steady cluster gets no patches', () => {
  const budgets = new Map([['r1', 10679], ['r2', 9000]]);
  const pods = [bound('a', 'r1-node-03', 120), bound('b', 'r2-node-00', 300), pending('c', 250), pending('d', 90, { preferredRacks: ['r2'] })];
  const first = computeShares(budgets, [...rackNodes('r1', 34), ...rackNodes('r2', 10)], pods);
  const again = computeShares(budgets, [...rackNodes('r1', 34, (i) => first.shares.get(`r1-node-${String(i).padStart(2, '0')}`)), ...rackNodes('r2', 10, (i) => first.shares.get(`r2-node-${String(i).padStart(2, '0')}`))], pods);
  expect(again.shares).toEqual(first.shares);
  const current = new Map([...first.shares].map(([n, w]) => [n, w as number | undefined]));
  expect(planShareUpdates(current, again.shares)).toEqual([]);
});

test('bound pods set each node\'s floor and their CPU leaves the idle baseline', () => {
  const nodes = rackNodes('r1', 4, () => 0);
  const pods = [bound('a', 'r1-node-00', 400, 32000), bound('b', 'r1-node-00', 100, 16000)];
  const result = computeShares(new Map([['r1', 2000]]), nodes, pods);
  // node-00 has 48 of 64 CPUs requested: a quarter of its idle stays in the baseline.
  expect(result.racks[0]?.baselineWatts).toBe(Math.ceil(117 * 0.25 + 3 * 117));
  expect(result.shares.get('r1-node-00')).toBeGreaterThanOrEqual(500);
  expect(sum(result.shares.values())).toBeLessThanOrEqual(2000 - (result.racks[0]?.baselineWatts ?? 0));
});

test('a pending pod steered to a node gets room there: the donors shrink before it grows', () => {
  // Everything is already handed out evenly (197 W each); the pod needs 450 W on node-05.
  const nodes = rackNodes('r1', 34, () => 197);
  const result = computeShares(new Map([['r1', 10679]]), nodes, [pending('big', 450, { preferredNode: 'r1-node-05' })]);
  expect(result.unplacedPods).toEqual([]);
  expect(result.shares.get('r1-node-05')).toBeGreaterThanOrEqual(450);
  expect(result.racks[0]?.reservedWatts).toBe(450);
  expect(sum(result.shares.values())).toBeLessThanOrEqual(10679 - 3978);

  const current = new Map(nodes.map((n) => [n.name, n.currentShareWatts]));
  const steps = planShareUpdates(current, result.shares);
  const firstIncrease = steps.findIndex((s) => s.change === 'increase');
  expect(steps[firstIncrease]).toMatchObject({ node: 'r1-node-05', change: 'increase' });
  expect(steps.slice(0, firstIncrease).every((s) => s.change === 'decrease')).toBe(true);
  expect(steps.slice(firstIncrease).every((s) => s.change === 'increase')).toBe(true);
});

test('a generic pending pod goes to the rack with the most headroom', () => {
  const nodes = [...rackNodes('r1', 4, () => 0), ...rackNodes('r2', 4, () => 0)];
  const pods = [bound('x', 'r1-node-00', 500)];
  const result = computeShares(new Map([['r1', 2000], ['r2', 2000]]), nodes, [...pods, pending('g', 300)]);
  expect(result.racks.find((r) => r.rack === 'r2')?.reservedWatts).toBe(300);
  expect(result.racks.find((r) => r.rack === 'r1')?.reservedWatts).toBe(0);
});

test('a pending pod no rack can hold is reported and takes nothing', () => {
  const result = computeShares(new Map([['r1', 1000]]), rackNodes('r1', 2, () => 0), [pending('huge', 5000)]);
  expect(result.unplacedPods).toEqual(['ns/huge']);
  expect(result.racks[0]?.reservedWatts).toBe(0);
});

test('a node that lost its share (re-registered with none) gets it back first', () => {
  const nodes = rackNodes('r1', 34, (i) => (i === 7 ? undefined : 197));
  const result = computeShares(new Map([['r1', 10679]]), nodes, []);
  expect(result.shares.get('r1-node-07')).toBe(197);
  const current = new Map(nodes.map((n) => [n.name, n.currentShareWatts]));
  expect(planShareUpdates(current, result.shares)).toEqual([{ node: 'r1-node-07', toWatts: 197, change: 'increase' }]);
});

test('a re-registered node gets its share back even when the other nodes hold the whole pool', () => {
  // While node-07 was gone its watts went to the others (203 W each); it re-registers with no share.
  const nodes = rackNodes('r1', 34, (i) => (i === 7 ? undefined : 203));
  const result = computeShares(new Map([['r1', 10679]]), nodes, []);
  expect(result.shares.get('r1-node-07')).toBe(197);
  expect(sum(result.shares.values())).toBeLessThanOrEqual(10679 - 34 * 117);
  for (const [node, share] of result.shares) if (node !== 'r1-node-07') expect(share).toBeGreaterThanOrEqual(197);
  // The donors shrink before the re-registered node grows, and the result is a fixed point.
  const current = new Map(nodes.map((n) => [n.name, n.currentShareWatts]));
  const steps = planShareUpdates(current, result.shares);
  expect(steps.at(-1)).toEqual({ node: 'r1-node-07', toWatts: 197, change: 'increase' });
  expect(steps.slice(0, -1).every((s) => s.change === 'decrease')).toBe(true);
  const settled = rackNodes('r1', 34, (i) => result.shares.get(`r1-node-${String(i).padStart(2, '0')}`));
  expect(planShareUpdates(new Map(settled.map((n) => [n.name, n.currentShareWatts])), computeShares(new Map([['r1', 10679]]), settled, []).shares)).toEqual([]);
});

test('a budget shrunk below what is requested evicts nothing: shares stay at requests and the rack says why', () => {
  const nodes = rackNodes('r1', 3, () => 600);
  const pods = [bound('a', 'r1-node-00', 500), bound('b', 'r1-node-01', 450), bound('c', 'r1-node-02', 300)];
  const result = computeShares(new Map([['r1', 1200]]), nodes, pods);
  expect(Object.fromEntries(result.shares)).toEqual({ 'r1-node-00': 500, 'r1-node-01': 450, 'r1-node-02': 300 });
  const summary = result.racks[0];
  expect(summary?.overCommitted).toBe(true);
  expect(summary?.condition).toMatchObject({ type: 'RackOverCommitted', status: 'True', reason: 'RequestsExceedBudget' });
  expect(summary?.condition.message).toMatch(/^Rack r1 is over-committed: pods request 1,250 W .* but the rack delivers 1,200 W\. No pod is evicted; .* raise its budget under placement\.racks\.r1\.$/);
});

test('a node without the rack label is an error naming the node and the key; the others still get shares', () => {
  const orphan: NodeFacts = { name: 'lost-node', labels: {}, cpuMillis: 64000, memoryBytes: 0, profile: EPYC, schedulable: true };
  const result = computeShares(new Map([['r1', 2000]]), [...rackNodes('r1', 2), orphan], []);
  expect(result.errors).toEqual([{
    reason: 'NodeMissingRackLabel',
    object: 'Node lost-node',
    field: `metadata.labels.${RACK}`,
    message: `Node lost-node is ORv3-class but has no ${RACK} label; label it with its rack (kubectl label node lost-node ${RACK}=<rack>) so its power share can be computed`,
  }]);
  expect(result.shares.has('lost-node')).toBe(false);
  expect(result.shares.size).toBe(2);
});

test('a rack without a budget is reported and its nodes are left alone', () => {
  const result = computeShares(new Map(), rackNodes('r9', 2), []);
  expect(result.errors[0]).toMatchObject({ reason: 'RackWithoutBudget', object: 'Rack r9' });
  expect(result.shares.size).toBe(0);
});

test('cordoned nodes keep what their pods request and donate the rest', () => {
  const nodes = rackNodes('r1', 3, () => 300);
  (nodes[0] as NodeFacts).schedulable = false;
  const result = computeShares(new Map([['r1', 1300]]), nodes, [bound('a', 'r1-node-00', 100)]);
  expect(result.shares.get('r1-node-00')).toBe(100);
  expect(result.racks[0]?.schedulableNodes).toBe(2);
});

test('pods that request no watts are charged to the rack baseline by estimate', () => {
  const nodes = rackNodes('r1', 2, () => 0);
  const unmetered: PodFacts = { namespace: 'ns', name: 'u', nodeName: 'r1-node-00', wattsRequest: 0, cpuMillis: 16000, memoryBytes: 0 };
  const result = computeShares(new Map([['r1', 2000]]), nodes, [unmetered]);
  // Estimate: 1.1 * (0.25*568 + 0.25*117) = 188.375 -> 189; idle left: 0.75*117 + 117.
  expect(result.racks[0]?.unmeteredWatts).toBe(189);
  expect(result.racks[0]?.baselineWatts).toBe(Math.ceil(189 + 0.75 * 117 + 117));
});

test('share options come from the placement configuration', async () => {
  const { parsePlacementConfig } = await import('./config.js');
  const { shareOptions } = await import('./shares.js');
  expect(shareOptions(parsePlacementConfig({ rackLabel: 'example.com/rack', estimate: { safetyFactor: 1.25 } }))).toEqual({
    rackLabel: 'example.com/rack',
    estimate: { safetyFactor: 1.25, memoryWattsPerGiB: 0.392 },
    rebalanceToleranceWatts: 20,
  });
});

test('a node reporting no CPU is reported and left alone instead of dividing by zero', () => {
  const broken: NodeFacts = { name: 'zero', labels: { [RACK]: 'r1' }, cpuMillis: 0, memoryBytes: 0, profile: EPYC, schedulable: true };
  const result = computeShares(new Map([['r1', 2000]]), [broken, ...rackNodes('r1', 1)], []);
  expect(result.errors.map((e) => e.reason)).toEqual(['InvalidNodeResources']);
  expect(result.shares.has('zero')).toBe(false);
  expect(result.shares.has('r1-node-00')).toBe(true);
});
