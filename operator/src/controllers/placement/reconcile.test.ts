import { parsePlacementConfig, WATTS_RESOURCE } from '../../placement/index.js';
import { ObjectStore, type KubeClient, type KubeObject } from '../../runtime/index.js';
import { PlacementReconciler } from './reconcile.js';

// The order of share patches is the safety of the rack budget: every decrease lands before any increase,
// and a decrease that fails stops the pass before an increase is written.

// 4 nodes of 117 W idle, 400 W above the baseline: an even split is 100 W each.
const placement = parsePlacementConfig({ rackDefaults: { kva: 0.868, powerFactor: 1, rectifierEfficiency: 1, derating: 0, reserveWatts: 0 }, shares: { rebalanceToleranceWatts: 5 } });

function node(name: string, watts: number): KubeObject {
  const capacity = { cpu: '64', memory: '256Gi', pods: '110', [WATTS_RESOURCE]: String(watts) };
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name, labels: { 'node.musubi.dev/class': 'orv3', 'topology.musubi.dev/rack': 'rack-a', 'topology.musubi.dev/headroom': 'high' } },
    status: { capacity, allocatable: capacity, conditions: [{ type: 'Ready', status: 'True' }] },
  } as KubeObject;
}

function reconcilerWith(nodes: KubeObject[], failOn?: string) {
  const store = new ObjectStore<KubeObject>();
  for (const n of nodes) store.upsert(n);
  const patches: Array<{ node: string; watts: number }> = [];
  const client = {
    mergePatch: async (ref: { name: string }, patch: unknown) => {
      const watts = (patch as { status?: { capacity?: Record<string, string> } }).status?.capacity?.[WATTS_RESOURCE];
      if (watts === undefined) return {} as KubeObject;
      if (ref.name === failOn) throw new Error(`patch of ${ref.name} refused`);
      patches.push({ node: ref.name, watts: Number(watts) });
      return {} as KubeObject;
    },
    apply: async (obj: KubeObject) => obj,
  } as unknown as Pick<KubeClient, 'mergePatch' | 'apply'>; // records share patches; labels and the summary are accepted
  const reconciler = new PlacementReconciler({
    client, config: placement, namespace: 'musubi-system', nodes: store, pods: new ObjectStore<KubeObject>(),
    events: { record: async () => undefined },
  });
  return { reconciler, patches };
}

// Two nodes hold far more than the even share and two far less: rebalancing lowers two and raises two.
const skewed = () => [node('a-0', 190), node('a-1', 190), node('a-2', 10), node('a-3', 10)];

test('every share decrease is written before the first increase', async () => {
  const { reconciler, patches } = reconcilerWith(skewed());
  const pass = await reconciler.reconcile();
  expect(pass.sharePatches).toBe(4);
  const firstIncrease = patches.findIndex((p) => p.node === 'a-2' || p.node === 'a-3');
  const lastDecrease = Math.max(patches.findIndex((p) => p.node === 'a-0'), patches.findIndex((p) => p.node === 'a-1'));
  expect(lastDecrease).toBeLessThan(firstIncrease);
  expect(patches.reduce((sum, p) => sum + p.watts, 0)).toBeLessThanOrEqual(400);
});

test('a decrease that fails stops the pass before any increase is written', async () => {
  const { reconciler, patches } = reconcilerWith(skewed(), 'a-1');
  await expect(reconciler.reconcile()).rejects.toThrow('patch of a-1 refused');
  expect(patches.map((p) => p.node).filter((n) => n === 'a-2' || n === 'a-3')).toEqual([]);
});
