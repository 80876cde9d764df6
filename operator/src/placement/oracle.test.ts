import { checkPlacement, podFit, type PlacementSnapshot, type SnapshotNode } from './oracle.js';

const node = (name: string, rack: string, watts: string, cpu = '8'): SnapshotNode => ({
  name,
  labels: { 'topology.musubi.dev/rack': rack, 'kubernetes.io/hostname': name },
  allocatable: { cpu, memory: '32Gi', 'power.musubi.dev/watts': watts },
});

test('a placement within every rule has no violations', () => {
  const snapshot: PlacementSnapshot = {
    nodes: [node('a', 'r1', '300'), node('b', 'r1', '300'), node('c', 'r2', '500')],
    pods: [
      { namespace: 'ns', name: 'w-0', nodeName: 'a', requests: { cpu: '2', 'power.musubi.dev/watts': '100' }, workload: 'w' },
      { namespace: 'ns', name: 'w-1', nodeName: 'b', requests: { cpu: '2', 'power.musubi.dev/watts': '100' }, workload: 'w' },
      { namespace: 'ns', name: 'w-2', nodeName: 'c', requests: { cpu: '2', 'power.musubi.dev/watts': '100' }, workload: 'w' },
      { namespace: 'ns', name: 'pending', requests: { cpu: '64' } },
    ],
    rackBudgets: new Map([['r1', 600], ['r2', 600]]),
  };
  expect(checkPlacement(snapshot)).toEqual([]);
});

test('each broken rule is reported with its subject', () => {
  const snapshot: PlacementSnapshot = {
    nodes: [node('a', 'r1', '400'), node('b', 'r1', '300'), node('c', 'r2', '100')],
    pods: [
      { namespace: 'ns', name: 'w-0', nodeName: 'a', requests: { cpu: '6', 'power.musubi.dev/watts': '250' }, workload: 'w' },
      { namespace: 'ns', name: 'w-1', nodeName: 'a', requests: { cpu: '3', 'power.musubi.dev/watts': '150' }, workload: 'w' },
      { namespace: 'ns', name: 'x', nodeName: 'b', requests: { 'power.musubi.dev/watts': '300' } },
      { namespace: 'ns', name: 'ghost', nodeName: 'zz', requests: {} },
    ],
    rackBudgets: new Map([['r1', 650], ['r2', 1000]]),
  };
  expect(checkPlacement(snapshot)).toEqual([
    { rule: 'PodOnUnknownNode', subject: 'ns/ghost', message: 'pod ns/ghost is bound to node zz, which the snapshot does not have' },
    { rule: 'NodeOverAllocatable', subject: 'a', message: 'node a: pods request 9 of cpu but 8 is allocatable' },
    { rule: 'RackRequestsOverBudget', subject: 'r1', message: 'rack r1: pods request 700 W, budget 650 W' },
    { rule: 'RackSharesOverBudget', subject: 'r1', message: 'rack r1: node shares add up to 700 W, budget 650 W' },
    { rule: 'HostSpreadSkew', subject: 'w', message: 'workload w: 2 pods on host a but 0 on the emptiest host (skew 2 > 1)' },
  ]);
});

test('host spread is measured over the given domain only', () => {
  const snapshot: PlacementSnapshot = {
    nodes: [node('a', 'r1', '300'), node('b', 'r1', '300'), { name: 'gpu', labels: {}, allocatable: { cpu: '8' } }],
    pods: [
      { namespace: 'ns', name: 'w-0', nodeName: 'a', requests: {}, workload: 'w' },
      { namespace: 'ns', name: 'w-1', nodeName: 'b', requests: {}, workload: 'w' },
      { namespace: 'ns', name: 'w-2', nodeName: 'a', requests: {}, workload: 'w' },
    ],
    rackBudgets: new Map(),
    spreadDomain: (n) => n.labels['topology.musubi.dev/rack'] !== undefined,
  };
  expect(checkPlacement(snapshot)).toEqual([]);
  expect(checkPlacement({ ...snapshot, spreadDomain: undefined }).map((v) => v.rule)).toEqual(['HostSpreadSkew']);
});

test('podFit says, per node, what keeps a pending pod off it', () => {
  const snapshot: PlacementSnapshot = {
    nodes: [node('a', 'r1', '300'), node('b', 'r1', '150'), node('c', 'r2', '500', '1'), { name: 'plain', labels: {}, allocatable: { cpu: '8' } }],
    pods: [
      { namespace: 'ns', name: 'w-0', nodeName: 'a', requests: { cpu: '1', 'power.musubi.dev/watts': '100' }, workload: 'w' },
      { namespace: 'ns', name: 'x', nodeName: 'b', requests: { 'power.musubi.dev/watts': '100' } },
    ],
    rackBudgets: new Map(),
    spreadDomain: (n) => n.labels['topology.musubi.dev/rack'] !== undefined,
  };
  const pending = { namespace: 'ns', name: 'w-1', requests: { cpu: '2', 'power.musubi.dev/watts': '100' }, workload: 'w' };
  expect(podFit(snapshot, pending)).toEqual([
    // a: watts fit (100 of 300 used), but a second replica there while b and c have none skews the spread.
    { node: 'a', obstacles: ['HostSpreadSkew'] },
    { node: 'b', obstacles: ['Insufficient power.musubi.dev/watts'] },
    { node: 'c', obstacles: ['Insufficient cpu'] },
    { node: 'plain', obstacles: ['OutsideSpreadDomain', 'Insufficient power.musubi.dev/watts'] },
  ]);
  // Without a workload there is no spread to keep: the pod fits on a.
  expect(podFit(snapshot, { ...pending, workload: undefined }).find((f) => f.node === 'a')).toEqual({ node: 'a', obstacles: [] });
});
