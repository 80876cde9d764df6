import { parsePlacementConfig, WATTS_RESOURCE } from '@musubi/operator/placement';
import type { KubeObject } from '@musubi/operator/runtime';
import { checkRackBudgets, pendingPodsWithRoom } from './rack-check.js';

// One rack of two amd-epyc-9004 nodes (117 W idle, 64 CPUs) with a 1,000 W budget: 234 W idle baseline
// when nothing is requested, so the shares may add up to 766 W.
const placement = parsePlacementConfig({ rackDefaults: { kva: 1, powerFactor: 1, rectifierEfficiency: 1, derating: 0, reserveWatts: 0 } });

function node(name: string, watts: number | undefined, rack = 'r1'): KubeObject {
  const allocatable: Record<string, string> = { cpu: '64', memory: '256Gi', pods: '110', ...(watts === undefined ? {} : { [WATTS_RESOURCE]: String(watts) }) };
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name, labels: { 'node.musubi.dev/class': 'orv3', 'topology.musubi.dev/rack': rack, 'kubernetes.io/hostname': name } },
    status: { capacity: allocatable, allocatable },
  } as KubeObject;
}

function pod(name: string, nodeName: string | undefined, watts: number, workload = 'w'): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: 'bench', labels: { app: workload } },
    spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'c', resources: { requests: { cpu: '2', memory: '4Gi', ...(watts > 0 ? { [WATTS_RESOURCE]: String(watts) } : {}) } } }] },
  } as KubeObject;
}

const workloadOf = (p: KubeObject) => p.metadata.labels?.app;

test('shares within budget less the idle baseline and pods within their nodes\' shares: no violation, figures per rack', () => {
  const result = checkRackBudgets(placement, [node('n1', 383), node('n2', 383)], [pod('p1', 'n1', 26), pod('p2', 'n2', 26)], workloadOf);
  expect(result.violations).toEqual([]);
  // Each pod takes 2 of 64 CPUs, so 117 * 2/64 = 3.65625 W of each node's idle draw leaves the baseline.
  expect(result.racks).toEqual([{ rack: 'r1', nodes: 2, budgetWatts: 1000, baselineWatts: 234 - 2 * 3.65625, sharesWatts: 766, requestedWatts: 52 }]);
});

test('shares that fit the deliverable budget but not with the idle draw beside them break RackDrawOverBudget', () => {
  const result = checkRackBudgets(placement, [node('n1', 400), node('n2', 400)], []);
  expect(result.violations.map((v) => v.rule)).toEqual(['RackDrawOverBudget']);
  expect(result.violations[0]?.message).toBe('rack r1: node shares (800 W) plus the idle draw of CPU no pod requests and unmetered pods (234.0 W) come to 1034.0 W, budget 1000 W');
});

test('the oracle\'s rules come through: a node over its watts and a host spread skew of 2', () => {
  const pods = [pod('p1', 'n1', 300), pod('p2', 'n1', 300), pod('p3', 'n1', 10, 'v'), pod('p4', 'n1', 10, 'v')];
  const result = checkRackBudgets(placement, [node('n1', 500), node('n2', 0)], pods, workloadOf);
  expect(result.violations.map((v) => `${v.rule} ${v.subject}`).sort()).toEqual(['HostSpreadSkew v', 'HostSpreadSkew w', 'NodeOverAllocatable n1']);
});

test('unmetered pods are charged their estimate in the baseline; pods on unmanaged nodes are left out', () => {
  const unmanaged = { ...node('other', undefined), metadata: { name: 'other', labels: { 'kubernetes.io/hostname': 'other' } } } as KubeObject;
  const result = checkRackBudgets(placement, [node('n1', 300), node('n2', 300), unmanaged], [pod('u1', 'n1', 0), pod('x', 'other', 0)]);
  expect(result.violations).toEqual([]);
  const rack = result.racks[0];
  // The unmetered pod's estimate (26 W at 2 CPUs and 4 GiB) replaces the idle draw of the CPU it takes.
  expect(rack?.baselineWatts).toBeCloseTo(234 - 3.65625 + 26, 0);
  expect(rack?.requestedWatts).toBe(0);
});

test('pending pods with room: counted per workload only where a node still fits one of them', () => {
  const nodes = [node('n1', 30), node('n2', 20)];
  // Workload w has a pod on n1: the next one may not go there (skew) and n2 lacks watts; v fits on n1.
  const pods = [pod('w1', 'n1', 26), pod('w2', undefined, 26), pod('w3', undefined, 26), pod('v1', undefined, 4, 'v')];
  expect(pendingPodsWithRoom(placement, nodes, pods, workloadOf)).toBe(1);
  expect(pendingPodsWithRoom(placement, [node('n1', 26), node('n2', 20)], [pod('w1', 'n1', 26), pod('w2', undefined, 26)], workloadOf)).toBe(0);
});
