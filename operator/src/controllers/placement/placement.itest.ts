import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import {
  checkPlacement, parsePlacementConfig, placementDefaults, rackBudgets, renderPlacement, WATTS_RESOURCE,
  type PlacementConfig, type PlacementProblem, type RackSummary, type SnapshotNode, type SnapshotPod,
} from '../../placement/index.js';
import { ignoreNotFound, Manager, type KubeObject, type RestKubeClient } from '../../runtime/index.js';
import { eventually, testNamespace } from '../../runtime/testing/index.js';
import { setupPlacementController } from './controller.js';
import { RACK_SUMMARY_CONFIG_MAP } from './reconcile.js';

// The placement controller against the real control plane: kube-scheduler binds pods to kwok nodes by the
// power.musubi.dev/watts shares the controller writes. 2 racks x 34 nodes, each rack's budget a few
// hundred watts above the idle draw of its nodes, so a handful of 200 W pods fill it.

const RACK_LABEL = 'topology.musubi.dev/rack';
const SUITE_LABEL = 'placement.musubi.dev/itest';
const KWOK_ANNOTATION = { 'kwok.x-k8s.io/node': 'fake' };
const NODES_PER_RACK = 34;
const IDLE_WATTS = 117; // amd-epyc-9004, the profile the nodes are labelled with
const POOL_WATTS = 700; // budget above the rack's idle baseline
const POD_WATTS = 200;
const NODE = { apiVersion: 'v1', kind: 'Node' } as const;
const POD = { apiVersion: 'v1', kind: 'Pod' } as const;

const suite = `pl${randomBytes(3).toString('hex')}`;
const racks = [`${suite}-rack-00`, `${suite}-rack-01`];
const nodeNames = racks.flatMap((rack) => Array.from({ length: NODES_PER_RACK }, (_, n) => `${rack}-node-${String(n).padStart(2, '0')}`));
const unlabelledNode = `${suite}-stray-node`;

let client: RestKubeClient;
let namespace: string;
let cleanupNamespace: () => Promise<void>;
let manager: Manager | undefined;

function config(rackOverrides: PlacementConfig['racks'] = {}): PlacementConfig {
  return parsePlacementConfig({
    // Only this suite's nodes: other suites may register ORv3 nodes in the same control plane.
    nodeSelector: { matchLabels: { 'node.musubi.dev/class': 'orv3', [SUITE_LABEL]: suite } },
    rackDefaults: { kva: (NODES_PER_RACK * IDLE_WATTS + POOL_WATTS) / 1000, powerFactor: 1, rectifierEfficiency: 1, derating: 0, reserveWatts: 0 },
    racks: rackOverrides,
    // The even level of a 700 W pool over 34 nodes is 20 W; the default 20 W tolerance would leave every share at 0.
    shares: { rebalanceToleranceWatts: 5 },
  });
}

function nodeObject(name: string, rack: string | undefined): KubeObject {
  const capacity = { cpu: '64', memory: '256Gi', pods: '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        ...(rack ? { [RACK_LABEL]: rack } : {}),
        'node.musubi.dev/class': 'orv3',
        'node.musubi.dev/cpu-family': 'amd-epyc-9004',
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        type: 'kwok',
        [SUITE_LABEL]: suite,
      },
      annotations: { ...KWOK_ANNOTATION },
    },
    spec: {},
    status: { capacity, allocatable: capacity },
  } as KubeObject;
}

async function startController(placement: PlacementConfig): Promise<void> {
  const m = new Manager({ client, processMetrics: false });
  setupPlacementController(m, { client, placement, namespace, events: m.eventRecorder('musubi.dev/operator') });
  await m.start();
  manager = m;
}

async function stopController(): Promise<void> {
  await manager?.stop();
  manager = undefined;
}

interface PodView {
  name: string;
  nodeName?: string;
  scheduledMessage?: string;
}

async function suiteNodes(): Promise<KubeObject[]> {
  return (await client.list(NODE, { labelSelector: { matchLabels: { [SUITE_LABEL]: suite } } })).items;
}

async function suitePods(): Promise<PodView[]> {
  const pods = (await client.list(POD, { namespace })).items as Array<KubeObject & { spec?: { nodeName?: string }; status?: { conditions?: Array<{ type: string; message?: string }> } }>;
  return pods.filter((p) => !p.metadata.deletionTimestamp).map((p) => {
    const view: PodView = { name: p.metadata.name ?? '' };
    if (p.spec?.nodeName) view.nodeName = p.spec.nodeName;
    const message = p.status?.conditions?.find((c) => c.type === 'PodScheduled')?.message;
    if (message) view.scheduledMessage = message;
    return view;
  });
}

function allocatableWatts(node: KubeObject): number | undefined {
  const value = (node as { status?: { allocatable?: Record<string, string> } }).status?.allocatable?.[WATTS_RESOURCE];
  return value === undefined ? undefined : Number(value);
}

async function summary(): Promise<{ racks: RackSummary[]; problems: PlacementProblem[] } | undefined> {
  const cm = await ignoreNotFound(client.get<KubeObject & { data?: Record<string, string> }>({ apiVersion: 'v1', kind: 'ConfigMap', namespace, name: RACK_SUMMARY_CONFIG_MAP }));
  if (!cm?.data?.['racks.json']) return undefined;
  return { racks: JSON.parse(cm.data['racks.json']) as RackSummary[], problems: JSON.parse(cm.data['problems.json'] ?? '[]') as PlacementProblem[] };
}

/** checkPlacement over this suite's nodes and pods, plus the per-rack share sums. */
async function snapshotCheck(placement: PlacementConfig) {
  const nodes = await suiteNodes();
  const podObjects = (await client.list(POD, { namespace })).items as Array<KubeObject & { spec: { nodeName?: string; containers: Array<{ resources?: { requests?: Record<string, string> } }> } }>;
  const snapshotNodes: SnapshotNode[] = nodes.map((n) => ({
    name: n.metadata.name ?? '',
    labels: n.metadata.labels ?? {},
    allocatable: (n as { status?: { allocatable?: Record<string, string> } }).status?.allocatable ?? {},
  }));
  const snapshotPods: SnapshotPod[] = podObjects.map((p) => ({
    namespace, name: p.metadata.name ?? '', ...(p.spec.nodeName ? { nodeName: p.spec.nodeName } : {}),
    requests: p.spec.containers[0]?.resources?.requests ?? {},
  }));
  const budgetOf = rackBudgets(placement);
  const violations = checkPlacement({ nodes: snapshotNodes, pods: snapshotPods, rackBudgets: new Map(racks.map((r) => [r, budgetOf(r)])) });
  const shareSums = new Map<string, number>();
  for (const n of nodes) {
    const rack = n.metadata.labels?.[RACK_LABEL];
    if (rack) shareSums.set(rack, (shareSums.get(rack) ?? 0) + (allocatableWatts(n) ?? 0));
  }
  return { violations, shareSums, nodes };
}

function podObject(name: string, placement: PlacementConfig, options: { watts?: number; preferredRacks?: string[] } = {}): KubeObject {
  const watts = options.watts ?? POD_WATTS;
  const rendered = renderPlacement({
    workload: 'connector',
    placement: { requireORv3: true, ...(options.preferredRacks ? { preferredRacks: options.preferredRacks } : {}) },
    resources: { requests: { cpu: '1', memory: '1Gi', [WATTS_RESOURCE]: String(watts) } },
    selectorLabels: { app: `${suite}-load` },
    defaults: placementDefaults(placement, true),
    estimateWatts: () => watts,
  });
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { app: `${suite}-load` }, annotations: rendered.annotations },
    spec: {
      affinity: rendered.affinity,
      topologySpreadConstraints: rendered.topologySpreadConstraints,
      terminationGracePeriodSeconds: 0,
      containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10', resources: rendered.resources }],
    },
  } as KubeObject;
}

beforeAll(async () => {
  ({ client, namespace, cleanup: cleanupNamespace } = await testNamespace('placement'));
  const all = [...racks.flatMap((rack, r) => nodeNames.slice(r * NODES_PER_RACK, (r + 1) * NODES_PER_RACK).map((n) => nodeObject(n, rack))), nodeObject(unlabelledNode, undefined)];
  for (let i = 0; i < all.length; i += 16) await Promise.all(all.slice(i, i + 16).map((n) => client.create(n)));
  await startController(config());
}, 120_000);

afterAll(async () => {
  await stopController();
  await cleanupNamespace?.();
  for (const name of [...nodeNames, unlabelledNode]) await ignoreNotFound(client.delete({ ...NODE, name }));
}, 120_000);

test('every ORv3 node gets a share, each rack\'s shares fit its budget, and headroom labels and the summary are written', async () => {
  const placement = config();
  const budget = rackBudgets(placement)(racks[0] ?? '');
  await eventually('shares on every rack node', async () => {
    const nodes = await suiteNodes();
    return nodes.filter((n) => n.metadata.name !== unlabelledNode).every((n) => (allocatableWatts(n) ?? 0) > 0 && n.metadata.labels?.['topology.musubi.dev/headroom']) ? true : undefined;
  }, 60_000);
  const { violations, shareSums } = await snapshotCheck(placement);
  expect(violations).toEqual([]);
  for (const rack of racks) {
    expect(shareSums.get(rack)).toBeLessThanOrEqual(budget - NODES_PER_RACK * IDLE_WATTS);
    expect(shareSums.get(rack)).toBeGreaterThan(0);
  }
  const s = await eventually('summary ConfigMap', summary);
  expect(s.racks.map((r) => r.rack)).toEqual(racks);
  for (const r of s.racks) expect(r).toMatchObject({ nodes: NODES_PER_RACK, budgetWatts: budget, requestedWatts: 0, overCommitted: false });
}, 90_000);

test('a node without the rack label is reported by name and label key, in the summary and as an Event', async () => {
  const s = await eventually('problem in summary', async () => (await summary())?.problems.some((p) => p.object === `Node ${unlabelledNode}`) ? summary() : undefined);
  const problem = s?.problems.find((p) => p.object === `Node ${unlabelledNode}`);
  expect(problem).toMatchObject({ reason: 'NodeMissingRackLabel', field: `metadata.labels.${RACK_LABEL}` });
  expect(problem?.message).toContain(unlabelledNode);
  expect(problem?.message).toContain(RACK_LABEL);
  const event = await eventually('NodeMissingRackLabel event', async () => {
    const events = (await client.list({ apiVersion: 'events.k8s.io/v1', kind: 'Event' }, { namespace: 'default' })).items as Array<KubeObject & { reason?: string; note?: string; regarding?: { name?: string } }>;
    return events.find((e) => e.reason === 'NodeMissingRackLabel' && e.regarding?.name === unlabelledNode);
  });
  expect(event.note).toContain(RACK_LABEL);
  const stray = (await suiteNodes()).find((n) => n.metadata.name === unlabelledNode);
  expect(stray && allocatableWatts(stray)).toBeUndefined();
}, 60_000);

test('a node deleted and re-created without its share gets it back, even after the others took its watts', async () => {
  const placement = config();
  const rack = racks[1] ?? '';
  const rackNodes = nodeNames.slice(NODES_PER_RACK);
  const node = rackNodes[5] ?? '';
  const shareOf = async (name: string) => {
    const n = await ignoreNotFound(client.get({ ...NODE, name }));
    return n ? allocatableWatts(n) : undefined;
  };
  await eventually('a share before', async () => ((await shareOf(node)) ?? 0) > 0 ? true : undefined, 30_000);
  await client.delete({ ...NODE, name: node });
  await eventually('node gone', async () => ((await ignoreNotFound(client.get({ ...NODE, name: node }))) ? undefined : true), 30_000);
  await eventually('the summary counts one node less', async () => ((await summary())?.racks.find((r) => r.rack === rack)?.nodes === NODES_PER_RACK - 1 ? true : undefined), 30_000);

  // While it is gone a pod takes the watts its idle draw and share left free, so on its return the other
  // nodes hold the whole pool and must give some back.
  const taker = podObject('taker', placement, { watts: POD_WATTS / 2, preferredRacks: [rack] });
  await client.create(taker);
  await eventually('the taker bound in the rack', async () => {
    const pod = (await suitePods()).find((p) => p.name === 'taker');
    return pod?.nodeName && rackNodes.includes(pod.nodeName) ? true : undefined;
  }, 60_000);

  await client.create(nodeObject(node, rack));
  expect(await shareOf(node)).toBeUndefined();
  const restored = await eventually('the re-registered node has a share again', async () => {
    const share = await shareOf(node);
    return share !== undefined && share > 0 ? share : undefined;
  }, 60_000);
  const pods = await suitePods();
  const peers = await Promise.all(rackNodes.filter((n) => n !== node && !pods.some((p) => p.nodeName === n)).map(shareOf));
  // As much as the other empty nodes of its rack, within the rebalance tolerance (5 W).
  expect(restored).toBeGreaterThanOrEqual(Math.min(...peers.map((w) => w ?? 0)) - 5);
  const { violations } = await snapshotCheck(placement);
  expect(violations).toEqual([]);
  const s = await eventually('summary after', async () => ((await summary())?.racks.find((r) => r.rack === rack)?.nodes === NODES_PER_RACK ? summary() : undefined));
  const after = s?.racks.find((r) => r.rack === rack);
  expect(after?.allocatedWatts).toBeLessThanOrEqual((after?.budgetWatts ?? 0) - (after?.baselineWatts ?? 0));

  await client.delete({ ...POD, namespace, name: 'taker' }, { gracePeriodSeconds: 0 });
  await eventually('taker gone', async () => ((await suitePods()).some((p) => p.name === 'taker') ? undefined : true), 30_000);
}, 180_000);

test('pods fill the racks up to their budgets; the rest stay Pending on Insufficient watts; deleting pods lets them schedule', async () => {
  const placement = config();
  // Each rack's pool (700 W, plus the idle watts the bound pods take over) holds 3 pods of 200 W: 6 of 8 fit.
  for (let i = 0; i < 8; i++) await client.create(podObject(`load-${i}`, placement));
  const settled = await eventually('6 pods bound and 2 pending on watts', async () => {
    const pods = await suitePods();
    const bound = pods.filter((p) => p.nodeName);
    const pending = pods.filter((p) => !p.nodeName && p.scheduledMessage?.includes(`Insufficient ${WATTS_RESOURCE}`));
    return bound.length === 6 && pending.length === 2 ? { bound, pending } : undefined;
  }, 90_000);
  const perRack = new Map<string, number>();
  for (const p of settled.bound) {
    const rack = p.nodeName?.slice(0, p.nodeName.indexOf('-node-')) ?? '';
    perRack.set(rack, (perRack.get(rack) ?? 0) + 1);
  }
  expect([...perRack.values()]).toEqual([3, 3]);
  const check = await snapshotCheck(placement);
  expect(check.violations).toEqual([]);
  const s = await eventually('summary shows the requests', async () => ((await summary())?.racks.every((r) => r.requestedWatts === 3 * POD_WATTS) ? summary() : undefined));
  for (const r of s?.racks ?? []) {
    expect(r.allocatedWatts).toBeLessThanOrEqual(r.budgetWatts - r.baselineWatts);
    expect(r.overCommitted).toBe(false);
  }

  // Still pending a while later: no share was raised past the budget to squeeze them in.
  const again = await suitePods();
  expect(again.filter((p) => !p.nodeName).map((p) => p.name).sort()).toEqual(settled.pending.map((p) => p.name).sort());

  const freed = settled.bound.slice(0, 2);
  for (const p of freed) await client.delete({ ...POD, namespace, name: p.name }, { gracePeriodSeconds: 0 });
  await eventually('the pending pods schedule once watts free up', async () => {
    const pods = await suitePods();
    return pods.length === 6 && pods.every((p) => p.nodeName) ? true : undefined;
  }, 90_000);
  expect((await snapshotCheck(placement)).violations).toEqual([]);
}, 240_000);

test('shrinking a rack\'s budget below what is requested raises RackOverCommitted and evicts nothing', async () => {
  const before = (await suitePods()).filter((p) => p.nodeName).map((p) => `${p.name}@${p.nodeName}`).sort();
  const shrunk = racks[0] ?? '';
  await stopController();
  // 100 W above the idle draw: less than the 600 W its three pods request.
  const placement = config({ [shrunk]: { kva: (NODES_PER_RACK * IDLE_WATTS + 100) / 1000 } });
  await startController(placement);
  const s = await eventually('rack over-committed in the summary', async () => ((await summary())?.racks.find((r) => r.rack === shrunk)?.overCommitted ? summary() : undefined), 60_000);
  const rack = s?.racks.find((r) => r.rack === shrunk);
  expect(rack?.condition).toMatchObject({ type: 'RackOverCommitted', status: 'True', reason: 'RequestsExceedBudget' });
  expect(s?.racks.find((r) => r.rack !== shrunk)?.overCommitted).toBe(false);
  const event = await eventually('RackOverCommitted warning', async () => {
    const events = (await client.list({ apiVersion: 'events.k8s.io/v1', kind: 'Event' }, { namespace })).items as Array<KubeObject & { type?: string; reason?: string; note?: string }>;
    return events.find((e) => e.type === 'Warning' && e.reason === 'RequestsExceedBudget' && e.note?.includes(shrunk));
  });
  expect(event.note).toContain('No pod is evicted');

  // Every node of the shrunk rack is held at what its pods request: no new metered pod lands there.
  await eventually('shares held at requests', async () => {
    const pods = await suitePods();
    const nodes = (await suiteNodes()).filter((n) => n.metadata.labels?.[RACK_LABEL] === shrunk);
    return nodes.every((n) => allocatableWatts(n) === POD_WATTS * pods.filter((p) => p.nodeName === n.metadata.name).length) ? true : undefined;
  });
  const after = (await suitePods()).filter((p) => p.nodeName).map((p) => `${p.name}@${p.nodeName}`).sort();
  expect(after).toEqual(before);
  const { violations } = await snapshotCheck(placement);
  expect(violations.map((v) => `${v.rule} ${v.subject}`)).toEqual([]);
}, 120_000);
