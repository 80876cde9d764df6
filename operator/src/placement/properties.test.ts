import type { NodeFacts, PodFacts } from './facts.js';
import { checkPlacement, checkShareSequence } from './oracle.js';
import { seededPrng, type Prng } from './prng.js';
import { SPECPOWER_PROFILES } from './power-profiles.js';
import { planShareUpdates } from './share-plan.js';
import { computeShares, type ShareResult } from './shares.js';

// Randomised, bounded checks of computeShares + planShareUpdates against the invariants in docs/placement.md.
// Each case is built from its seed; a failure prints the seed so the case can be replayed alone.

const RACK = 'topology.musubi.dev/rack';
const ITERATIONS = 300;
const profiles = Object.values(SPECPOWER_PROFILES).map(({ idleWatts, fullLoadWatts }) => ({ idleWatts, fullLoadWatts }));

interface Cluster {
  budgets: Map<string, number>;
  nodes: NodeFacts[];
  pods: PodFacts[];
}

function randomCluster(rng: Prng): Cluster {
  const rackCount = rng.int(1, 5);
  const budgets = new Map<string, number>();
  const nodes: NodeFacts[] = [];
  for (let r = 0; r < rackCount; r++) {
    const rack = `rack-${r}`;
    // Now and then a rack has no budget, to exercise the error path.
    if (!rng.chance(0.05)) budgets.set(rack, rng.int(0, 7000));
    const count = rng.int(1, 12);
    for (let n = 0; n < count; n++) {
      const node: NodeFacts = {
        name: `${rack}-n${n}`,
        labels: rng.chance(0.03) ? {} : { [RACK]: rack },
        cpuMillis: rng.pick([16000, 32000, 64000, 128000]),
        memoryBytes: rng.pick([0, 64, 256]) * 2 ** 30,
        profile: rng.pick(profiles),
        schedulable: !rng.chance(0.1),
      };
      if (!rng.chance(0.15)) node.currentShareWatts = rng.chance(0.1) ? 0 : rng.int(0, 900);
      nodes.push(node);
    }
  }
  const pods: PodFacts[] = [];
  const cpuLeft = new Map(nodes.map((n) => [n.name, n.cpuMillis]));
  const podCount = rng.int(0, 60);
  for (let p = 0; p < podCount; p++) {
    const pod: PodFacts = {
      namespace: 'ns',
      name: `pod-${p}`,
      wattsRequest: rng.chance(0.1) ? 0 : rng.int(1, 400),
      cpuMillis: rng.int(0, 16000),
      memoryBytes: rng.int(0, 32) * 2 ** 30,
    };
    if (rng.chance(0.7)) {
      // Bound pods respect CPU (the scheduler did) but not the current shares (budgets may have shrunk since).
      const node = rng.pick(nodes);
      const left = cpuLeft.get(node.name) ?? 0;
      if (left >= pod.cpuMillis) {
        cpuLeft.set(node.name, left - pod.cpuMillis);
        pod.nodeName = node.name;
      }
    }
    if (pod.nodeName === undefined) {
      const steer = rng.int(0, 3);
      if (steer === 0) pod.preferredNode = rng.chance(0.9) ? rng.pick(nodes).name : 'no-such-node';
      if (steer === 1) pod.preferredRacks = [`rack-${rng.int(0, rackCount)}`, `rack-${rng.int(0, rackCount - 1)}`];
    }
    pods.push(pod);
  }
  return { budgets, nodes, pods };
}

function floors(cluster: Cluster): Map<string, number> {
  const floor = new Map<string, number>();
  for (const pod of cluster.pods) {
    if (pod.nodeName !== undefined) floor.set(pod.nodeName, (floor.get(pod.nodeName) ?? 0) + pod.wattsRequest);
  }
  return floor;
}

function checkInvariants(seed: number, cluster: Cluster, result: ShareResult): string[] {
  const failures: string[] = [];
  const fail = (msg: string) => failures.push(`seed ${seed}: ${msg}`);
  const floor = floors(cluster);
  const pools = new Map<string, number>();
  for (const rack of result.racks) {
    const pool = rack.budgetWatts - rack.baselineWatts;
    pools.set(rack.rack, pool);
    let allocated = 0;
    let spare = 0;
    for (const node of cluster.nodes) {
      if (result.nodeRacks.get(node.name) !== rack.rack) continue;
      const share = result.shares.get(node.name) ?? NaN;
      const f = floor.get(node.name) ?? 0;
      allocated += share;
      spare += share - f;
      if (!Number.isInteger(share) || share < 0) fail(`${node.name}: share ${share} is not a non-negative integer`);
      // (b) a share never drops below what bound pods request
      if (share < f) fail(`${node.name}: share ${share} below requested ${f}`);
      if (rack.overCommitted && share !== f) fail(`${node.name}: over-committed rack but share ${share} != requested ${f}`);
      if (!node.schedulable && share !== f) fail(`${node.name}: unschedulable but share ${share} != requested ${f}`);
    }
    if (allocated !== rack.allocatedWatts) fail(`${rack.rack}: summary allocated ${rack.allocatedWatts} != ${allocated}`);
    if (rack.overCommitted !== rack.requestedWatts > pool) fail(`${rack.rack}: overCommitted flag wrong`);
    if (rack.overCommitted !== (rack.condition.status === 'True')) fail(`${rack.rack}: condition disagrees with the flag`);
    // (a) shares never add up to more than the rack can deliver after its baseline
    if (!rack.overCommitted && allocated > pool) fail(`${rack.rack}: shares ${allocated} > pool ${pool}`);
    if (!rack.overCommitted && spare < rack.reservedWatts) fail(`${rack.rack}: free share ${spare} < reserved ${rack.reservedWatts}`);
    if (!rack.overCommitted && rack.requestedWatts + rack.reservedWatts > pool) fail(`${rack.rack}: reservations exceed the pool`);
  }

  for (const node of cluster.nodes) {
    const rack = node.labels[RACK];
    const expected = rack !== undefined && cluster.budgets.has(rack);
    if (result.shares.has(node.name) !== expected) fail(`${node.name}: share present=${result.shares.has(node.name)}, expected ${expected}`);
    if (rack === undefined && !result.errors.some((e) => e.reason === 'NodeMissingRackLabel' && e.object === `Node ${node.name}`)) {
      fail(`${node.name}: missing rack label not reported`);
    }
  }

  const pendingWatts = cluster.pods.filter((p) => p.nodeName === undefined && p.wattsRequest > 0);
  const unplaced = new Set(result.unplacedPods);
  const reserved = result.racks.reduce((n, r) => n + r.reservedWatts, 0);
  const placedWatts = pendingWatts.filter((p) => !unplaced.has(`ns/${p.name}`)).reduce((n, p) => n + p.wattsRequest, 0);
  if (reserved !== placedWatts) fail(`reserved ${reserved} W != watts of pending pods given room ${placedWatts} W`);

  // The plan: decreases first, the target reached, and no prefix pushes a fitting rack over its pool.
  const current = new Map(cluster.nodes.map((n) => [n.name, n.currentShareWatts]));
  const steps = planShareUpdates(current, result.shares);
  const firstIncrease = steps.findIndex((s) => s.change === 'increase');
  if (firstIncrease >= 0 && steps.slice(firstIncrease).some((s) => s.change === 'decrease')) fail('a decrease follows an increase');
  const applied = new Map(current);
  for (const step of steps) applied.set(step.node, step.toWatts);
  for (const [node, share] of result.shares) if (applied.get(node) !== share) fail(`${node}: plan ends at ${applied.get(node)}, target ${share}`);
  const fitting = new Map([...pools].filter(([rack]) => !result.racks.find((r) => r.rack === rack)?.overCommitted));
  for (const v of checkShareSequence(current, steps, result.nodeRacks, fitting)) fail(v.message);

  // The independent oracle over the resulting cluster.
  const violations = checkPlacement({
    nodes: cluster.nodes.map((n) => ({
      name: n.name,
      labels: n.labels,
      allocatable: { cpu: `${n.cpuMillis}m`, ...(result.shares.has(n.name) ? { 'power.musubi.dev/watts': String(result.shares.get(n.name)) } : {}) },
    })),
    pods: cluster.pods.map((p) => ({
      namespace: p.namespace,
      name: p.name,
      ...(p.nodeName !== undefined ? { nodeName: p.nodeName } : {}),
      requests: { cpu: `${p.cpuMillis}m`, ...(p.wattsRequest > 0 ? { 'power.musubi.dev/watts': String(p.wattsRequest) } : {}) },
    })),
    rackBudgets: fitting,
  });
  const unexpected = violations.filter((v) => !(v.rule === 'NodeOverAllocatable' && !result.shares.has(v.subject)));
  for (const v of unexpected) fail(`oracle: ${v.rule} ${v.message}`);
  return failures;
}

test(`computeShares and planShareUpdates keep the invariants on ${ITERATIONS} random clusters`, () => {
  const failures: string[] = [];
  for (let seed = 1; seed <= ITERATIONS && failures.length === 0; seed++) {
    const cluster = randomCluster(seededPrng(seed));
    failures.push(...checkInvariants(seed, cluster, computeShares(cluster.budgets, cluster.nodes, cluster.pods)));
  }
  expect(failures).toEqual([]);
});

test(`a recomputation from its own output is a fixed point on ${ITERATIONS} random clusters`, () => {
  const failures: string[] = [];
  for (let seed = 1; seed <= ITERATIONS && failures.length === 0; seed++) {
    const cluster = randomCluster(seededPrng(seed));
    const first = computeShares(cluster.budgets, cluster.nodes, cluster.pods);
    const settled = cluster.nodes.map((n) => {
      const share = first.shares.get(n.name);
      const copy: NodeFacts = { ...n };
      if (share !== undefined) copy.currentShareWatts = share;
      return copy;
    });
    const second = computeShares(cluster.budgets, settled, cluster.pods);
    const steps = planShareUpdates(new Map(settled.map((n) => [n.name, n.currentShareWatts])), second.shares);
    if (steps.length > 0) failures.push(`seed ${seed}: ${steps.length} patches after settling, first ${JSON.stringify(steps[0])}`);
  }
  expect(failures).toEqual([]);
});
