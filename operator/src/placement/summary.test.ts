import { computeShares } from './shares.js';
import { rackSummaryConfigMap } from './summary.js';

test('the summary ConfigMap lists racks in order with their totals, the same bytes every time', () => {
  const nodes = ['r2', 'r1'].flatMap((rack) => [0, 1].map((i) => ({
    name: `${rack}-n${i}`, labels: { 'topology.musubi.dev/rack': rack }, cpuMillis: 64000, memoryBytes: 0,
    profile: { idleWatts: 117, fullLoadWatts: 685 }, schedulable: true,
  })));
  const pods = [{ namespace: 'ns', name: 'p', nodeName: 'r1-n0', wattsRequest: 150, cpuMillis: 8000, memoryBytes: 0 }];
  const { racks } = computeShares(new Map([['r1', 1500], ['r2', 1000]]), nodes, pods);
  const cm = rackSummaryConfigMap([...racks].reverse(), { namespace: 'musubi-system' });
  expect(cm.metadata).toEqual({ name: 'musubi-rack-power', namespace: 'musubi-system', labels: { 'app.kubernetes.io/part-of': 'musubi', 'app.kubernetes.io/component': 'rack-power' } });
  const parsed = JSON.parse(cm.data['racks.json']) as Array<{ rack: string; requestedWatts: number; budgetWatts: number }>;
  expect(parsed.map((r) => r.rack)).toEqual(['r1', 'r2']);
  expect(parsed[0]).toMatchObject({ rack: 'r1', requestedWatts: 150, budgetWatts: 1500 });
  expect(JSON.parse(cm.data['totals.json'])).toMatchObject({ racks: 2, nodes: 4, budgetWatts: 2500, requestedWatts: 150, overCommittedRacks: [] });
  expect(rackSummaryConfigMap(racks, { namespace: 'musubi-system' })).toEqual(cm);
});
