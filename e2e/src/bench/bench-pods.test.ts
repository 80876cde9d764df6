import { parsePlacementConfig, referenceEstimator, WATTS_RESOURCE } from '@musubi/operator/placement';
import { batchPlan, BENCH_WORKLOAD_LABEL, benchPod, wattsPerPod } from './bench-pods.js';

const placement = parsePlacementConfig({});
const shape = { cpu: '2', memory: '4Gi' };

interface PodView {
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: {
    affinity: unknown;
    topologySpreadConstraints: Array<{ topologyKey: string; whenUnsatisfiable: string; labelSelector: { matchLabels: Record<string, string> } }>;
    priorityClassName: string;
    containers: Array<{ resources: { requests: Record<string, string>; limits: Record<string, string> } }>;
  };
}

test('a metered pod is a managed connector pod: ORv3 affinity, host and rack spread, the connector priority, and its watts estimate', () => {
  const pod = benchPod({ name: 'b-conn-07-3', namespace: 'bench-b', workload: 'b-conn-07', placement, shape, metered: true }) as unknown as PodView;
  expect(pod.metadata).toMatchObject({ name: 'b-conn-07-3', namespace: 'bench-b', labels: { [BENCH_WORKLOAD_LABEL]: 'b-conn-07' } });
  expect(pod.spec.priorityClassName).toBe('musubi-connector');
  expect(pod.spec.topologySpreadConstraints.map((c) => [c.topologyKey, c.whenUnsatisfiable])).toEqual([
    ['kubernetes.io/hostname', 'DoNotSchedule'],
    ['topology.musubi.dev/rack', 'ScheduleAnyway'],
  ]);
  expect(pod.spec.topologySpreadConstraints[0]?.labelSelector.matchLabels).toEqual({ [BENCH_WORKLOAD_LABEL]: 'b-conn-07' });
  expect(JSON.stringify(pod.spec.affinity)).toContain('"node.musubi.dev/class"');
  const watts = referenceEstimator(placement)({ cpuMillis: 2000, memoryBytes: 4 * 2 ** 30 }, 'standard');
  expect(pod.spec.containers[0]?.resources.requests).toEqual({ cpu: '2', memory: '4Gi', [WATTS_RESOURCE]: String(watts) });
  expect(pod.spec.containers[0]?.resources.limits[WATTS_RESOURCE]).toBe(String(watts));
  expect(wattsPerPod(placement, shape)).toBe(watts);
});

test('an unmetered pod is the same pod without the watts request', () => {
  const metered = benchPod({ name: 'p', namespace: 'n', workload: 'w', placement, shape, metered: true }) as unknown as PodView;
  const unmetered = benchPod({ name: 'p', namespace: 'n', workload: 'w', placement, shape, metered: false }) as unknown as PodView;
  expect(unmetered.spec.affinity).toEqual(metered.spec.affinity);
  expect(unmetered.spec.topologySpreadConstraints).toEqual(metered.spec.topologySpreadConstraints);
  expect(unmetered.spec.containers[0]?.resources).toEqual({ requests: { cpu: '2', memory: '4Gi' }, limits: { memory: '4Gi' } });
});

test('a batch deals its pods round-robin over the connectors, with unique names', () => {
  const plan = batchPlan('a', 7, 3);
  expect(plan).toEqual([
    { name: 'a-conn-0-0', workload: 'a-conn-0' }, { name: 'a-conn-1-0', workload: 'a-conn-1' }, { name: 'a-conn-2-0', workload: 'a-conn-2' },
    { name: 'a-conn-0-1', workload: 'a-conn-0' }, { name: 'a-conn-1-1', workload: 'a-conn-1' }, { name: 'a-conn-2-1', workload: 'a-conn-2' },
    { name: 'a-conn-0-2', workload: 'a-conn-0' },
  ]);
  const big = batchPlan('b', 5000, 100);
  expect(new Set(big.map((p) => p.name)).size).toBe(5000);
  expect(big[99]?.workload).toBe('b-conn-99');
  expect(() => batchPlan('x', 0, 1)).toThrow('pods must be a positive whole number, got 0');
});
