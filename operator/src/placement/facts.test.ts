import type { KubeObject } from '../runtime/objects.js';
import { PlacementConfig } from './config.js';
import { nodeFactsFromKube, podFactsFromKube, readCluster } from './facts.js';

const config = PlacementConfig.parse({});

function node(name: string, labels: Record<string, string>, extra: { annotations?: Record<string, string>; status?: unknown; spec?: unknown } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels, ...(extra.annotations ? { annotations: extra.annotations } : {}) },
    spec: extra.spec ?? {},
    status: extra.status ?? { allocatable: { cpu: '64', memory: '256Gi', pods: '110' }, capacity: { cpu: '64', memory: '256Gi', 'power.musubi.dev/watts': '310' } },
  };
}

const orv3 = { 'node.musubi.dev/class': 'orv3', 'topology.musubi.dev/rack': 'rack-01' };

test('an ORv3 node is read with its family profile, resources and current share', () => {
  const { facts, problems } = nodeFactsFromKube(node('n1', { ...orv3, 'node.musubi.dev/cpu-family': 'intel-xeon-sapphire-rapids' }), config);
  expect(problems).toEqual([]);
  expect(facts).toEqual({
    name: 'n1',
    labels: { ...orv3, 'node.musubi.dev/cpu-family': 'intel-xeon-sapphire-rapids' },
    cpuMillis: 64000,
    memoryBytes: 256 * 2 ** 30,
    profile: { idleWatts: 204, fullLoadWatts: 817 },
    currentShareWatts: 310,
    schedulable: true,
  });
});

test('nodes outside the ORv3 selector are not managed', () => {
  expect(nodeFactsFromKube(node('n2', { 'topology.musubi.dev/rack': 'rack-01' }), config)).toEqual({ problems: [] });
});

test('annotations override the family profile; bad ones are reported and ignored', () => {
  const good = nodeFactsFromKube(node('n3', orv3, { annotations: { 'node.musubi.dev/idle-watts': '90', 'node.musubi.dev/full-load-watts': '520' } }), config);
  expect(good.facts?.profile).toEqual({ idleWatts: 90, fullLoadWatts: 520 });

  const bad = nodeFactsFromKube(node('n4', orv3, { annotations: { 'node.musubi.dev/idle-watts': 'ninety' } }), config);
  expect(bad.facts?.profile).toEqual({ idleWatts: 117, fullLoadWatts: 685 });
  expect(bad.problems).toEqual([expect.objectContaining({
    reason: 'InvalidPowerAnnotation',
    field: 'metadata.annotations.node.musubi.dev/idle-watts',
    message: 'Node n4: annotation node.musubi.dev/idle-watts="ninety" must be a number of watts between 0 and 100000, e.g. "117"; the CPU family profile is used instead',
  })]);

  const inverted = nodeFactsFromKube(node('n5', orv3, { annotations: { 'node.musubi.dev/idle-watts': '600', 'node.musubi.dev/full-load-watts': '500' } }), config);
  expect(inverted.facts?.profile).toEqual({ idleWatts: 117, fullLoadWatts: 685 });
  expect(inverted.problems[0]?.message).toMatch(/full-load watts \(500\) are below idle watts \(600\)/);
});

test('an unknown CPU family falls back to the hungriest known profile and says how to fix it', () => {
  const { facts, problems } = nodeFactsFromKube(node('n6', { ...orv3, 'node.musubi.dev/cpu-family': 'riscv-9000' }), config);
  expect(facts?.profile).toEqual({ idleWatts: 204, fullLoadWatts: 817 });
  expect(problems[0]).toMatchObject({ reason: 'UnknownCpuFamily', object: 'Node n6', field: 'metadata.labels.node.musubi.dev/cpu-family' });
  expect(problems[0]?.message).toMatch(/CPU family "riscv-9000" has no power profile; .* add it under placement.cpuFamilies/);
});

test('a node that re-registered without its share reads as having none; cordoned and NotReady nodes are not schedulable', () => {
  const lost = nodeFactsFromKube(node('n7', orv3, { status: { allocatable: { cpu: '64', memory: '256Gi' }, capacity: { cpu: '64' } } }), config);
  expect(lost.facts?.currentShareWatts).toBeUndefined();
  const cordoned = nodeFactsFromKube(node('n8', orv3, { spec: { unschedulable: true } }), config);
  expect(cordoned.facts?.schedulable).toBe(false);
  const notReady = nodeFactsFromKube(node('n9', orv3, { status: { allocatable: { cpu: '64' }, conditions: [{ type: 'Ready', status: 'False' }] } }), config);
  expect(notReady.facts?.schedulable).toBe(false);
});

test('a node without allocatable CPU is reported, not guessed', () => {
  const { facts, problems } = nodeFactsFromKube(node('n10', orv3, { status: {} }), config);
  expect(facts).toBeUndefined();
  expect(problems[0]?.message).toBe('Node n10: status.allocatable.cpu: missing; the kubelet has not reported the node\'s capacity yet; its share is left as it is');
});

function pod(spec: Record<string, unknown>, status: Record<string, unknown> = {}, annotations?: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', ...(annotations ? { annotations } : {}) }, spec, status };
}

test('pod requests follow the scheduler: containers + sidecars vs. the largest init container, plus overhead', () => {
  const { facts } = podFactsFromKube(pod({
    nodeName: 'n1',
    containers: [
      { name: 'a', resources: { requests: { cpu: '500m', memory: '1Gi', 'power.musubi.dev/watts': '10' } } },
      { name: 'b', resources: { requests: { cpu: '250m', 'power.musubi.dev/watts': '5' } } },
    ],
    initContainers: [
      { name: 'proxy', restartPolicy: 'Always', resources: { requests: { cpu: '100m', 'power.musubi.dev/watts': '2' } } },
      { name: 'migrate', resources: { requests: { cpu: '2', 'power.musubi.dev/watts': '3' } } },
    ],
    overhead: { cpu: '50m' },
  }));
  // cpu: max(750 + 100, 100 + 2000) + 50; watts: max(15 + 2, 2 + 3)
  expect(facts).toEqual({ namespace: 'ns', name: 'p', nodeName: 'n1', cpuMillis: 2150, memoryBytes: 2 ** 30, wattsRequest: 17 });
});

test('a pending pod carries its nominated node and preferred racks; finished pods hold nothing', () => {
  const { facts } = podFactsFromKube(pod(
    { containers: [{ name: 'a', resources: { requests: { 'power.musubi.dev/watts': '20' } } }] },
    { phase: 'Pending', nominatedNodeName: 'n3' },
    { 'placement.musubi.dev/preferred-racks': 'rack-02, rack-05' },
  ));
  expect(facts).toMatchObject({ preferredNode: 'n3', preferredRacks: ['rack-02', 'rack-05'], wattsRequest: 20 });
  expect(podFactsFromKube(pod({ nodeName: 'n1', containers: [] }, { phase: 'Succeeded' }))).toEqual({ problems: [] });
});

test('a pod with a malformed request is reported with the field path', () => {
  const { facts, problems } = podFactsFromKube(pod({ containers: [{ name: 'a', resources: { requests: { cpu: 'lots' } } }] }));
  expect(facts).toBeUndefined();
  expect(problems[0]?.message).toBe('Pod ns/p: spec.containers[0].resources.requests.cpu: "lots" is not a Kubernetes quantity; write it like "500m", "2", "256Mi" or "1e3"');
});

test('readCluster keeps managed nodes and live pods and collects every problem', () => {
  const cluster = readCluster(
    config,
    [node('a', orv3), node('b', { 'kubernetes.io/os': 'linux' }), node('c', orv3, { annotations: { 'node.musubi.dev/full-load-watts': 'x' } })],
    [pod({ nodeName: 'a', containers: [] }, { phase: 'Running' }), pod({ nodeName: 'a', containers: [] }, { phase: 'Failed' })],
  );
  expect(cluster.nodes.map((n) => n.name)).toEqual(['a', 'c']);
  expect(cluster.pods).toHaveLength(1);
  expect(cluster.problems.map((p) => p.reason)).toEqual(['InvalidPowerAnnotation']);
});
