// Benchmark (not a test): recomputing every share for 10,030 nodes (295 ORv3 racks of 34) with 20,000 pods,
// against a baseline that only sums requests per rack, measured in the same run.
// Run: npx tsc -b operator && node operator/dist/placement/bench.js [runs]

import type { NodeFacts, PodFacts } from './facts.js';
import { seededPrng } from './prng.js';
import { SPECPOWER_PROFILES } from './power-profiles.js';
import { planShareUpdates } from './share-plan.js';
import { computeShares } from './shares.js';

const RACKS = 295;
const NODES_PER_RACK = 34;
const PODS = 20_000;
const PENDING = 1_000;
const TARGET_MS = 50;
const RACK_LABEL = 'topology.musubi.dev/rack';

const runs = Math.max(3, Math.min(200, Number(process.argv[2] ?? 21) || 21));
const rng = seededPrng(20260101);
const families = Object.values(SPECPOWER_PROFILES).map(({ idleWatts, fullLoadWatts }) => ({ idleWatts, fullLoadWatts }));

const budgets = new Map<string, number>();
const nodes: NodeFacts[] = [];
for (let r = 0; r < RACKS; r++) {
  const rack = `orv3-rack-${String(r).padStart(3, '0')}`;
  budgets.set(rack, 10_679);
  const profile = families[r % families.length] ?? { idleWatts: 117, fullLoadWatts: 685 };
  for (let n = 0; n < NODES_PER_RACK; n++) {
    nodes.push({
      name: `${rack}-node-${String(n).padStart(2, '0')}`,
      labels: { [RACK_LABEL]: rack, 'node.musubi.dev/class': 'orv3' },
      cpuMillis: 64_000,
      memoryBytes: 256 * 2 ** 30,
      profile,
      schedulable: true,
    });
  }
}

const pods: PodFacts[] = [];
for (let p = 0; p < PODS; p++) {
  const cpu = rng.pick([250, 500, 1000, 2000, 4000]);
  const pod: PodFacts = { namespace: `tenant-${p % 97}`, name: `pod-${p}`, wattsRequest: Math.ceil(cpu / 64) + rng.int(5, 25), cpuMillis: cpu, memoryBytes: rng.pick([1, 2, 4, 8]) * 2 ** 30 };
  if (p < PODS - PENDING) pod.nodeName = rng.pick(nodes).name;
  else if (p % 3 === 0) pod.preferredNode = rng.pick(nodes).name;
  else if (p % 3 === 1) pod.preferredRacks = [`orv3-rack-${String(rng.int(0, RACKS - 1)).padStart(3, '0')}`];
  pods.push(pod);
}

// Start from the steady state the operator would have reached, then disturb it the way a cluster does:
// some nodes re-register without a share, some racks lose budget.
const settled = computeShares(budgets, nodes, pods, { rackLabel: RACK_LABEL });
for (const node of nodes) {
  const share = settled.shares.get(node.name);
  if (share !== undefined && !rng.chance(0.01)) node.currentShareWatts = share;
}
for (let r = 0; r < RACKS; r += 17) budgets.set(`orv3-rack-${String(r).padStart(3, '0')}`, 9_000);

function baseline(): number {
  // What any recomputation has to do at least: find each pod's rack and add up its request.
  const rackOfNode = new Map<string, string>();
  for (const node of nodes) rackOfNode.set(node.name, node.labels[RACK_LABEL] ?? '');
  const perRack = new Map<string, number>();
  for (const pod of pods) {
    if (pod.nodeName === undefined) continue;
    const rack = rackOfNode.get(pod.nodeName);
    if (rack !== undefined) perRack.set(rack, (perRack.get(rack) ?? 0) + pod.wattsRequest);
  }
  return perRack.size;
}

function recompute(): number {
  const result = computeShares(budgets, nodes, pods, { rackLabel: RACK_LABEL });
  const current = new Map(nodes.map((n) => [n.name, n.currentShareWatts]));
  return planShareUpdates(current, result.shares).length;
}

function time(fn: () => number): { samples: number[]; last: number } {
  let last = 0;
  for (let i = 0; i < 3; i++) last = fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    last = fn();
    samples.push(performance.now() - start);
  }
  return { samples, last };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
const fmt = (ms: number) => `${ms.toFixed(2)} ms`;

// Same process, same data: the baseline first, then the full recomputation.
const base = time(baseline);
const full = time(recompute);
const result = computeShares(budgets, nodes, pods, { rackLabel: RACK_LABEL });

console.log(`placement bench: ${nodes.length} nodes in ${RACKS} racks, ${pods.length} pods (${PENDING} pending), ${runs} runs after 3 warm-up runs, Node ${process.version}`);
console.log(`  baseline (sum requests per rack):        median ${fmt(median(base.samples))}  min ${fmt(Math.min(...base.samples))}  max ${fmt(Math.max(...base.samples))}`);
console.log(`  computeShares + planShareUpdates:        median ${fmt(median(full.samples))}  min ${fmt(Math.min(...full.samples))}  max ${fmt(Math.max(...full.samples))}`);
console.log(`  ratio to baseline:                       ${(median(full.samples) / median(base.samples)).toFixed(1)}x`);
console.log(`  patches planned: ${full.last}; pending pods given room: ${PENDING - result.unplacedPods.length}; over-committed racks: ${result.racks.filter((r) => r.overCommitted).length}`);
const ok = median(full.samples) < TARGET_MS;
console.log(`  target < ${TARGET_MS} ms: ${ok ? 'met' : 'MISSED'}`);
process.exitCode = ok ? 0 : 1;
