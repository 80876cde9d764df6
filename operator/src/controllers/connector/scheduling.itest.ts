import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { OperatorConfig } from '../../config/index.js';
import { priorityClassManifests, WATTS_RESOURCE } from '../../placement/index.js';
import { ignoreNotFound, isAlreadyExists, Manager, type KubeObject, type RestKubeClient } from '../../runtime/index.js';
import { eventually, testNamespace } from '../../runtime/testing/index.js';
import { setupPlacementController } from '../placement/controller.js';
import { CONNECTOR } from '../shared/kinds.js';
import { setupConnectorController } from './controller.js';
import { anchorSigningKeySecret, connectorObject, participantObject, trustList } from './fixtures.js';
import { orv3Placement } from './placement.js';
import { issuerWithTrustLists } from './test-trust-lists.js';

// A Connector whose pods the real kube-scheduler cannot place for want of power: the placement controller
// publishes the rack's shares on three kwok nodes, the Connector controller renders the watts request, the
// Deployment's pod stays Pending on `Insufficient power.musubi.dev/watts`, and the Connector says so. When
// a filler pod is deleted the watts move to a node the pod fits on, the pod binds, the condition clears
// and status.placement names the rack.

const RACK_LABEL = 'topology.musubi.dev/rack';
const SUITE_LABEL = 'placement.musubi.dev/itest';
const NODES = 3;
const IDLE_WATTS = 117; // amd-epyc-9004, the reference profile
const POOL_WATTS = 250; // budget above the idle draw of the three nodes
const FILLER_WATTS = 100;
const NODE = { apiVersion: 'v1', kind: 'Node' } as const;
const POD = { apiVersion: 'v1', kind: 'Pod' } as const;

const suite = `cs${randomBytes(3).toString('hex')}`;
const rack = `${suite}-rack`;
const nodeNames = Array.from({ length: NODES }, (_, i) => `${suite}-node-${i}`);

let client: RestKubeClient;
let ns: string;
let cleanupNamespace: () => Promise<void>;
let manager: Manager | undefined;

type Condition = { type: string; status: string; reason: string; message: string };
type ConnectorStatus = { conditions?: Condition[]; placement?: { racks?: string[]; estimatedWatts?: number } };

function operatorConfig(): OperatorConfig {
  return OperatorConfig.parse({
    namespace: ns,
    placement: {
      nodeSelector: { matchLabels: { 'node.musubi.dev/class': 'orv3', [SUITE_LABEL]: suite } },
      rackDefaults: { kva: (NODES * IDLE_WATTS + POOL_WATTS) / 1000, powerFactor: 1, rectifierEfficiency: 1, derating: 0, reserveWatts: 0 },
      shares: { rebalanceToleranceWatts: 5 },
    },
  });
}

function nodeObject(name: string): KubeObject {
  const capacity = { cpu: '64', memory: '256Gi', pods: '110' };
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: {
      name,
      labels: {
        [RACK_LABEL]: rack, 'node.musubi.dev/class': 'orv3', 'node.musubi.dev/cpu-family': 'amd-epyc-9004',
        'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', type: 'kwok', [SUITE_LABEL]: suite,
      },
      annotations: { 'kwok.x-k8s.io/node': 'fake' },
    },
    spec: {},
    status: { capacity, allocatable: capacity },
  } as KubeObject;
}

/** Another workload's pod holding watts on the rack. */
function filler(name: string): KubeObject {
  const requests = { cpu: '1', [WATTS_RESOURCE]: String(FILLER_WATTS) };
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns },
    spec: {
      nodeSelector: { [SUITE_LABEL]: suite },
      terminationGracePeriodSeconds: 0,
      containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10', resources: { requests, limits: requests } }],
    },
  } as KubeObject;
}

async function connectorStatus(): Promise<ConnectorStatus> {
  const connector = await client.get({ ...CONNECTOR, namespace: ns, name: 'jp-manufacturer' });
  return (connector.status ?? {}) as ConnectorStatus;
}

const conditionOf = (status: ConnectorStatus, type: string) => status.conditions?.find((c) => c.type === type);

beforeAll(async () => {
  ({ client, namespace: ns, cleanup: cleanupNamespace } = await testNamespace('connector-placement'));
  for (const pc of priorityClassManifests()) {
    try {
      await client.create(pc);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }
  for (const name of nodeNames) await client.create(nodeObject(name));

  // What the Connector controller needs to deploy: the participant, its anchor's published keys (and the
  // key its issuer signs the trust list with), the database Secret.
  const at = <T extends KubeObject>(obj: T): T => ({ ...obj, metadata: { ...obj.metadata, namespace: ns } });
  await client.create(at({
    apiVersion: 'musubi.dev/v1alpha1', kind: 'TrustAnchor', metadata: { name: 'jp-anchor' },
    spec: {
      framework: 'Japan', jurisdiction: 'JP', identifierSchemes: ['jp-corporate-number'],
      dataSource: { name: 'NTA mirror', configMap: { name: 'jp-corporate-registry', key: 'registry.yaml' } },
      credentials: [{ type: 'LegalPersonCredential' }], publicURL: 'https://jp-anchor.example.jp',
    },
  } as KubeObject));
  await client.create(at({
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: {
      name: 'jp-anchor-trust-list',
      labels: { 'app.kubernetes.io/managed-by': 'musubi-operator', 'musubi.dev/owner-kind': 'TrustAnchor', 'musubi.dev/owner-name': 'jp-anchor', 'musubi.dev/owner-namespace': ns },
    },
    data: { 'trust-list.json': JSON.stringify(trustList) },
  } as KubeObject));
  await client.create(anchorSigningKeySecret(ns));
  await client.create(at({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'connector-db' }, stringData: { host: 'db', port: '5432', database: 'c', user: 'u', password: 'p' } } as KubeObject));
  await client.create(at(participantObject()));

  const config = operatorConfig();
  const m = new Manager({ client, processMetrics: false });
  const context = { client, config, events: m.eventRecorder('musubi.dev/operator'), now: () => new Date() };
  setupPlacementController(m, { client, placement: config.placement, namespace: ns, events: context.events });
  setupConnectorController(m, context, { placement: orv3Placement(config.placement, false), issuer: issuerWithTrustLists(client) });
  await m.start();
  manager = m;
}, 60_000);

afterAll(async () => {
  if (client) await ignoreNotFound(client.delete({ ...CONNECTOR, namespace: ns, name: 'jp-manufacturer' }));
  await eventually('connector gone', async () => ((await ignoreNotFound(client.get({ ...CONNECTOR, namespace: ns, name: 'jp-manufacturer' }))) ? undefined : true), 30_000).catch(() => undefined);
  await manager?.stop();
  await cleanupNamespace?.();
  for (const name of nodeNames) await ignoreNotFound(client.delete({ ...NODE, name }));
}, 60_000);

test('a Connector that fits no rack says InsufficientPower with the scheduler\'s reason, and recovers when watts free up', async () => {
  // Two fillers take 200 of the 250 W; the connector's 8 CPUs are estimated at about 95 W.
  await client.create(filler('filler-0'));
  await client.create(filler('filler-1'));
  await eventually('fillers bound', async () => {
    const pods = (await client.list(POD, { namespace: ns })).items as Array<KubeObject & { spec?: { nodeName?: string } }>;
    return pods.filter((p) => p.metadata.name?.startsWith('filler-') && p.spec?.nodeName).length === 2 ? true : undefined;
  }, 60_000);

  await client.create({
    ...connectorObject({
      offers: [],
      persistence: { postgres: { secretRef: { name: 'connector-db' } } },
      resources: { requests: { cpu: '8', memory: '1Gi' }, limits: { memory: '1Gi' } },
      placement: { requireORv3: true, powerProfile: 'standard' },
    }),
    metadata: { name: 'jp-manufacturer', namespace: ns },
  });

  const refused = await eventually('PodsScheduled=False InsufficientPower', async () => {
    const status = await connectorStatus();
    return conditionOf(status, 'PodsScheduled')?.reason === 'InsufficientPower' ? status : undefined;
  }, 90_000);
  const estimate = refused.placement?.estimatedWatts ?? 0;
  expect(estimate).toBeGreaterThan(POOL_WATTS - 2 * FILLER_WATTS);
  const condition = conditionOf(refused, 'PodsScheduled');
  expect(condition?.status).toBe('False');
  expect(condition?.message).toMatch(new RegExp(`^Pod ${ns}/jp-manufacturer-connector-[a-z0-9-]+ cannot be scheduled: it requests ${estimate} W of power\\.musubi\\.dev/watts`));
  // The scheduler's own words, quoted.
  expect(condition?.message).toMatch(/The scheduler says: "0\/\d+ nodes are available: .*\d+ Insufficient power\.musubi\.dev\/watts/);
  expect(conditionOf(refused, 'Ready')).toMatchObject({ status: 'False', reason: 'InsufficientPower' });
  const events = (await client.list({ apiVersion: 'events.k8s.io/v1', kind: 'Event' }, { namespace: ns })).items as Array<KubeObject & { type?: string; reason?: string; regarding?: { kind?: string; name?: string } }>;
  expect(events.filter((e) => e.reason === 'InsufficientPower' && e.regarding?.kind === 'Connector')).toEqual([expect.objectContaining({ type: 'Warning' })]);

  // Deleting a filler frees 100 W: the placement controller moves share to a node, the scheduler binds the pod.
  await client.delete({ ...POD, namespace: ns, name: 'filler-0' }, { gracePeriodSeconds: 0 });
  const placed = await eventually('PodsScheduled=True with the rack', async () => {
    const status = await connectorStatus();
    return conditionOf(status, 'PodsScheduled')?.status === 'True' && status.placement?.racks?.length ? status : undefined;
  }, 90_000);
  expect(placed.placement).toEqual({ racks: [rack], estimatedWatts: estimate });
  expect(conditionOf(placed, 'PodsScheduled')?.message).toContain(`run in rack(s) ${rack}`);
  expect(conditionOf(placed, 'Ready')?.reason).not.toBe('InsufficientPower');
}, 240_000);
