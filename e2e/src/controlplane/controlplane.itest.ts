import { randomBytes } from 'node:crypto';
import { ApiextensionsV1Api, AppsV1Api, CustomObjectsApi, Watch, type CoreV1Api, type V1CustomResourceDefinition, type V1Pod } from '@kubernetes/client-node';
import { eventually } from '@musubi/operator/runtime/testing';
import { createOrv3Racks, deleteOrv3Racks, ORV3_LABELS, type Orv3Rack } from './racks.js';
import { testNamespace, type TestNamespace } from './test-namespace.js';

// Proof that `make controlplane` builds a real control plane: the API server validates and streams
// objects of a CRD defined here, the real kube-scheduler binds by node affinity onto kwok's nodes,
// kwok runs the pods, and the real kube-controller-manager collects garbage and rolls out Deployments.

let ns: TestNamespace;
let core: CoreV1Api;
let racks: Orv3Rack[];
const suffix = randomBytes(3).toString('hex');

beforeAll(async () => {
  ns = await testNamespace('controlplane');
  core = ns.core;
  racks = await createOrv3Racks(core, { racks: 2, nodesPerRack: 3, namePrefix: `cp-${suffix}` });
  // kwok marks them Ready; the node lifecycle controller then lifts the not-ready taint the API server
  // put on them at registration (TaintNodesByCondition), after which they can take pods.
  await eventually('simulated nodes Ready and untainted', async () => {
    const nodes = await core.listNode({ labelSelector: `${ORV3_LABELS.rack} in (${racks.map((r) => r.name).join(',')})` });
    const usable = nodes.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') && !(n.spec?.taints ?? []).length);
    return usable.length === 6 ? usable : undefined;
  }, 30_000, 200);
}, 60_000);

afterAll(async () => {
  await ns?.cleanup();
  if (racks) await deleteOrv3Racks(core, racks);
});

test('nodes carry the ORv3 rack labels and the capacity they were registered with', async () => {
  const node = await core.readNode({ name: racks[1]!.nodes[2]! });
  expect(node.metadata?.labels).toMatchObject({
    [ORV3_LABELS.rack]: racks[1]!.name,
    [ORV3_LABELS.nodeClass]: 'orv3',
    [ORV3_LABELS.zone]: `cp-${suffix}-zone-a`,
    [ORV3_LABELS.hostname]: racks[1]!.nodes[2],
  });
  expect(node.status?.allocatable).toMatchObject({ cpu: '64', memory: '256Gi', pods: '110' });
});

describe('a CRD defined here', () => {
  const group = `proof-${suffix}.musubi.dev`;
  const crdName = `gadgets.${group}`;
  let extensions: ApiextensionsV1Api;

  beforeAll(async () => {
    extensions = ns.kubeConfig.makeApiClient(ApiextensionsV1Api);
    const crd: V1CustomResourceDefinition = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: crdName },
      spec: {
        group,
        scope: 'Namespaced',
        names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList' },
        versions: [{
          name: 'v1', served: true, storage: true,
          schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', required: ['size'], properties: { size: { type: 'integer', minimum: 1 } } } } } },
        }],
      },
    };
    await extensions.createCustomResourceDefinition({ body: crd });
    await eventually(`CRD ${crdName} Established`, async () => {
      const got = await extensions.readCustomResourceDefinition({ name: crdName });
      return got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ? true : undefined;
    }, 30_000);
    // Established means accepted; the watch cache of the new resource may still be filling, during
    // which the API server answers 429 (clients retry on Retry-After). Tests start once it serves.
    const custom = ns.kubeConfig.makeApiClient(CustomObjectsApi);
    await eventually(`${crdName} served`, () => custom.listNamespacedCustomObject({ group, version: 'v1', namespace: ns.name, plural: 'gadgets' }), 30_000, 200);
  }, 40_000);

  afterAll(async () => {
    await extensions?.deleteCustomResourceDefinition({ name: crdName });
  });

  test('a watch streams an object created after it started', async () => {
    const custom = ns.kubeConfig.makeApiClient(CustomObjectsApi);
    const path = `/apis/${group}/v1/namespaces/${ns.name}/gadgets`;
    let received: ((value: { type: string; object: { metadata: { name: string }; spec: unknown } }) => void) | undefined;
    const added = new Promise<{ type: string; object: { metadata: { name: string }; spec: unknown } }>((resolve) => (received = resolve));
    let closed: (() => void) | undefined;
    const done = new Promise<void>((resolve) => (closed = resolve));
    // watch() resolves once the API server has answered, so the stream is open before the create.
    const watch = await new Watch(ns.kubeConfig).watch(path, {}, (type, object) => received?.({ type, object }), () => closed?.());
    try {
      await custom.createNamespacedCustomObject({
        group, version: 'v1', namespace: ns.name, plural: 'gadgets',
        body: { apiVersion: `${group}/v1`, kind: 'Gadget', metadata: { name: 'watched' }, spec: { size: 3 } },
      });
      let timer: NodeJS.Timeout | undefined;
      const event = await Promise.race([added, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('no watch event within 10 s')), 10_000)))])
        .finally(() => clearTimeout(timer));
      expect(event).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'watched' }, spec: { size: 3 } } });
    } finally {
      watch.abort();
      await done;
    }
  }, 20_000);

  test('the API server rejects an object its schema forbids, naming the field', async () => {
    const custom = ns.kubeConfig.makeApiClient(CustomObjectsApi);
    const create = custom.createNamespacedCustomObject({
      group, version: 'v1', namespace: ns.name, plural: 'gadgets',
      body: { apiVersion: `${group}/v1`, kind: 'Gadget', metadata: { name: 'too-small' }, spec: { size: 0 } },
    });
    await expect(create).rejects.toMatchObject({ code: 422 });
    const err = await create.catch((e: { body?: unknown }) => e);
    expect(typeof err.body === 'string' ? err.body : JSON.stringify(err.body)).toContain('spec.size');
  });
});

test('the real scheduler binds a pod by required node affinity to a matching kwok node, and kwok runs it', async () => {
  const rack = racks[1]!;
  await core.createNamespacedPod({
    namespace: ns.name,
    body: {
      metadata: { name: 'affine' },
      spec: {
        containers: [{ name: 'app', image: 'registry.invalid/app:1', resources: { requests: { cpu: '100m' } } }],
        affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: ORV3_LABELS.rack, operator: 'In', values: [rack.name] }] }] } } },
      },
    },
  });
  const pod = await eventually('pod bound and Running', async () => {
    const p: V1Pod = await core.readNamespacedPod({ namespace: ns.name, name: 'affine' });
    return p.spec?.nodeName && p.status?.phase === 'Running' ? p : undefined;
  }, 30_000, 200);
  expect(rack.nodes).toContain(pod.spec?.nodeName);
  expect(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
  expect(pod.status?.podIP).toMatch(/^10\.244\./);
}, 40_000);

test('the real kube-controller-manager deletes the dependents of a deleted owner', async () => {
  const owner = await core.createNamespacedConfigMap({ namespace: ns.name, body: { metadata: { name: 'owner' } } });
  await core.createNamespacedConfigMap({
    namespace: ns.name,
    body: { metadata: { name: 'dependent', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata!.uid! }] } },
  });
  await core.deleteNamespacedConfigMap({ namespace: ns.name, name: 'owner' });
  await eventually('dependent garbage-collected', async () => {
    const left = await core.listNamespacedConfigMap({ namespace: ns.name, fieldSelector: 'metadata.name=dependent' });
    return left.items.length === 0 ? true : undefined;
  }, 30_000, 200);
}, 40_000);

test('a Deployment becomes Available on kwok nodes', async () => {
  const apps = ns.kubeConfig.makeApiClient(AppsV1Api);
  await apps.createNamespacedDeployment({
    namespace: ns.name,
    body: {
      metadata: { name: 'web' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [{ name: 'web', image: 'registry.invalid/web:1' }],
            nodeSelector: { [ORV3_LABELS.rack]: racks[0]!.name },
          },
        },
      },
    },
  });
  const deployment = await eventually('Deployment Available', async () => {
    const d = await apps.readNamespacedDeployment({ namespace: ns.name, name: 'web' });
    return d.status?.availableReplicas === 2 && d.status.conditions?.some((c) => c.type === 'Available' && c.status === 'True') ? d : undefined;
  }, 40_000, 200);
  expect(deployment.status?.readyReplicas).toBe(2);
  const pods = await core.listNamespacedPod({ namespace: ns.name, labelSelector: 'app=web' });
  for (const pod of pods.items) expect(racks[0]!.nodes).toContain(pod.spec?.nodeName);
}, 50_000);
