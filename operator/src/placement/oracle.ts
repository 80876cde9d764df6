import { HOSTNAME_LABEL, WATTS_RESOURCE } from './names.js';
import { parseQuantity } from './quantity.js';
import type { ShareUpdateStep } from './share-plan.js';

// An independent check of a placement, written from the rules rather than from computeShares: given what the
// cluster looks like (nodes with labels and allocatable, pods with their node and requests, rack budgets) it
// lists every broken rule. Tests run it against computeShares' output; an e2e run can run it against a
// cluster snapshot.

export interface SnapshotNode {
  name: string;
  labels: Readonly<Record<string, string>>;
  /** As in status.allocatable, including power.musubi.dev/watts (the node's share). */
  allocatable: Readonly<Record<string, string | number>>;
}

export interface SnapshotPod {
  namespace: string;
  name: string;
  nodeName?: string;
  /** Effective requests, as the scheduler counts them. */
  requests: Readonly<Record<string, string | number>>;
  /** Pods with the same workload must be spread across hosts with a skew of at most 1. */
  workload?: string;
}

export interface PlacementSnapshot {
  nodes: readonly SnapshotNode[];
  pods: readonly SnapshotPod[];
  /** Watts each rack's shares and requests must fit in. */
  rackBudgets: ReadonlyMap<string, number>;
  rackLabel?: string;
  /** Nodes a workload may be spread over; all nodes when absent. */
  spreadDomain?: (node: SnapshotNode) => boolean;
}

export type PlacementRule = 'RackRequestsOverBudget' | 'RackSharesOverBudget' | 'NodeOverAllocatable' | 'PodOnUnknownNode' | 'HostSpreadSkew' | 'PlanPrefixOverBudget';

export interface PlacementViolation {
  rule: PlacementRule;
  /** The rack, node, pod or workload the rule is broken for. */
  subject: string;
  message: string;
}

export function checkPlacement(snapshot: PlacementSnapshot): PlacementViolation[] {
  const rackLabel = snapshot.rackLabel ?? 'topology.musubi.dev/rack';
  const violations: PlacementViolation[] = [];
  const nodes = new Map(snapshot.nodes.map((n) => [n.name, n]));

  const used = new Map<string, Map<string, number>>();
  for (const pod of snapshot.pods) {
    if (pod.nodeName === undefined) continue;
    if (!nodes.has(pod.nodeName)) {
      violations.push({ rule: 'PodOnUnknownNode', subject: `${pod.namespace}/${pod.name}`, message: `pod ${pod.namespace}/${pod.name} is bound to node ${pod.nodeName}, which the snapshot does not have` });
      continue;
    }
    let perNode = used.get(pod.nodeName);
    if (!perNode) used.set(pod.nodeName, (perNode = new Map()));
    for (const [resource, q] of Object.entries(pod.requests)) {
      perNode.set(resource, (perNode.get(resource) ?? 0) + parseQuantity(q, `pod ${pod.namespace}/${pod.name} requests.${resource}`));
    }
  }

  const rackRequested = new Map<string, number>();
  const rackShares = new Map<string, number>();
  for (const node of snapshot.nodes) {
    const perNode = used.get(node.name);
    for (const [resource, amount] of perNode ?? []) {
      const raw = node.allocatable[resource];
      const allocatable = raw === undefined ? 0 : parseQuantity(raw, `node ${node.name} allocatable.${resource}`);
      // A millicore of rounding must not read as an overcommit.
      if (amount > allocatable + 1e-9) {
        violations.push({ rule: 'NodeOverAllocatable', subject: node.name, message: `node ${node.name}: pods request ${amount} of ${resource} but ${allocatable} is allocatable` });
      }
    }
    const rack = node.labels[rackLabel];
    if (rack === undefined) continue;
    rackRequested.set(rack, (rackRequested.get(rack) ?? 0) + (perNode?.get(WATTS_RESOURCE) ?? 0));
    const share = node.allocatable[WATTS_RESOURCE];
    rackShares.set(rack, (rackShares.get(rack) ?? 0) + (share === undefined ? 0 : parseQuantity(share, `node ${node.name} allocatable.${WATTS_RESOURCE}`)));
  }
  for (const [rack, budget] of snapshot.rackBudgets) {
    const requested = rackRequested.get(rack) ?? 0;
    const shares = rackShares.get(rack) ?? 0;
    if (requested > budget) violations.push({ rule: 'RackRequestsOverBudget', subject: rack, message: `rack ${rack}: pods request ${requested} W, budget ${budget} W` });
    if (shares > budget) violations.push({ rule: 'RackSharesOverBudget', subject: rack, message: `rack ${rack}: node shares add up to ${shares} W, budget ${budget} W` });
  }

  violations.push(...checkHostSpread(snapshot));
  return violations;
}

function checkHostSpread(snapshot: PlacementSnapshot): PlacementViolation[] {
  const domain = snapshot.nodes.filter(snapshot.spreadDomain ?? (() => true));
  const hostOf = new Map(domain.map((n) => [n.name, n.labels[HOSTNAME_LABEL] ?? n.name]));
  const hosts = [...new Set(hostOf.values())];
  const perWorkload = new Map<string, Map<string, number>>();
  for (const pod of snapshot.pods) {
    if (pod.workload === undefined || pod.nodeName === undefined) continue;
    const host = hostOf.get(pod.nodeName);
    if (host === undefined) continue;
    let counts = perWorkload.get(pod.workload);
    if (!counts) perWorkload.set(pod.workload, (counts = new Map()));
    counts.set(host, (counts.get(host) ?? 0) + 1);
  }
  const violations: PlacementViolation[] = [];
  for (const [workload, counts] of perWorkload) {
    let max = 0;
    let min = Infinity;
    let busiest = '';
    for (const host of hosts) {
      const c = counts.get(host) ?? 0;
      if (c > max) {
        max = c;
        busiest = host;
      }
      min = Math.min(min, c);
    }
    if (max - min > 1) {
      violations.push({ rule: 'HostSpreadSkew', subject: workload, message: `workload ${workload}: ${max} pods on host ${busiest} but ${min} on the emptiest host (skew ${max - min} > 1)` });
    }
  }
  return violations;
}

/** Why a pending pod cannot be bound to one node now; an empty `obstacles` means it could be. */
export interface NodeFit {
  node: string;
  /** `Insufficient <resource>` (as the scheduler words it), `OutsideSpreadDomain` or `HostSpreadSkew`. */
  obstacles: string[];
}

/**
 * Where a pending pod could be bound now, by the rules the placement relies on: every resource it requests
 * fits what the node's bound pods leave of its allocatable, the node is in the spread domain (the nodes
 * the pod may run on), and a pod of a workload keeps that workload's host spread within 1, counting
 * itself. A settled cluster holds a pod Pending only when every node has an obstacle.
 */
export function podFit(snapshot: PlacementSnapshot, pod: SnapshotPod): NodeFit[] {
  const inDomain = snapshot.spreadDomain ?? (() => true);
  const hostOf = (n: SnapshotNode) => n.labels[HOSTNAME_LABEL] ?? n.name;
  const nodes = new Map(snapshot.nodes.map((n) => [n.name, n]));
  const used = new Map<string, Map<string, number>>();
  const perHost = new Map<string, number>();
  for (const bound of snapshot.pods) {
    if (bound.nodeName === undefined) continue;
    const node = nodes.get(bound.nodeName);
    if (!node) continue;
    let perNode = used.get(node.name);
    if (!perNode) used.set(node.name, (perNode = new Map()));
    for (const [resource, q] of Object.entries(bound.requests)) {
      perNode.set(resource, (perNode.get(resource) ?? 0) + parseQuantity(q, `pod ${bound.namespace}/${bound.name} requests.${resource}`));
    }
    if (pod.workload !== undefined && bound.workload === pod.workload && inDomain(node)) perHost.set(hostOf(node), (perHost.get(hostOf(node)) ?? 0) + 1);
  }
  const domainHosts = new Set(snapshot.nodes.filter(inDomain).map(hostOf));
  let fewest = Infinity;
  for (const host of domainHosts) fewest = Math.min(fewest, perHost.get(host) ?? 0);

  return snapshot.nodes.map((node) => {
    const obstacles: string[] = [];
    if (!inDomain(node)) obstacles.push('OutsideSpreadDomain');
    for (const [resource, q] of Object.entries(pod.requests)) {
      const want = parseQuantity(q, `pod ${pod.namespace}/${pod.name} requests.${resource}`);
      if (want <= 0) continue;
      const raw = node.allocatable[resource];
      const allocatable = raw === undefined ? 0 : parseQuantity(raw, `node ${node.name} allocatable.${resource}`);
      if ((used.get(node.name)?.get(resource) ?? 0) + want > allocatable + 1e-9) obstacles.push(`Insufficient ${resource}`);
    }
    if (pod.workload !== undefined && inDomain(node) && (perHost.get(hostOf(node)) ?? 0) + 1 - fewest > 1) obstacles.push('HostSpreadSkew');
    return { node: node.name, obstacles };
  });
}

/**
 * Replays a share plan from `current` and reports every prefix after which a rack's shares exceed its
 * budget. A rack already over budget before the plan is held to never growing until it fits.
 */
export function checkShareSequence(
  current: ReadonlyMap<string, number | undefined>,
  steps: readonly ShareUpdateStep[],
  nodeRacks: ReadonlyMap<string, string>,
  rackBudgets: ReadonlyMap<string, number>,
): PlacementViolation[] {
  const sums = new Map<string, number>();
  const shares = new Map<string, number>();
  for (const [node, watts] of current) {
    shares.set(node, watts ?? 0);
    const rack = nodeRacks.get(node);
    if (rack !== undefined) sums.set(rack, (sums.get(rack) ?? 0) + (watts ?? 0));
  }
  const violations: PlacementViolation[] = [];
  steps.forEach((step, k) => {
    // Replayed from the simulated value, not the step's own fromWatts, so a stale plan is caught too.
    const previous = shares.get(step.node) ?? 0;
    shares.set(step.node, step.toWatts);
    const rack = nodeRacks.get(step.node);
    if (rack === undefined) return;
    const before = sums.get(rack) ?? 0;
    const after = before - previous + step.toWatts;
    sums.set(rack, after);
    const budget = rackBudgets.get(rack) ?? Infinity;
    if (after > budget && after > before) {
      violations.push({ rule: 'PlanPrefixOverBudget', subject: rack, message: `after step ${k + 1} (${step.node} ${step.fromWatts ?? 'none'} -> ${step.toWatts} W) rack ${rack} shares add up to ${after} W, budget ${budget} W` });
    }
  });
  return violations;
}
