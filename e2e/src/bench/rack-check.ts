import {
  checkPlacement, estimatePodWatts, nodeFactsFromKube, parseQuantity, podFactsFromKube, podFit, rackBudgets, shareOptions, WATTS_RESOURCE,
  type NodeFacts, type PlacementConfig, type PlacementRule, type SnapshotNode, type SnapshotPod,
} from '@musubi/operator/placement';
import type { KubeObject } from '@musubi/operator/runtime';

// The benchmark's verdict on a cluster snapshot (nodes and pods as listed from the API server): the
// placement oracle's rules (rack requests and shares within the deliverable budget, no node over its
// allocatable, host spread within 1), plus the rule the shares exist for, which the oracle cannot see
// without the power profiles: a rack's shares added to the idle draw of its CPU no pod requests (and
// the estimates of pods that request no watts) stay within the rack's budget.

export type RackCheckRule = PlacementRule | 'RackDrawOverBudget';

export interface RackCheckViolation {
  rule: RackCheckRule;
  subject: string;
  message: string;
}

export interface RackPower {
  rack: string;
  nodes: number;
  budgetWatts: number;
  /** Idle draw of the CPU no pod requests, plus estimates of bound pods that request no watts. */
  baselineWatts: number;
  sharesWatts: number;
  requestedWatts: number;
}

export interface RackCheck {
  violations: RackCheckViolation[];
  racks: RackPower[];
}

interface NodeStatusShape {
  status?: { allocatable?: Record<string, string | number> };
}

const live = (pod: KubeObject): boolean => {
  const phase = (pod as { status?: { phase?: string } }).status?.phase;
  return !pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed';
};

interface Snapshot {
  facts: Map<string, NodeFacts>;
  nodes: Map<string, SnapshotNode>;
  pods: SnapshotPod[];
  cpuUsed: Map<string, number>;
  unmetered: Map<string, number>;
}

function snapshotOf(config: PlacementConfig, nodeObjects: readonly KubeObject[], podObjects: readonly KubeObject[], workloadOf: (pod: KubeObject) => string | undefined): Snapshot {
  const estimate = shareOptions(config).estimate;
  const snapshot: Snapshot = { facts: new Map(), nodes: new Map(), pods: [], cpuUsed: new Map(), unmetered: new Map() };
  for (const node of nodeObjects) {
    const f = nodeFactsFromKube(node, config).facts;
    if (!f) continue;
    snapshot.facts.set(f.name, f);
    snapshot.nodes.set(f.name, { name: f.name, labels: f.labels, allocatable: (node as NodeStatusShape).status?.allocatable ?? {} });
  }
  for (const pod of podObjects) {
    if (!live(pod)) continue;
    const p = podFactsFromKube(pod).facts;
    // Pods on nodes the operator does not manage draw nothing from a rack budget.
    if (!p || (p.nodeName !== undefined && !snapshot.facts.has(p.nodeName))) continue;
    const workload = workloadOf(pod);
    snapshot.pods.push({
      namespace: p.namespace,
      name: p.name,
      ...(p.nodeName !== undefined ? { nodeName: p.nodeName } : {}),
      requests: { cpu: `${p.cpuMillis}m`, memory: String(p.memoryBytes), ...(p.wattsRequest > 0 ? { [WATTS_RESOURCE]: String(p.wattsRequest) } : {}) },
      ...(workload !== undefined ? { workload } : {}),
    });
    const node = p.nodeName === undefined ? undefined : snapshot.facts.get(p.nodeName);
    if (node === undefined) continue;
    snapshot.cpuUsed.set(node.name, (snapshot.cpuUsed.get(node.name) ?? 0) + p.cpuMillis);
    if (p.wattsRequest === 0) snapshot.unmetered.set(node.name, (snapshot.unmetered.get(node.name) ?? 0) + estimatePodWatts(p, node.cpuMillis, node.profile, estimate));
  }
  return snapshot;
}

/**
 * Checks every managed (ORv3-class) node and the pods bound to them. `workloadOf` names the spread group
 * of a pod (pods of one group must keep a host skew of at most 1); pods without one are not spread-checked.
 */
export function checkRackBudgets(config: PlacementConfig, nodeObjects: readonly KubeObject[], podObjects: readonly KubeObject[], workloadOf: (pod: KubeObject) => string | undefined = () => undefined): RackCheck {
  const budgetOf = rackBudgets(config);
  const { facts, nodes: snapshotNodes, pods: snapshotPods, cpuUsed, unmetered } = snapshotOf(config, nodeObjects, podObjects, workloadOf);

  const racks = new Map<string, RackPower>();
  for (const node of facts.values()) {
    const rack = node.labels[config.rackLabel];
    if (rack === undefined || rack === '') continue;
    let r = racks.get(rack);
    if (!r) racks.set(rack, (r = { rack, nodes: 0, budgetWatts: budgetOf(rack), baselineWatts: 0, sharesWatts: 0, requestedWatts: 0 }));
    r.nodes++;
    const used = Math.min(1, (cpuUsed.get(node.name) ?? 0) / node.cpuMillis);
    r.baselineWatts += node.profile.idleWatts * (1 - used) + (unmetered.get(node.name) ?? 0);
    const share = snapshotNodes.get(node.name)?.allocatable[WATTS_RESOURCE];
    r.sharesWatts += share === undefined ? 0 : parseQuantity(share, `node ${node.name} status.allocatable["${WATTS_RESOURCE}"]`);
  }
  for (const pod of snapshotPods) {
    const rack = pod.nodeName === undefined ? undefined : facts.get(pod.nodeName)?.labels[config.rackLabel];
    const r = rack === undefined ? undefined : racks.get(rack);
    if (r) r.requestedWatts += Number(pod.requests[WATTS_RESOURCE] ?? 0);
  }

  const violations: RackCheckViolation[] = checkPlacement({
    nodes: [...snapshotNodes.values()],
    pods: snapshotPods,
    rackBudgets: new Map([...racks.values()].map((r) => [r.rack, r.budgetWatts])),
    rackLabel: config.rackLabel,
  });
  const sorted = [...racks.values()].sort((a, b) => (a.rack < b.rack ? -1 : a.rack > b.rack ? 1 : 0));
  for (const r of sorted) {
    // The model rounds the baseline up to whole watts; a fraction of a watt here is float noise, not a breach.
    if (r.sharesWatts + r.baselineWatts > r.budgetWatts + 1e-6) {
      violations.push({
        rule: 'RackDrawOverBudget',
        subject: r.rack,
        message: `rack ${r.rack}: node shares (${r.sharesWatts} W) plus the idle draw of CPU no pod requests and unmetered pods (${r.baselineWatts.toFixed(1)} W) come to ${(r.sharesWatts + r.baselineWatts).toFixed(1)} W, budget ${r.budgetWatts} W`,
      });
    }
  }
  return { violations, racks: sorted };
}

/**
 * Pending pods that the oracle says some managed node could take now (resources within what its bound pods
 * leave, host spread kept). Pods of one workload are alike, so one is asked per workload and the answer
 * counts for all of its pending pods. In a settled cluster this is 0.
 */
export function pendingPodsWithRoom(config: PlacementConfig, nodeObjects: readonly KubeObject[], podObjects: readonly KubeObject[], workloadOf: (pod: KubeObject) => string | undefined): number {
  const snapshot = snapshotOf(config, nodeObjects, podObjects, workloadOf);
  const placement = { nodes: [...snapshot.nodes.values()], pods: snapshot.pods, rackBudgets: new Map<string, number>(), rackLabel: config.rackLabel };
  const pendingBy = new Map<string, SnapshotPod[]>();
  for (const pod of snapshot.pods) {
    if (pod.nodeName !== undefined) continue;
    const key = pod.workload ?? `${pod.namespace}/${pod.name}`;
    let group = pendingBy.get(key);
    if (!group) pendingBy.set(key, (group = []));
    group.push(pod);
  }
  let withRoom = 0;
  for (const group of pendingBy.values()) {
    const fits = podFit(placement, group[0] as SnapshotPod).some((n) => n.obstacles.length === 0);
    if (fits) withRoom += group.length;
  }
  return withRoom;
}
