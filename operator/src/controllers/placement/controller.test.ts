import { parsePlacementConfig, rackBudgets, WATTS_RESOURCE, type RackSummary } from '../../placement/index.js';
import { operatorRules } from '../../rbac/index.js';
import { permissionsFor, uncovered } from '../../rbac/coverage.js';
import type { KubeObject } from '../../runtime/index.js';
import { FakeKubeClient } from '../../runtime/testing/index.js';
import { startTestOperator } from '../shared/test-operator.js';
import { setupPlacementController } from './controller.js';
import { RACK_SUMMARY_CONFIG_MAP } from './reconcile.js';

const NS = 'musubi-system';
const NODE = { apiVersion: 'v1', kind: 'Node' } as const;
const CONFIG_MAP = { apiVersion: 'v1', kind: 'ConfigMap' } as const;
// 4 nodes of 117 W idle: a 468 W baseline; 400 W above it to share.
const placement = parsePlacementConfig({ rackDefaults: { kva: 0.868, powerFactor: 1, rectifierEfficiency: 1, derating: 0, reserveWatts: 0 } });

function node(name: string, rack: string | undefined, watts?: number): KubeObject {
  const capacity: Record<string, string> = { cpu: '64', memory: '256Gi', pods: '110', ...(watts === undefined ? {} : { [WATTS_RESOURCE]: String(watts) }) };
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name, labels: { 'node.musubi.dev/class': 'orv3', ...(rack ? { 'topology.musubi.dev/rack': rack } : {}) } },
    status: { capacity, allocatable: capacity, conditions: [{ type: 'Ready', status: 'True' }] },
  } as KubeObject;
}

function pod(name: string, watts: number, nodeName?: string): KubeObject {
  const requests = { cpu: '1', [WATTS_RESOURCE]: String(watts) };
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'shop' },
    spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'app', image: 'x', resources: { requests, limits: { [WATTS_RESOURCE]: String(watts) } } }] },
    status: { phase: nodeName ? 'Running' : 'Pending' },
  } as KubeObject;
}

const share = (n: KubeObject | undefined) => Number((n as { status?: { allocatable?: Record<string, string> } } | undefined)?.status?.allocatable?.[WATTS_RESOURCE] ?? NaN);

async function racksOf(get: () => Promise<KubeObject | undefined>): Promise<RackSummary[] | undefined> {
  const cm = (await get()) as { data?: Record<string, string> } | undefined;
  return cm?.data?.['racks.json'] ? (JSON.parse(cm.data['racks.json']) as RackSummary[]) : undefined;
}

test('shares, headroom labels, summary, gauges and events over the in-memory API server, within the declared RBAC', async () => {
  const client = new FakeKubeClient();
  for (const n of ['a-0', 'a-1', 'a-2', 'a-3']) client.seed(node(n, 'rack-a'));
  client.seed(node('stray', undefined));
  client.seed({ ...node('other', undefined), metadata: { name: 'other', labels: {} } }); // not ORv3-class: left alone
  const op = await startTestOperator((manager, context) => {
    setupPlacementController(manager, { client: context.client, placement, namespace: NS, events: context.events });
  }, { client });
  try {
    const summaryOf = () => op.get(CONFIG_MAP, NS, RACK_SUMMARY_CONFIG_MAP);
    await op.until('shares written', async () => {
      const nodes = await Promise.all(['a-0', 'a-1', 'a-2', 'a-3'].map((n) => op.get(NODE, undefined, n)));
      return nodes.every((n) => share(n) === 100) ? true : undefined;
    });
    expect(Number.isNaN(share(await op.get(NODE, undefined, 'other')))).toBe(true);
    expect((await op.get(NODE, undefined, 'a-0'))?.metadata.labels?.['topology.musubi.dev/headroom']).toBe('high');
    const racks = await op.until('summary', () => racksOf(summaryOf));
    expect(racks).toMatchObject([{ rack: 'rack-a', budgetWatts: rackBudgets(placement)('rack-a'), allocatedWatts: 400, overCommitted: false }]);
    const problems = JSON.parse(((await summaryOf()) as { data?: Record<string, string> } | undefined)?.data?.['problems.json'] ?? '[]') as Array<{ reason: string; object: string }>;
    expect(problems).toEqual([expect.objectContaining({ reason: 'NodeMissingRackLabel', object: 'Node stray', field: 'metadata.labels.topology.musubi.dev/rack' })]);
    const missing = await op.until('missing rack label event', async () => (await op.events('NodeMissingRackLabel')).find((e) => e.regarding.name === 'stray'));
    expect(missing.note).toContain('topology.musubi.dev/rack');

    // Pods bound to a-0 take 300 W; a-0's share covers them, the other nodes shrink to what is left.
    await client.create(pod('p1', 150, 'a-0'));
    await client.create(pod('p2', 150, 'a-0'));
    await op.until('a-0 holds its pods', async () => (share(await op.get(NODE, undefined, 'a-0')) >= 300 ? true : undefined));
    const shares = await Promise.all(['a-0', 'a-1', 'a-2', 'a-3'].map(async (n) => share(await op.get(NODE, undefined, n))));
    // The pods' CPU no longer counts as idle draw, so the pool grows by their share of idle watts.
    expect(shares.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(400 + 4);
    await op.until('gauges', async () => {
      const metric = await op.manager.registry.getSingleMetric('musubi_rack_power_requested_watts')?.get();
      return metric?.values.find((v) => v.labels.rack === 'rack-a')?.value === 300 ? true : undefined;
    });

    // A pod bound beyond the budget (e.g. placed before the budget shrank) over-commits the rack: reported, nothing evicted.
    await client.create(pod('p3', 400, 'a-1'));
    const over = await op.until('over-committed', async () => (await racksOf(summaryOf))?.find((r) => r.overCommitted));
    expect(over.condition).toMatchObject({ status: 'True', reason: 'RequestsExceedBudget' });
    await op.until('warning event', async () => (await op.events('RequestsExceedBudget')).find((e) => e.type === 'Warning'));
    expect(share(await op.get(NODE, undefined, 'a-1'))).toBe(400);
    expect((await client.list({ apiVersion: 'v1', kind: 'Pod' }, { namespace: 'shop' })).items).toHaveLength(3);
    expect((await op.get(NODE, undefined, 'a-0'))?.metadata.labels?.['topology.musubi.dev/headroom']).toBe('none');
  } finally {
    await op.stop();
  }
  expect(uncovered(operatorRules(), permissionsFor(op.operatorRequests))).toEqual([]);
});

test('with no ORv3 nodes the controller only publishes an empty summary', async () => {
  const client = new FakeKubeClient();
  client.seed({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'plain', labels: {} }, status: { allocatable: { cpu: '8' } } } as KubeObject);
  const op = await startTestOperator((manager, context) => {
    setupPlacementController(manager, { client: context.client, placement, namespace: NS, events: context.events });
  }, { client });
  try {
    const racks = await op.until('summary', () => racksOf(() => op.get(CONFIG_MAP, NS, RACK_SUMMARY_CONFIG_MAP)));
    expect(racks).toEqual([]);
    expect(op.operatorRequests.filter((r) => r.verb === 'mergePatch')).toEqual([]);
  } finally {
    await op.stop();
  }
});
