import { generateKeyPair } from '@musubi/core/trust';
import type { KubeObject } from '../../runtime/index.js';
import { FakeKubeClient } from '../../runtime/testing/index.js';
import { setupPolicyController } from '../policy/policy.controller.js';
import { CONFIG_MAP, CONNECTOR, DEPLOYMENT, PARTICIPANT, POD_DISRUPTION_BUDGET, POLICY, SECRET, SERVICE } from '../shared/kinds.js';
import { markDeploymentAvailable, readyOf, startTestOperator, type TestOperator } from '../shared/test-operator.js';
import { setupConnectorController } from './controller.js';
import { anchorObject, anchorSigningKeySecret, connectorObject, NS, participantObject, pcfData, policyObject, readyParticipantStatus, trustListConfigMap } from './fixtures.js';
import { IssuerUnavailableError, type IssuerClient } from '../shared/issuer-client.js';
import { childLabels } from '../shared/labels.js';
import { COMPONENT, CONFIG_HASH_ANNOTATION } from './render.js';
import { issuerWithTrustLists } from './test-trust-lists.js';

type ConnectorStatus = { configHash?: string; offers?: number; did?: string; observedGeneration?: number; conditions?: Array<{ type: string; status: string; reason: string; message: string }> };

let op: TestOperator;
let controller: ReturnType<typeof setupConnectorController>;
/** The anchor's issuer as the connector controller sees it; `reachable = false` makes it refuse connections. */
const issuer = { reachable: true };

async function start(client = new FakeKubeClient(), options: { issuerReachable?: boolean } = {}) {
  issuer.reachable = options.issuerReachable ?? true;
  const signing = issuerWithTrustLists(client);
  const flaky: IssuerClient = {
    ...signing,
    trustList: (endpoint, signal) => (issuer.reachable ? signing.trustList(endpoint, signal) : Promise.reject(new IssuerUnavailableError(endpoint, 'ECONNREFUSED'))),
  };
  op = await startTestOperator((manager, context) => {
    setupPolicyController(manager, context);
    controller = setupConnectorController(manager, context, { issuer: flaky });
  }, { client });
  return op;
}
afterEach(() => op.stop());

async function seedWorld(client: FakeKubeClient, options: { participant?: boolean } = {}) {
  client.seed(anchorObject);
  client.seed(anchorSigningKeySecret());
  client.seed(trustListConfigMap);
  client.seed(pcfData);
  await client.create(policyObject);
  if (options.participant ?? true) await createReadyParticipant(client);
}

async function createReadyParticipant(client: FakeKubeClient, spec: Record<string, unknown> = {}, status: Record<string, unknown> = readyParticipantStatus) {
  const created = await client.create(participantObject(spec));
  await client.updateStatus({ ...created, status });
}

const getConnector = () => op.get(CONNECTOR, NS, 'jp-manufacturer');
const statusOf = async () => (await getConnector())?.status as ConnectorStatus | undefined;
const conditionOf = async (type: string) => (await statusOf())?.conditions?.find((c) => c.type === type);
const deployment = (ns = NS) => op.get(DEPLOYMENT, ns, 'jp-manufacturer-connector');
const podHash = async (ns = NS) => ((await deployment(ns))?.spec as { template: { metadata: { annotations: Record<string, string> } } } | undefined)?.template.metadata.annotations[CONFIG_HASH_ANNOTATION];

async function untilReady(reason = 'Ready') {
  return op.until(`connector Ready reason ${reason}`, async () => (readyOf(await getConnector())?.reason === reason ? getConnector() : undefined));
}

test('create → configuration, workload and status; Ready once the Deployment is available', async () => {
  await start();
  await seedWorld(op.client);
  await op.client.create(connectorObject());
  await untilReady('DeploymentProgressing');
  const status = (await statusOf())!;
  expect(status).toEqual(expect.objectContaining({ offers: 1, did: 'did:web:wallet.jp-manufacturer.dataspace.svc', observedGeneration: 1, endpoint: 'https://dsp.jp-manufacturer.dataspace.svc/api/dsp' }));
  expect(await podHash()).toBe(status.configHash);
  for (const [type, name] of [[SERVICE, 'jp-manufacturer-connector'], [CONFIG_MAP, 'jp-manufacturer-connector-config'], [SECRET, 'jp-manufacturer-connector-sources']] as const) {
    const child = await op.get(type, NS, name);
    expect(child?.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Connector', name: 'jp-manufacturer', controller: true })]);
  }
  const sources = (await op.get(SECRET, NS, 'jp-manufacturer-connector-sources'))!.data as Record<string, string>;
  expect(Object.values(sources).map((v) => Buffer.from(v, 'base64').toString())).toEqual([(pcfData.data as Record<string, string>)['pcf.json']]);
  const configMap = (await op.get(CONFIG_MAP, NS, 'jp-manufacturer-connector-config'))!.data as Record<string, string>;
  const config = JSON.parse(configMap['connector.json']!);
  expect(config.identity.dcp.trustList.anchor.did).toBe('did:web:jp-anchor.dataspace.svc');
  expect(configMap['trust-list.jwt']).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
  expect(Object.keys(configMap).sort()).toEqual(['anchor-keys.json', 'connector.json', 'policy-pcf-recyclers-only.json', 'trust-list.jwt']);

  await markDeploymentAvailable(op.client, NS, 'jp-manufacturer-connector');
  await untilReady('Ready');
  expect((await statusOf())?.conditions?.map((c) => `${c.type}=${c.status}`)).toEqual([
    'Ready=True', 'ParticipantReady=True', 'PoliciesReady=True', 'TrustAnchorResolved=True', 'DataSourcesReady=True', 'DeploymentAvailable=True',
    // The in-memory API server runs no ReplicaSet controller: no pods, so no verdict on them.
    'PodsScheduled=Unknown',
  ]);
  expect(await op.events('ConfigurationRendered')).toHaveLength(1);
});

test('a policy change or a new participant credential rolls the pods; a re-reconcile changes nothing', async () => {
  await start();
  await seedWorld(op.client);
  await op.client.create(connectorObject());
  await untilReady('DeploymentProgressing');
  const first = (await statusOf())!.configHash!;

  // Steady state: no writes at all on another reconcile.
  const versions = async () => (await Promise.all([deployment(), op.get(SERVICE, NS, 'jp-manufacturer-connector'), getConnector()])).map((o) => o?.metadata.resourceVersion);
  const before = await versions();
  await op.reconcileNow(controller, `${NS}/jp-manufacturer`);
  expect(await versions()).toEqual(before);

  const policy = (await op.get(POLICY, NS, 'pcf-recyclers-only'))!;
  await op.client.update({ ...policy, spec: { permissions: [{ action: 'use', constraints: [{ leftOperand: 'relationship', operator: 'eq', value: 'supplierOf' }] }] } });
  const second = await op.until('hash after policy change', async () => {
    const hash = (await statusOf())?.configHash;
    return hash && hash !== first ? hash : undefined;
  });
  expect(await podHash()).toBe(second);

  const participant = (await op.get(PARTICIPANT, NS, 'jp-manufacturer'))!;
  const renewed = [{ ...readyParticipantStatus.credentials[0], id: 'urn:uuid:2', expiresAt: '2028-01-01T00:00:00Z' }];
  await op.client.updateStatus({ ...participant, status: { ...readyParticipantStatus, credentials: renewed } });
  const third = await op.until('hash after credential renewal', async () => {
    const hash = (await statusOf())?.configHash;
    return hash && hash !== second ? hash : undefined;
  });
  expect(await podHash()).toBe(third);
});

test('a spec change updates the children and observedGeneration follows', async () => {
  await start();
  await seedWorld(op.client);
  await op.client.create(connectorObject());
  await untilReady('DeploymentProgressing');
  const live = (await getConnector())!;
  await op.client.update({ ...live, spec: { ...(live.spec as object), image: 'registry.example/connector:2' } });
  await op.until('image updated', async () => {
    const containers = ((await deployment())?.spec as { template: { spec: { containers: Array<{ image: string }> } } }).template.spec.containers;
    return containers[0]?.image === 'registry.example/connector:2' ? true : undefined;
  });
  await op.until('observedGeneration 2', async () => ((await statusOf())?.observedGeneration === 2 && readyOf(await getConnector())?.observedGeneration === 2 ? true : undefined));
});

test('deleted and edited children are restored', async () => {
  await start();
  await seedWorld(op.client);
  await op.client.create(connectorObject());
  await untilReady('DeploymentProgressing');
  await op.client.delete({ ...SERVICE, namespace: NS, name: 'jp-manufacturer-connector' });
  await op.until('Service restored', () => op.get(SERVICE, NS, 'jp-manufacturer-connector'));
  const d = (await deployment())!;
  await op.client.update({ ...d, spec: { ...(d.spec as object), replicas: 5 } });
  await op.until('replicas restored', async () => (((await deployment())?.spec as { replicas: number }).replicas === 1 ? true : undefined));
});

test('dangling references: Ready=False naming the missing object, recovering when it appears', async () => {
  await start();
  await seedWorld(op.client, { participant: false });
  await op.client.create(connectorObject({ offers: [...(connectorObject().spec as { offers: unknown[] }).offers, {
    assetId: 'second', dataset: { title: 'Second' }, source: { configMap: { name: 'pcf-data', key: 'pcf.json' } }, policyRef: { name: 'not-yet' },
  }] }));
  const notFound = await untilReady('ParticipantNotFound');
  expect(readyOf(notFound)?.message).toContain('Participant dataspace/jp-manufacturer (spec.participantRef.name) does not exist');
  expect((await conditionOf('PoliciesReady'))?.message).toContain('Policy dataspace/not-yet (spec.offers[1].policyRef.name) does not exist');
  expect((await conditionOf('PoliciesReady'))?.message).toContain('not published until their policy compiles: second');
  expect(await deployment()).toBeUndefined();

  await createReadyParticipant(op.client);
  await untilReady('PolicyNotFound');
  expect((await statusOf())?.offers).toBe(1);

  await op.client.create({ ...policyObject, metadata: { name: 'not-yet', namespace: NS } });
  await untilReady('DeploymentProgressing');
  expect((await statusOf())?.offers).toBe(2);
});

test('an invalid policy or a participant that is not Ready keeps the connector not Ready, saying why', async () => {
  await start();
  await seedWorld(op.client, { participant: false });
  await createReadyParticipant(op.client, {}, { conditions: [{ type: 'Ready', status: 'False', reason: 'IssuerUnavailable', message: 'the issuer at http://x did not answer', lastTransitionTime: '2026-01-01T00:00:00Z' }] });
  await op.client.create(connectorObject());
  const notReady = await untilReady('ParticipantNotReady');
  expect(readyOf(notReady)?.message).toContain('IssuerUnavailable');
  // The workload is deployed meanwhile, so it is up as soon as the participant is.
  expect(await deployment()).toBeDefined();

  const participant = (await op.get(PARTICIPANT, NS, 'jp-manufacturer'))!;
  await op.client.updateStatus({ ...participant, status: readyParticipantStatus });
  await untilReady('DeploymentProgressing');
  const policy = (await op.get(POLICY, NS, 'pcf-recyclers-only'))!;
  await op.client.update({ ...policy, spec: { permissions: [{ action: 'use', constraints: [{ leftOperand: 'count', operator: 'lt', value: 'many' }] }] } });
  const invalid = await untilReady('PolicyInvalid');
  expect(readyOf(invalid)?.message).toContain('Policy pcf-recyclers-only is not valid');
  // Still published under the last valid version.
  expect((await statusOf())?.offers).toBe(1);
});

test('a missing source ConfigMap is named with its field path', async () => {
  await start();
  await seedWorld(op.client);
  await op.client.create(connectorObject({ offers: [{ ...(connectorObject().spec as { offers: Array<Record<string, unknown>> }).offers[0], source: { configMap: { name: 'absent', key: 'x.json' } } }] }));
  const missing = await untilReady('DataSourceNotFound');
  expect(readyOf(missing)?.message).toContain('ConfigMap dataspace/absent does not exist (spec.offers[0].source.configMap)');
});

test('the management and wallet STS tokens are generated once and survive reconciles and an operator restart', async () => {
  const client = new FakeKubeClient();
  await start(client);
  await seedWorld(client);
  await client.create(connectorObject());
  const names = ['jp-manufacturer-connector-management', 'jp-manufacturer-connector-wallet-token'];
  const secrets = await Promise.all(names.map((name) => op.until(`Secret ${name}`, () => op.get(SECRET, NS, name))));
  // The management token, and the connector's client secret at its wallet STS (client_id: its name).
  const tokens = [(secrets[0]!.data as Record<string, string>).token!, (secrets[1]!.data as Record<string, string>)['client-secret']!];
  expect(Buffer.from((secrets[1]!.data as Record<string, string>)['client-id']!, 'base64').toString()).toBe('jp-manufacturer');
  for (const token of tokens) expect(Buffer.from(token, 'base64').toString()).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(tokens[0]).not.toBe(tokens[1]);
  await op.reconcileNow(controller, `${NS}/jp-manufacturer`);
  await op.stop();

  await start(client);
  await op.reconcileNow(controller, `${NS}/jp-manufacturer`);
  for (const [i, name] of names.entries()) {
    const after = (await op.get(SECRET, NS, name))!;
    expect((after.data as Record<string, string>)[i === 0 ? 'token' : 'client-secret']).toBe(tokens[i]);
    expect(after.metadata.resourceVersion).toBe(secrets[i]!.metadata.resourceVersion);
  }
  // The two tokens and the event-signing key (event-signing-key.test.ts).
  expect(client.count('create', 'Secret')).toBe(3);
  expect(await op.events('ManagementTokenCreated')).toHaveLength(1);
  expect(await op.events('WalletTokenCreated')).toHaveLength(1);
  // The pod mounts both where its configuration says.
  const pod = ((await deployment())!.spec as { template: { spec: { volumes: Array<{ name: string; secret?: { secretName: string } }> } } }).template.spec;
  expect(pod.volumes.filter((v) => v.secret).map((v) => v.secret!.secretName).sort()).toEqual([
    'jp-manufacturer-connector-management', 'jp-manufacturer-connector-signing-key', 'jp-manufacturer-connector-sources', 'jp-manufacturer-connector-wallet-token',
  ]);
});

test('no deployment until the issuer hands out a trust list signed with the published keys; the copy then rides out an outage', async () => {
  await start(undefined, { issuerReachable: false });
  await seedWorld(op.client);
  await op.client.create(connectorObject());
  const pending = await op.until('TrustListPending', async () => ((await conditionOf('TrustAnchorResolved'))?.reason === 'TrustListPending' ? conditionOf('TrustAnchorResolved') : undefined));
  expect(pending?.message).toContain('TrustAnchor dataspace/jp-anchor: its issuer at http://jp-anchor-issuer.dataspace.svc.cluster.local:8080 did not hand out the trust list');
  expect(pending?.message).toContain('ECONNREFUSED');
  expect(await deployment()).toBeUndefined();

  issuer.reachable = true;
  await op.reconcileNow(controller, `${NS}/jp-manufacturer`);
  await untilReady('DeploymentProgressing');
  const copied = ((await op.get(CONFIG_MAP, NS, 'jp-manufacturer-connector-config'))!.data as Record<string, string>)['trust-list.jwt'];

  // The issuer restarts: the connector keeps the list its pods already mount, and says where it came from.
  await op.stop();
  await start(op.client, { issuerReachable: false });
  await op.reconcileNow(controller, `${NS}/jp-manufacturer`);
  const resolved = await conditionOf('TrustAnchorResolved');
  expect(resolved).toMatchObject({ status: 'True', reason: 'TrustAnchorResolved' });
  expect(resolved?.message).toContain('with the trust list copied earlier');
  expect(((await op.get(CONFIG_MAP, NS, 'jp-manufacturer-connector-config'))!.data as Record<string, string>)['trust-list.jwt']).toBe(copied);
});

test('a trust list signed with another key than the published one is refused', async () => {
  await start();
  await seedWorld(op.client);
  // Someone replaced the anchor's key Secret behind the TrustAnchor controller's back.
  const secret = (await op.get(SECRET, NS, 'jp-anchor-signing-key'))!;
  const other = await generateKeyPair({ algorithm: 'Ed25519' });
  await op.client.update({ ...secret, data: { ...(secret.data as object), 'signing-key.jwk': Buffer.from(JSON.stringify(other.exportPrivateJwk())).toString('base64') } });
  await op.client.create(connectorObject());
  const refused = await op.until('TrustListPending', async () => ((await conditionOf('TrustAnchorResolved'))?.reason === 'TrustListPending' ? conditionOf('TrustAnchorResolved') : undefined));
  expect(refused?.message).toContain('does not verify against the keys the TrustAnchor publishes');
  expect(await deployment()).toBeUndefined();
});

test('more than one replica gets a PodDisruptionBudget, which goes again with one replica', async () => {
  await start();
  await seedWorld(op.client);
  op.client.seed({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'connector-db', namespace: NS }, data: { host: 'ZGI=', port: 'NTQzMg==', database: 'Yw==', user: 'dQ==', password: 'cA==' } });
  await op.client.create(connectorObject({ replicas: 2, persistence: { postgres: { secretRef: { name: 'connector-db' } } } }));
  await op.until('PDB', () => op.get(POD_DISRUPTION_BUDGET, NS, 'jp-manufacturer-connector'));
  const live = (await getConnector())!;
  await op.client.update({ ...live, spec: { ...(live.spec as object), replicas: 1 } });
  await op.until('PDB removed', async () => ((await op.get(POD_DISRUPTION_BUDGET, NS, 'jp-manufacturer-connector')) ? undefined : true));
});

test('a managed tenant: children in the tenant namespace with owner labels, removed by the finalizer', async () => {
  await start();
  await seedWorld(op.client, { participant: false });
  await createReadyParticipant(op.client, { tenant: { mode: 'Managed', namespace: 'musubi-jp-manufacturer' }, wallet: {} }, { ...readyParticipantStatus, tenantNamespace: 'musubi-jp-manufacturer' });
  await op.client.create(connectorObject());
  const tenant = 'musubi-jp-manufacturer';
  const d = await op.until('deployment in tenant namespace', () => deployment(tenant));
  expect(d.metadata.ownerReferences).toBeUndefined();
  expect(d.metadata.labels).toEqual(expect.objectContaining({ 'musubi.dev/owner-kind': 'Connector', 'musubi.dev/owner-name': 'jp-manufacturer', 'musubi.dev/owner-namespace': NS }));
  expect((await statusOf())?.did).toBe('did:web:jp-manufacturer-wallet.musubi-jp-manufacturer.svc.cluster.local');
  expect((await getConnector())?.metadata.finalizers).toEqual(['musubi.dev/connector-cleanup']);

  await op.client.delete({ ...CONNECTOR, namespace: NS, name: 'jp-manufacturer' });
  await op.until('connector gone', async () => ((await getConnector()) ? undefined : true));
  for (const kind of ['Deployment', 'Service', 'ConfigMap', 'Secret', 'PersistentVolumeClaim', 'ServiceAccount', 'NetworkPolicy']) {
    const left = (await op.client.list({ apiVersion: kind === 'Deployment' ? 'apps/v1' : kind === 'NetworkPolicy' ? 'networking.k8s.io/v1' : 'v1', kind }, { namespace: tenant })).items;
    expect(left.map((o: KubeObject) => o.metadata.name)).toEqual([]);
  }
});

test('a tenant namespace not set up yet holds the deployment back', async () => {
  await start();
  await seedWorld(op.client, { participant: false });
  await createReadyParticipant(op.client, { tenant: { mode: 'Managed' } }, readyParticipantStatus);
  await op.client.create(connectorObject());
  const waiting = await untilReady('TenantNamespacePending');
  expect(readyOf(waiting)?.message).toContain('musubi-jp-manufacturer');
  expect(await deployment('musubi-jp-manufacturer')).toBeUndefined();
});

const POD = { apiVersion: 'v1', kind: 'Pod' } as const;

/** A connector pod as the ReplicaSet controller makes it from the Deployment's template (owner labels included). */
function connectorPod(name: string, status: Record<string, unknown>, nodeName?: string): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: NS, labels: childLabels({ apiVersion: 'musubi.dev/v1alpha1', kind: 'Connector', name: 'jp-manufacturer', namespace: NS, uid: 'u' }, COMPONENT) },
    spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'connector', image: 'x', resources: { requests: { cpu: '100m', 'power.musubi.dev/watts': '3' }, limits: { 'power.musubi.dev/watts': '3' } } }] },
    status,
  } as KubeObject;
}

test('a pod the scheduler refuses for want of watts: PodsScheduled=False and Ready say so, an Event too; once bound, the racks show', async () => {
  await start();
  await seedWorld(op.client);
  op.client.seed({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'orv3-a-07', labels: { 'topology.musubi.dev/rack': 'rack-a' } }, status: {} } as KubeObject);
  await op.client.create(connectorObject());
  await op.until('deployment', () => deployment());
  await markDeploymentAvailable(op.client, NS, 'jp-manufacturer-connector');
  const said = '0/35 nodes are available: 34 Insufficient power.musubi.dev/watts, 1 node(s) didn\'t match Pod\'s node affinity/selector.';
  await op.client.create(connectorPod('jp-manufacturer-connector-abc12', {
    phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: said }],
  }));
  const refused = await untilReady('InsufficientPower');
  expect(readyOf(refused)?.status).toBe('False');
  const condition = await conditionOf('PodsScheduled');
  expect(condition).toMatchObject({ status: 'False', reason: 'InsufficientPower' });
  expect(condition?.message).toContain(`Pod ${NS}/jp-manufacturer-connector-abc12 cannot be scheduled: it requests 3 W of power.musubi.dev/watts`);
  expect(condition?.message).toContain(`The scheduler says: "${said}"`);
  const events = await op.until('InsufficientPower event', async () => ((await op.events('InsufficientPower')).length > 0 ? op.events('InsufficientPower') : undefined));
  expect(events).toEqual([expect.objectContaining({ type: 'Warning', regarding: expect.objectContaining({ name: 'jp-manufacturer' }) })]);

  // Watts freed: the scheduler binds the pod and it becomes ready.
  const pod = (await op.get(POD, NS, 'jp-manufacturer-connector-abc12'))!;
  await op.client.update({ ...pod, spec: { ...(pod.spec as object), nodeName: 'orv3-a-07' } });
  const bound = (await op.get(POD, NS, 'jp-manufacturer-connector-abc12'))!;
  await op.client.updateStatus({ ...bound, status: { phase: 'Running', conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'True' }] } });
  await untilReady('Ready');
  expect(await conditionOf('PodsScheduled')).toMatchObject({ status: 'True', reason: 'PodsScheduled' });
  expect((await getConnector())?.status).toEqual(expect.objectContaining({ placement: { racks: ['rack-a'] } }));
  expect(await op.events('InsufficientPower')).toHaveLength(1);
});

test('an operator restart that fetches a re-signed but identical trust list keeps the stored copy and the config hash', async () => {
  await start();
  await seedWorld(op.client);
  await op.client.create(connectorObject());
  await untilReady('DeploymentProgressing');
  const configMap = async () => ((await op.get(CONFIG_MAP, NS, 'jp-manufacturer-connector-config'))!.data as Record<string, string>)['trust-list.jwt'];
  const copied = await configMap();
  const hash = (await statusOf())!.configHash;

  // A new operator process has no cache: it fetches the list again, which the issuer signs anew.
  await op.stop();
  await start(op.client);
  await op.reconcileNow(controller, `${NS}/jp-manufacturer`);
  expect(await configMap()).toBe(copied);
  expect((await statusOf())!.configHash).toBe(hash);
});
