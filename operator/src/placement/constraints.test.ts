import type { KubeObject } from '../runtime/objects.js';
import { allowedNodes, boundPodsOf, NodeTopology, placementRulesOf, type PodPlacementRules } from './constraints.js';
import { parsePlacementConfig } from './config.js';
import { readCluster } from './facts.js';
import { computeShares, shareOptions } from './shares.js';

const RACK = 'topology.musubi.dev/rack';
const HOST = 'kubernetes.io/hostname';
const node = (name: string, rack: string, extra: Record<string, string> = {}) => ({ name, labels: { [RACK]: rack, [HOST]: name, 'node.musubi.dev/class': 'orv3', ...extra } });
const nodes = [node('a1', 'ra'), node('a2', 'ra'), node('b1', 'rb'), node('b2', 'rb', { zone: 'z9' })];

function pod(name: string, spec: Record<string, unknown>, labels: Record<string, string> = { app: 'c' }, nodeName?: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns', labels }, spec: { ...spec, ...(nodeName ? { nodeName } : {}) }, status: { phase: nodeName ? 'Running' : 'Pending' } } as KubeObject;
}

/** The names of `candidates` a pod may be bound to, in order. */
function allowed(labels: Record<string, string>, rules: PodPlacementRules, candidates = nodes, bound: KubeObject[] = []): string[] {
  const filter = allowedNodes({ namespace: 'ns', labels }, rules, new NodeTopology(candidates), boundPodsOf(bound));
  return candidates.map((n) => n.name).filter((n) => filter.has(n));
}

const hostSpread = { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: HOST, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'c' } } }] };

test('a pod without selector, affinity or hard spread is unconstrained', () => {
  const rules = placementRulesOf(pod('p', { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: RACK, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: 'c' } } }] }));
  expect(rules.constrained).toBe(false);
  expect(allowed({ app: 'c' }, rules)).toEqual(['a1', 'a2', 'b1', 'b2']);
});

test('node selector and required affinity (any term; In, NotIn, Exists, Gt, matchFields) admit nodes', () => {
  const rules = placementRulesOf(pod('p', {
    nodeSelector: { 'node.musubi.dev/class': 'orv3' },
    affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [
      { matchExpressions: [{ key: RACK, operator: 'In', values: ['ra'] }, { key: 'zone', operator: 'DoesNotExist' }] },
      { matchExpressions: [{ key: 'zone', operator: 'Exists' }], matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['a1'] }] },
    ] } } },
  }));
  expect(allowed({}, rules)).toEqual(['a1', 'a2', 'b2']);
  const gt = placementRulesOf(pod('p', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'gen', operator: 'Gt', values: ['3'] }] }] } } } }));
  expect(allowed({}, gt, [node('old', 'r', { gen: '3' }), node('new', 'r', { gen: '4' })])).toEqual(['new']);
});

test('hard host spread: one more replica only where the skew stays within maxSkew', () => {
  const existing = [pod('c-0', {}, { app: 'c' }, 'a1'), pod('c-1', {}, { app: 'c' }, 'b1'), pod('other', {}, { app: 'x' }, 'a2'), pod('elsewhere', {}, { app: 'c' }, 'a2')];
  (existing[3] as KubeObject).metadata.namespace = 'other-ns';
  const rules = placementRulesOf(pod('c-2', hostSpread));
  // a1 and b1 hold one replica each, a2 and b2 none (other labels and namespaces do not count).
  expect(allowed({ app: 'c' }, rules, nodes, existing)).toEqual(['a2', 'b2']);
  // A pod the selector does not match does not count itself: every host keeps the skew.
  expect(allowed({ app: 'y' }, rules, nodes, existing)).toEqual(['a1', 'a2', 'b1', 'b2']);
  // Every host holds one: the minimum is 1 and any host takes a second; then only the hosts still at 1.
  const everywhere = nodes.map((n, i) => pod(`c-${i}`, {}, { app: 'c' }, n.name));
  expect(allowed({ app: 'c' }, rules, nodes, everywhere)).toEqual(['a1', 'a2', 'b1', 'b2']);
  expect(allowed({ app: 'c' }, rules, nodes, [...everywhere, pod('c-9', {}, { app: 'c' }, 'b1')])).toEqual(['a1', 'a2', 'b2']);
  // matchLabelKeys count only pods with the pending pod's value of those labels (here: its revision).
  const byRevision = placementRulesOf(pod('c-2', { topologySpreadConstraints: [{ ...hostSpread.topologySpreadConstraints[0], matchLabelKeys: ['rev'] }] }, { app: 'c', rev: '2' }));
  expect(allowed({ app: 'c', rev: '2' }, byRevision, nodes, existing)).toEqual(['a1', 'a2', 'b1', 'b2']);
  // Terminating pods do not count.
  const terminating = existing.map((p) => ({ ...p, metadata: { ...p.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } }));
  expect(allowed({ app: 'c' }, rules, nodes, terminating)).toHaveLength(4);
});

test('readCluster gives pending pods their allowed nodes and computeShares reserves only there', () => {
  const config = parsePlacementConfig({ rackDefaults: { kva: 0.6, powerFactor: 1, rectifierEfficiency: 1, derating: 0, reserveWatts: 0 } });
  const nodeObject = (name: string): KubeObject => ({
    apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { [RACK]: 'ra', [HOST]: name, 'node.musubi.dev/class': 'orv3' } },
    status: { allocatable: { cpu: '64', memory: '256Gi' }, capacity: { cpu: '64', 'power.musubi.dev/watts': '0' } },
  } as KubeObject);
  const metered = (name: string, nodeName?: string, spec: Record<string, unknown> = hostSpread) =>
    pod(name, { ...spec, containers: [{ name: 'c', resources: { requests: { cpu: '1', 'power.musubi.dev/watts': '50' } } }] }, { app: 'c' }, nodeName);
  // n0 has the most free CPU, but already runs a replica: the second one may only go to n2 (n1 has one too).
  const cluster = readCluster(config, ['n0', 'n1', 'n2'].map(nodeObject), [
    metered('c-0', 'n0'), metered('c-1', 'n1'),
    pod('big', { containers: [{ name: 'c', resources: { requests: { cpu: '32', 'power.musubi.dev/watts': '10' } } }] }, { app: 'big' }, 'n2'),
    metered('c-2'),
  ]);
  const filter = cluster.pods.find((p) => p.name === 'c-2')?.allowedNodes;
  expect(['n0', 'n1', 'n2'].filter((n) => filter?.has(n))).toEqual(['n2']);
  // 110 W are bound; a budget with room for the 50 W replica and 5 W more: the node holding the reservation stands out.
  const baseline = computeShares(() => 10000, cluster.nodes, cluster.pods, shareOptions(config)).racks[0]?.baselineWatts ?? NaN;
  const budget = () => baseline + 110 + 55;
  const result = computeShares(budget, cluster.nodes, cluster.pods, shareOptions(config));
  expect(result.unplacedPods).toEqual([]);
  expect(result.shares.get('n2')).toBeGreaterThanOrEqual(50);
  expect(result.shares.get('n0')).toBeLessThan(100);
  // Without the rule the reservation would go to n0, where the scheduler cannot put the replica.
  const unconstrained = computeShares(budget, cluster.nodes, cluster.pods.map(({ allowedNodes: _, ...p }) => p), shareOptions(config));
  expect(unconstrained.shares.get('n0')).toBeGreaterThanOrEqual(100);
});
