import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import {
  checkPlacement, computeShares, parsePlacementConfig, placementDefaults, planShareUpdates, podFit, rackBudgets, readCluster, renderPlacement, shareOptions,
  WATTS_RESOURCE, type PlacementConfig, type PlacementSnapshot, type RackSummary, type SnapshotNode, type SnapshotPod,
} from '../../placement/index.js';
import { seededPrng, type Prng } from '../../placement/prng.js';
import { ignoreNotFound, Manager, type KubeObject, type RestKubeClient } from '../../runtime/index.js';
import { eventually, testNamespace } from '../../runtime/testing/index.js';
import { setupPlacementController } from './controller.js';
import { RACK_SUMMARY_CONFIG_MAP } from './reconcile.js';

// Randomised, bounded scenarios against the real kube-scheduler: a seeded PRNG creates pods of random
// watts (some in spread groups), deletes some, shrinks and grows rack budgets (restarting the controller
// with the new configuration) and re-registers empty nodes. After every step, once the controller and the
// scheduler have settled, what the scheduler actually did is checked by the oracle (oracle.ts) and by
// rules re-derived here, independently of computeShares:
//   * per rack, the node shares fit the budget left after the idle draw of unrequested CPU (or, for a rack
//     whose bound pods already exceed that, every share equals what its pods request);
//   * no node's bound pods request more than its allocatable, of watts or anything else;
//   * pods of one spread group are spread across hosts with a skew of at most 1;
//   * a pod stays Pending only when every node has an obstacle for it (no node had room), one of them
//     missing watts when the scheduler says `Insufficient power.musubi.dev/watts`, and the controller
//     holds no reservation for it it could not use;
//   * nothing bound is ever evicted or moved.
// The seed is printed; MUSUBI_PLACEMENT_SEED=<seed> replays a run.

const SCENARIOS = 3;
const STEPS = 10;
const RACK_LABEL = 'topology.musubi.dev/rack';
const SUITE_LABEL = 'placement.musubi.dev/itest';
const GROUP_LABEL = 'placement.musubi.dev/spread-group';
const IDLE_WATTS = 117; // amd-epyc-9004
const NODE_CPU_MILLIS = 64_000;
const POD_CPU_MILLIS = 500;
const SETTLE_MS = 45_000;
const NODE = { apiVersion: 'v1', kind: 'Node' } as const;
const POD = { apiVersion: 'v1', kind: 'Pod' } as const;

const envSeed = Number(process.env.MUSUBI_PLACEMENT_SEED);
const SEED = Number.isInteger(envSeed) && envSeed > 0 ? envSeed : randomInt(1, 2 ** 31 - 1);

let client: RestKubeClient;
let namespace: string;
let cleanupNamespace: () => Promise<void>;

interface PodState {
  name: string;
  group?: string;
  watts: number;
  nodeName?: string;
  scheduled?: { status?: string; reason?: string; message?: string };
}

/** One scenario's racks, their pools (budget above the nodes' idle draw) and what the test did so far. */
class Scenario {
  readonly label: string;
  readonly racks: string[] = [];
  readonly rackOf = new Map<string, string>();
  readonly pools = new Map<string, number>();
  readonly history: string[] = [];
  private manager: Manager | undefined;
  private podCount = 0;

  constructor(readonly index: number, readonly seed: number, readonly rng: Prng) {
    this.label = `rs${seed.toString(36)}-${index}`;
    const rackCount = rng.int(2, 3);
    for (let r = 0; r < rackCount; r++) {
      const rack = `${this.label}-r${r}`;
      this.racks.push(rack);
      this.pools.set(rack, rng.int(300, 900));
      const nodes = rng.int(2, 4);
      for (let n = 0; n < nodes; n++) this.rackOf.set(`${rack}-n${n}`, rack);
    }
  }

  get nodeNames(): string[] {
    return [...this.rackOf.keys()];
  }

  nodesIn(rack: string): string[] {
    return this.nodeNames.filter((n) => this.rackOf.get(n) === rack);
  }

  /** Deliverable watts: the idle draw of the rack's nodes plus its pool. */
  budget(rack: string): number {
    return this.nodesIn(rack).length * IDLE_WATTS + (this.pools.get(rack) ?? 0);
  }

  config(): PlacementConfig {
    return parsePlacementConfig({
      nodeSelector: { matchLabels: { 'node.musubi.dev/class': 'orv3', [SUITE_LABEL]: this.label } },
      rackDefaults: { kva: 1, powerFactor: 1, rectifierEfficiency: 1, derating: 0, reserveWatts: 0 },
      racks: Object.fromEntries(this.racks.map((rack) => [rack, { kva: this.budget(rack) / 1000 }])),
      // Pools of a few hundred watts over a few nodes: the default 20 W tolerance would rarely rebalance.
      shares: { rebalanceToleranceWatts: 5 },
    });
  }

  nodeObject(name: string): KubeObject {
    const capacity = { cpu: String(NODE_CPU_MILLIS / 1000), memory: '256Gi', pods: '110' };
    return {
      apiVersion: 'v1', kind: 'Node',
      metadata: {
        name,
        labels: {
          [RACK_LABEL]: this.rackOf.get(name) ?? '', 'node.musubi.dev/class': 'orv3', 'node.musubi.dev/cpu-family': 'amd-epyc-9004',
          'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', type: 'kwok', [SUITE_LABEL]: this.label,
        },
        annotations: { 'kwok.x-k8s.io/node': 'fake' },
      },
      spec: {},
      status: { capacity, allocatable: capacity },
    } as KubeObject;
  }

  podObject(watts: number, group: string | undefined): KubeObject {
    const name = `${this.label}-p${this.podCount++}`;
    const selectorLabels = { [GROUP_LABEL]: group ? `${this.label}-${group}` : name };
    const rendered = renderPlacement({
      workload: 'connector',
      placement: { requireORv3: true },
      resources: { requests: { cpu: `${POD_CPU_MILLIS}m`, memory: '512Mi', [WATTS_RESOURCE]: String(watts) } },
      selectorLabels,
      defaults: placementDefaults(this.config(), true),
      estimateWatts: () => watts,
    });
    return {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name, namespace, labels: { ...selectorLabels, [SUITE_LABEL]: this.label }, annotations: rendered.annotations },
      spec: {
        affinity: rendered.affinity,
        topologySpreadConstraints: rendered.topologySpreadConstraints,
        terminationGracePeriodSeconds: 0,
        containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10', resources: rendered.resources }],
      },
    } as KubeObject;
  }

  async startController(): Promise<void> {
    const m = new Manager({ client, processMetrics: false });
    setupPlacementController(m, { client, placement: this.config(), namespace, events: m.eventRecorder('musubi.dev/operator') });
    await m.start();
    this.manager = m;
  }

  async stopController(): Promise<void> {
    await this.manager?.stop();
    this.manager = undefined;
  }

  async nodes(): Promise<KubeObject[]> {
    return (await client.list(NODE, { labelSelector: { matchLabels: { [SUITE_LABEL]: this.label } } })).items;
  }

  async podObjects(): Promise<KubeObject[]> {
    const pods = (await client.list(POD, { namespace, labelSelector: { matchLabels: { [SUITE_LABEL]: this.label } } })).items;
    return pods.filter((p) => !p.metadata.deletionTimestamp);
  }

  async pods(): Promise<PodState[]> {
    return (await this.podObjects()).map(podState);
  }
}

type PodShape = KubeObject & {
  spec?: { nodeName?: string; containers?: Array<{ resources?: { requests?: Record<string, string> } }> };
  status?: { conditions?: Array<{ type: string; status?: string; reason?: string; message?: string }> };
};

function podState(obj: KubeObject): PodState {
  const p = obj as PodShape;
  const group = p.metadata.labels?.[GROUP_LABEL];
  const state: PodState = { name: p.metadata.name ?? '', watts: Number(p.spec?.containers?.[0]?.resources?.requests?.[WATTS_RESOURCE] ?? 0) };
  if (group && group !== state.name) state.group = group;
  if (p.spec?.nodeName) state.nodeName = p.spec.nodeName;
  const scheduled = p.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled) state.scheduled = scheduled;
  return state;
}

function allocatable(node: KubeObject): Record<string, string> {
  return (node as { status?: { allocatable?: Record<string, string> } }).status?.allocatable ?? {};
}

const shareOf = (node: KubeObject): number | undefined => {
  const w = allocatable(node)[WATTS_RESOURCE];
  return w === undefined ? undefined : Number(w);
};

function snapshotOf(s: Scenario, nodes: readonly KubeObject[], pods: readonly PodState[], budgets: ReadonlyMap<string, number>): PlacementSnapshot {
  const snapshotNodes: SnapshotNode[] = nodes.map((n) => ({ name: n.metadata.name ?? '', labels: n.metadata.labels ?? {}, allocatable: allocatable(n) }));
  const snapshotPods: SnapshotPod[] = pods.map((p) => ({
    namespace, name: p.name,
    ...(p.nodeName ? { nodeName: p.nodeName } : {}),
    requests: { cpu: `${POD_CPU_MILLIS}m`, memory: '512Mi', [WATTS_RESOURCE]: String(p.watts) },
    ...(p.group ? { workload: p.group } : {}),
  }));
  // The required node affinity of every pod selects exactly this scenario's nodes.
  return { nodes: snapshotNodes, pods: snapshotPods, rackBudgets: budgets, spreadDomain: (n) => n.labels[SUITE_LABEL] === s.label };
}

/**
 * Waits until the controller has nothing left to patch and the scheduler has had its say: every pending
 * pod was tried and no node has room for it (if one had, the scheduler would bind it: keep waiting).
 */
async function settle(s: Scenario): Promise<{ nodes: KubeObject[]; pods: PodState[] }> {
  const config = s.config();
  return eventually(`scenario ${s.index} settled`, async () => {
    // Everything the controller reads (it sees all pods), so its next pass is what this one predicts.
    const [allNodes, allPods] = await Promise.all([client.list(NODE), client.list(POD)]);
    const cluster = readCluster(config, allNodes.items, allPods.items.filter((p) => !p.metadata.deletionTimestamp));
    const target = computeShares(rackBudgets(config), cluster.nodes, cluster.pods, shareOptions(config));
    const patches = planShareUpdates(new Map(cluster.nodes.map((n) => [n.name, n.currentShareWatts])), target.shares);
    if (patches.length > 0) throw new Error(`${patches.length} share patch(es) still to come, e.g. ${JSON.stringify(patches[0])}`);
    const nodes = allNodes.items.filter((n) => n.metadata.labels?.[SUITE_LABEL] === s.label);
    const pods = allPods.items.filter((p) => p.metadata.namespace === namespace && p.metadata.labels?.[SUITE_LABEL] === s.label && !p.metadata.deletionTimestamp).map(podState);
    const snapshot = snapshotOf(s, nodes, pods, new Map());
    for (const pod of pods.filter((p) => !p.nodeName)) {
      if (pod.scheduled?.status !== 'False') throw new Error(`pod ${pod.name} not tried by the scheduler yet`);
      const room = podFit(snapshot, snapshot.pods.find((p) => p.name === pod.name)!).filter((f) => f.obstacles.length === 0);
      if (room.length > 0) throw new Error(`pod ${pod.name} pending though ${room.map((f) => f.node).join(', ')} has room; the scheduler said "${pod.scheduled.message}"`);
    }
    return { nodes, pods };
  }, SETTLE_MS, 200);
}

/** Every rule, checked on a settled cluster: what is broken (each naming its subject) and the over-committed racks. */
async function check(
  s: Scenario, nodes: readonly KubeObject[], pods: readonly PodState[], boundBefore: ReadonlyMap<string, string>, deleted: ReadonlySet<string>,
): Promise<{ failures: string[]; overCommitted: Set<string> }> {
  const failures: string[] = [];
  const byName = new Map(nodes.map((n) => [n.metadata.name ?? '', n]));

  // The watts each rack may hand out as shares, re-derived here: its budget less the idle draw of the
  // CPU no pod requests (no pod in these scenarios runs unmetered).
  const cpuUsed = new Map<string, number>();
  const requested = new Map<string, number>();
  for (const p of pods) {
    if (!p.nodeName) continue;
    cpuUsed.set(p.nodeName, (cpuUsed.get(p.nodeName) ?? 0) + POD_CPU_MILLIS);
    requested.set(p.nodeName, (requested.get(p.nodeName) ?? 0) + p.watts);
  }
  const shareBudgets = new Map<string, number>();
  const overCommitted = new Set<string>();
  for (const rack of s.racks) {
    const idle = s.nodesIn(rack).reduce((w, n) => w + IDLE_WATTS * (1 - (cpuUsed.get(n) ?? 0) / NODE_CPU_MILLIS), 0);
    const pool = s.budget(rack) - Math.ceil(idle - 1e-9);
    const rackRequested = s.nodesIn(rack).reduce((w, n) => w + (requested.get(n) ?? 0), 0);
    if (rackRequested > pool) {
      // Only a shrunk budget gets here: nothing is evicted and every share is held at its pods' requests.
      overCommitted.add(rack);
      for (const n of s.nodesIn(rack)) {
        const node = byName.get(n);
        if (node && shareOf(node) !== (requested.get(n) ?? 0)) failures.push(`over-committed rack ${rack}: node ${n} share ${shareOf(node)} W != requested ${requested.get(n) ?? 0} W`);
      }
    } else {
      shareBudgets.set(rack, pool);
    }
  }
  const snapshot = snapshotOf(s, nodes, pods, shareBudgets);
  for (const v of checkPlacement(snapshot)) failures.push(`oracle ${v.rule}: ${v.message}`);
  for (const n of s.nodeNames) {
    const node = byName.get(n);
    if (!node) failures.push(`node ${n} is missing`);
    else if (shareOf(node) === undefined) failures.push(`node ${n} advertises no ${WATTS_RESOURCE}`);
  }

  // The controller's summary agrees on which racks are over-committed.
  const cm = await ignoreNotFound(client.get<KubeObject & { data?: Record<string, string> }>({ apiVersion: 'v1', kind: 'ConfigMap', namespace, name: RACK_SUMMARY_CONFIG_MAP }));
  const summaries = JSON.parse(cm?.data?.['racks.json'] ?? '[]') as RackSummary[];
  for (const rack of s.racks) {
    const summary = summaries.find((r) => r.rack === rack);
    if (!summary) failures.push(`rack ${rack} is missing from the summary ConfigMap`);
    else if (summary.overCommitted !== overCommitted.has(rack)) failures.push(`rack ${rack}: summary says overCommitted=${summary.overCommitted}, the rules say ${overCommitted.has(rack)}`);
  }

  // Pending pods: the scheduler's reason against the oracle, and no reservation the scheduler could not use.
  const config = s.config();
  const [allNodes, allPods] = await Promise.all([client.list(NODE), client.list(POD)]);
  const cluster = readCluster(config, allNodes.items, allPods.items.filter((p) => !p.metadata.deletionTimestamp));
  const unplaced = new Set(computeShares(rackBudgets(config), cluster.nodes, cluster.pods, shareOptions(config)).unplacedPods);
  for (const pod of pods.filter((p) => !p.nodeName)) {
    const fit = podFit(snapshot, snapshot.pods.find((p) => p.name === pod.name)!);
    const room = fit.filter((f) => f.obstacles.length === 0);
    if (room.length > 0) failures.push(`pod ${pod.name} (${pod.watts} W) is pending though ${room.map((f) => f.node).join(', ')} has room`);
    const message = pod.scheduled?.message ?? '';
    if (message.includes(`Insufficient ${WATTS_RESOURCE}`) && !fit.some((f) => f.obstacles.includes(`Insufficient ${WATTS_RESOURCE}`))) {
      failures.push(`pod ${pod.name}: the scheduler says "${message}" but every node has the ${pod.watts} W it needs`);
    }
    if (!unplaced.has(`${namespace}/${pod.name}`)) {
      failures.push(`pod ${pod.name} (${pod.watts} W) is pending on "${message}" while the controller holds a reservation for it: ${fit.map((f) => `${f.node}: ${f.obstacles.join('+') || 'room'}`).join('; ')}`);
    }
  }

  // Nothing bound is evicted or moved, whatever happened to the budgets.
  const now = new Map(pods.filter((p) => p.nodeName).map((p) => [p.name, p.nodeName ?? '']));
  for (const [pod, node] of boundBefore) {
    if (deleted.has(pod)) continue;
    if (now.get(pod) !== node) failures.push(`pod ${pod} was bound to ${node} and is now ${now.has(pod) ? `on ${now.get(pod)}` : pods.some((p) => p.name === pod) ? 'pending' : 'gone'}`);
  }
  return { failures, overCommitted };
}

async function runStep(s: Scenario, step: number, pods: readonly PodState[]): Promise<{ action: string; deleted: string[] }> {
  const rng = s.rng;
  const solo = pods.filter((p) => !p.group);
  const nodes = await s.nodes();
  const busy = new Set(pods.map((p) => p.nodeName).filter((n): n is string => !!n));
  const empty = nodes.map((n) => n.metadata.name ?? '').filter((n) => !busy.has(n));
  // Re-adding an empty host lowers every group's minimum to 0: only safe while no host holds two of a group.
  const perHost = new Map<string, number>();
  for (const p of pods) if (p.group && p.nodeName) perHost.set(`${p.group}@${p.nodeName}`, (perHost.get(`${p.group}@${p.nodeName}`) ?? 0) + 1);
  const reRegisterSafe = empty.length > 0 && [...perHost.values()].every((c) => c <= 1);

  const roll = rng.next();
  if (roll < 0.2 && solo.length > 0) {
    const victims = [...new Set(Array.from({ length: rng.int(1, 2) }, () => rng.pick(solo).name))];
    for (const name of victims) await client.delete({ ...POD, namespace, name }, { gracePeriodSeconds: 0 });
    return { action: `step ${step}: delete ${victims.join(', ')}`, deleted: victims };
  }
  if (roll < 0.4) {
    const rack = rng.pick(s.racks);
    const before = s.pools.get(rack) ?? 0;
    const after = rng.int(50, 1000);
    s.pools.set(rack, after);
    await s.stopController();
    await s.startController();
    return { action: `step ${step}: rack ${rack} pool ${before} -> ${after} W (budget ${s.budget(rack)} W), controller restarted`, deleted: [] };
  }
  if (roll < 0.5 && reRegisterSafe) {
    const name = rng.pick(empty);
    await client.delete({ ...NODE, name });
    await eventually(`node ${name} gone`, async () => ((await ignoreNotFound(client.get({ ...NODE, name }))) ? undefined : true), 30_000);
    await client.create(s.nodeObject(name));
    return { action: `step ${step}: re-register empty node ${name}`, deleted: [] };
  }
  const created: string[] = [];
  for (let i = rng.int(1, 4); i > 0; i--) {
    const watts = rng.int(30, 350);
    const group = rng.chance(0.5) ? rng.pick(['g0', 'g1']) : undefined;
    const pod = s.podObject(watts, group);
    await client.create(pod);
    created.push(`${pod.metadata.name}(${watts} W${group ? ` ${group}` : ''})`);
  }
  return { action: `step ${step}: create ${created.join(', ')}`, deleted: [] };
}

/** Runs one scenario; returns its history and what broke, empty when every step kept every rule. */
async function runScenario(index: number): Promise<string[]> {
  const seed = SEED + index;
  const s = new Scenario(index, seed, seededPrng(seed));
  s.history.push(`scenario ${index} (seed ${seed}): racks ${s.racks.map((r) => `${r} ${s.nodesIn(r).length} nodes pool ${s.pools.get(r)} W`).join('; ')}`);
  for (const name of s.nodeNames) await client.create(s.nodeObject(name));
  await s.startController();
  try {
    const broken = (what: string[]) => [`replay with MUSUBI_PLACEMENT_SEED=${SEED}\n${s.history.join('\n')}\n${what.join('\n')}`];
    let state = await settle(s);
    for (let step = 1; step <= STEPS; step++) {
      const boundBefore = new Map(state.pods.filter((p) => p.nodeName).map((p) => [p.name, p.nodeName ?? '']));
      const { action, deleted } = await runStep(s, step, state.pods);
      s.history.push(action);
      try {
        state = await settle(s);
      } catch (err) {
        return broken([(err as Error).message]);
      }
      const { failures, overCommitted } = await check(s, state.nodes, state.pods, boundBefore, new Set(deleted));
      const bound = state.pods.filter((p) => p.nodeName).length;
      s.history.push(`  settled: ${bound} bound, ${state.pods.length - bound} pending${overCommitted.size > 0 ? `; over-committed: ${[...overCommitted].join(', ')}` : ''}`);
      if (failures.length > 0) return broken(failures);
    }
  } finally {
    await s.stopController();
    for (const pod of await s.podObjects()) await ignoreNotFound(client.delete({ ...POD, namespace, name: pod.metadata.name ?? '' }, { gracePeriodSeconds: 0 }));
    for (const name of s.nodeNames) await ignoreNotFound(client.delete({ ...NODE, name }));
  }
  process.stdout.write(`${s.history.join('\n')}\n`);
  return [];
}

beforeAll(async () => {
  process.stdout.write(`placement randomised scenarios: seed ${SEED} (replay with MUSUBI_PLACEMENT_SEED=${SEED})\n`);
  ({ client, namespace, cleanup: cleanupNamespace } = await testNamespace('placement-random'));
}, 60_000);

afterAll(async () => {
  await cleanupNamespace?.();
}, 60_000);

test(`${SCENARIOS} random scenarios of ${STEPS} steps keep every placement rule on the real scheduler (seed ${SEED})`, async () => {
  const failures: string[] = [];
  for (let i = 0; i < SCENARIOS && failures.length === 0; i++) failures.push(...(await runScenario(i)));
  expect(failures).toEqual([]);
}, 300_000);
