import {
  checkCredentialStatus, createDidWebResolver, createHttpStatusListFetcher, createKeyResolver, createStatusListResolver, isTrustError, verifyCredentialJwt,
  type StatusListResolver, type VerifiedCredential,
} from '@musubi/core/trust';
import { OperatorConfig } from '@musubi/operator/config';
import {
  CONFIG_MAP, CONNECTOR, DEPLOYMENT, HttpIssuerClient, NAMESPACE, OWNER_NAMESPACE_LABEL, PARTICIPANT, POLICY, SECRET, SERVICE, SERVICE_ACCOUNT, TRUST_ANCHOR,
  apiTokenSecretName, buildOperator, connectorConfigMapName, connectorName, credentialsSecretName, issuerEndpoint, issuerName, signingKeySecretName, walletName,
} from '@musubi/operator/controllers';
import { priorityClassManifests } from '@musubi/operator/placement';
import { createJsonLogger, ignoreNotFound, isAlreadyExists, ownerLabels, type KubeObject, type Logger, type Manager, type ResourceType, type RestKubeClient } from '@musubi/operator/runtime';
import { eventually, testNamespace } from '@musubi/operator/runtime/testing';
import { LocalWorkloadRunner } from '../localpods/index.js';

// The operator against the real control plane: kube-apiserver with the Musubi CRDs, the scheduler,
// kube-controller-manager and kwok (which runs the pods on simulated nodes). kwok's pods run no code,
// so the local workload runner runs the real trust-services issuers and wallets for the Deployments
// the operator creates, from the ConfigMaps and Secrets their pods mount; the operator reaches them
// through the runner's fetch by their in-cluster names. Credentials are issued, verified (did:web
// documents served by those issuers and wallets) and revoked (their status lists) for real.

const READY_TIMEOUT_MS = 90_000;
let client: RestKubeClient;
let ns: string;
let cleanupNamespace: () => Promise<void>;
let runner: LocalWorkloadRunner;
let operator: Manager | undefined;
const nodes: string[] = [];
// MUSUBI_TEST_LOG=debug shows the operator's and the services' logs.
const logger: Logger = createJsonLogger({ level: (process.env.MUSUBI_TEST_LOG as 'debug' | undefined) ?? 'error' });

const api = 'musubi.dev/v1alpha1';
const tenant = () => `${ns}-recycler`;
const anchorDid = (name: string) => `did:web:${name}.${ns}.svc`;

// The anchors' trusted data source: a local mirror of the registries they check identifiers against.
const REGISTRY = `
- { scheme: jp-corporate-number, value: "3010401099999", legalName: "Musubi Motors Co., Ltd.", country: JP }
- { scheme: eu-vat, value: DE812345673, legalName: Kreislauf Recycling GmbH, country: DE }
`;

function manifests(): KubeObject[] {
  const anchor = (name: string, jp: boolean, recognises: string): KubeObject => ({
    apiVersion: api, kind: 'TrustAnchor', metadata: { name, namespace: ns },
    spec: {
      framework: jp ? 'Japan' : 'EU', jurisdiction: jp ? 'JP' : 'EU', identifierSchemes: [jp ? 'jp-corporate-number' : 'eu-vat'],
      dataSource: { name: 'registry mirror', configMap: { name: 'registry', key: 'registry.yaml' } },
      credentials: [{ type: 'LegalPersonCredential', validity: '8760h' }, { type: 'DataspaceMembershipCredential', validity: '8760h' }],
      publicURL: `https://${name}.${ns}.svc`,
      recognises: [{ name: recognises, anchorRef: { name: recognises === 'eu' ? 'eu-anchor' : 'jp-anchor' }, maxStaleness: '24h' }],
    },
  });
  return [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'registry', namespace: ns }, data: { 'registry.yaml': REGISTRY } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'pcf-data', namespace: ns }, data: { 'pcf.json': '{"pcf": 8123.4}' } },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'connector-db', namespace: ns }, stringData: { host: 'db', port: '5432', database: 'c', user: 'u', password: 'p' } },
    anchor('jp-anchor', true, 'eu'),
    anchor('eu-anchor', false, 'japan'),
    {
      apiVersion: api, kind: 'Participant', metadata: { name: 'jp-manufacturer', namespace: ns },
      spec: {
        legalName: 'Musubi Motors Co., Ltd.', country: 'JP', identifiers: [{ scheme: 'jp-corporate-number', value: '3010401099999' }],
        trustAnchorRef: { name: 'jp-anchor' }, members: [{ id: 'lead', roles: ['sustainability-officer'] }],
        relationships: [{ type: 'recyclerOf', participantRef: { name: 'de-recycler' } }],
        wallet: { publicURL: `https://wallet.jp-manufacturer.${ns}.svc` },
      },
    },
    {
      apiVersion: api, kind: 'Participant', metadata: { name: 'de-recycler', namespace: ns },
      spec: {
        legalName: 'Kreislauf Recycling GmbH', country: 'DE', identifiers: [{ scheme: 'eu-vat', value: 'DE812345673' }],
        trustAnchorRef: { name: 'eu-anchor' }, tenant: { mode: 'Managed', namespace: tenant(), quota: { cpu: '2', memory: '4Gi', pods: 10 } },
      },
    },
    {
      apiVersion: api, kind: 'Policy', metadata: { name: 'pcf-recyclers-only', namespace: ns },
      spec: { permissions: [{ action: 'use', constraints: [{ leftOperand: 'relationship', operator: 'eq', value: 'recyclerOf' }, { leftOperand: 'jurisdiction', operator: 'isAnyOf', values: ['JP', 'EU'] }] }], prohibitions: [{ action: 'distribute' }] },
    },
    {
      apiVersion: api, kind: 'Connector', metadata: { name: 'jp-manufacturer', namespace: ns },
      spec: {
        participantRef: { name: 'jp-manufacturer' }, publicURL: `https://dsp.jp-manufacturer.${ns}.svc/api/dsp`,
        offers: [{ assetId: 'pcf-hybrid-2026', dataset: { title: 'PCF hybrid 2026' }, source: { configMap: { name: 'pcf-data', key: 'pcf.json' } }, policyRef: { name: 'pcf-recyclers-only' } }],
        persistence: { postgres: { secretRef: { name: 'connector-db' } } },
      },
    },
    {
      apiVersion: api, kind: 'Connector', metadata: { name: 'de-recycler', namespace: ns },
      spec: { participantRef: { name: 'de-recycler' }, publicURL: `https://dsp.de-recycler.${tenant()}.svc/api/dsp`, persistence: { postgres: { secretRef: { name: 'connector-db' } } } },
    },
  ];
}

function startOperator(): Promise<void> {
  const config = OperatorConfig.parse({ namespace: ns });
  operator = buildOperator({
    config, client, logger, serveEndpoints: false, leaderElection: false,
    issuer: new HttpIssuerClient({ timeoutMs: 5000, fetch: runner.fetch }),
  });
  return operator.start();
}

async function stopOperator(): Promise<void> {
  await operator?.stop();
  operator = undefined;
}

const readyOf = (obj: KubeObject | undefined) => (obj?.status as { conditions?: Array<{ type: string; status: string; reason: string; message: string }> } | undefined)?.conditions?.find((c) => c.type === 'Ready');

async function untilReady(type: ResourceType, name: string): Promise<KubeObject> {
  let last: KubeObject | undefined;
  try {
    return await eventually(`${type.kind} ${name} Ready`, async () => {
      last = await ignoreNotFound(client.get({ ...type, namespace: ns, name }));
      return readyOf(last)?.status === 'True' ? last : undefined;
    }, READY_TIMEOUT_MS, 250);
  } catch (err) {
    throw new Error(`${(err as Error).message}; last Ready condition: ${JSON.stringify(readyOf(last))}; local workloads: ${JSON.stringify(runner.status())}`, { cause: err });
  }
}

/** Every child of the Musubi objects in the test namespace, by kind/namespace/name → resourceVersion. */
async function childVersions(): Promise<Map<string, string>> {
  const versions = new Map<string, string>();
  const owners: KubeObject[] = [];
  for (const type of [TRUST_ANCHOR, PARTICIPANT, CONNECTOR, POLICY]) owners.push(...(await client.list(type, { namespace: ns })).items);
  for (const owner of owners) {
    versions.set(`${owner.kind}/${owner.metadata.name}`, owner.metadata.resourceVersion ?? '');
    for (const type of [NAMESPACE, CONFIG_MAP, SECRET, SERVICE, SERVICE_ACCOUNT, DEPLOYMENT]) {
      for (const child of (await client.list(type, { labelSelector: { matchLabels: ownerLabels(owner) } })).items) {
        versions.set(`${child.kind}/${child.metadata.namespace ?? ''}/${child.metadata.name}`, child.metadata.resourceVersion ?? '');
      }
    }
  }
  return versions;
}

/** Waits until a started operator has reconciled every object once (per controller) and its queues are empty. */
async function untilSettled(manager: Manager, objects: Record<string, number>): Promise<void> {
  await eventually('the operator settled', async () => {
    const metric = await manager.registry.getSingleMetric('controller_runtime_reconcile_total')?.get();
    const count = (controller: string) => (metric?.values ?? []).filter((v) => v.labels.controller === controller).reduce((sum, v) => sum + v.value, 0);
    const depth = await manager.registry.getSingleMetric('workqueue_depth')?.get();
    const queued = (depth?.values ?? []).reduce((sum, v) => sum + v.value, 0);
    const behind = Object.entries(objects).filter(([controller, n]) => count(controller) < n).map(([controller, n]) => `${controller} ${count(controller)}/${n}`);
    if (behind.length === 0 && queued === 0) return true;
    throw new Error(`reconciled ${behind.join(', ') || 'all'}; ${queued} queued`);
  }, 30_000, 200);
}

/**
 * How anyone outside the operator checks a credential: the issuer's key from its did:web document
 * (served by the running issuer or wallet, reached through the runner), then its status list.
 */
function credentialChecker(): { verify(jwt: string): Promise<VerifiedCredential>; status: StatusListResolver } {
  const keys = createKeyResolver(createDidWebResolver({ fetch: runner.fetch, cacheTtlMs: 0 }));
  const status = createStatusListResolver({
    fetch: createHttpStatusListFetcher({ fetch: runner.fetch }),
    verify: (raw) => verifyCredentialJwt(String(raw), { keys }),
    cacheTtlMs: 0,
  });
  return { verify: (jwt) => verifyCredentialJwt(jwt, { keys }), status };
}

/** The vc+jwt credentials in a participant's credentials Secret. */
async function heldCredentials(participant: string, namespace: string): Promise<string[]> {
  const secret = await client.get({ ...SECRET, namespace, name: credentialsSecretName(participant) });
  return Object.values((secret.data ?? {}) as Record<string, string>).map((v) => Buffer.from(v, 'base64').toString('utf8'));
}

beforeAll(async () => {
  ({ client, namespace: ns, cleanup: cleanupNamespace } = await testNamespace('operator'));
  for (const pc of priorityClassManifests()) {
    try {
      await client.create(pc);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }
  // Two simulated nodes for this suite; kwok makes them Ready and runs what is bound to them.
  for (const i of [0, 1]) {
    const name = `${ns}-node-${i}`;
    const capacity = { cpu: '16', memory: '64Gi', pods: '110' };
    await client.create({
      apiVersion: 'v1', kind: 'Node',
      metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', type: 'kwok' }, annotations: { 'kwok.x-k8s.io/node': 'fake' } },
      spec: {}, status: { capacity, allocatable: capacity },
    });
    nodes.push(name);
  }
  await eventually('default ServiceAccount', () => ignoreNotFound(client.get({ ...SERVICE_ACCOUNT, namespace: ns, name: 'default' })), 30_000, 200);
  // Only this suite's workloads: every child the operator makes for these objects carries their namespace.
  runner = await LocalWorkloadRunner.start({ client, logger, selector: { matchLabels: { [OWNER_NAMESPACE_LABEL]: ns } } });
}, 60_000);

afterAll(async () => {
  if (!operator && client) await startOperator().catch(() => undefined);
  // Finalizers run while the operator does: revocation, the tenant namespace.
  for (const type of [CONNECTOR, PARTICIPANT]) {
    for (const obj of (await client.list(type, { namespace: ns })).items) await ignoreNotFound(client.delete({ ...type, namespace: ns, name: obj.metadata.name! }));
  }
  await eventually('participants and connectors gone', async () => {
    const left = [...(await client.list(PARTICIPANT, { namespace: ns })).items, ...(await client.list(CONNECTOR, { namespace: ns })).items];
    return left.length === 0 ? true : undefined;
  }, 30_000, 200).catch(() => undefined);
  await stopOperator();
  await runner?.stop();
  for (const name of nodes) await ignoreNotFound(client.delete({ apiVersion: 'v1', kind: 'Node', name }));
  await cleanupNamespace?.();
}, 60_000);

test('create → Ready: anchors, participants with verified credentials, the policy and running connectors', async () => {
  await startOperator();
  for (const obj of manifests()) await client.apply(obj, { fieldManager: 'musubi-itest' });

  const policy = await untilReady(POLICY, 'pcf-recyclers-only');
  expect((policy.status as { digest?: string }).digest).toMatch(/^sha256:/);
  await untilReady(TRUST_ANCHOR, 'jp-anchor');
  const eu = await untilReady(TRUST_ANCHOR, 'eu-anchor');
  // The issuers keep their state on claims the runner's local provisioner gave volumes to.
  for (const anchor of ['jp-anchor', 'eu-anchor']) {
    const claim = await client.get({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: ns, name: `${issuerName(anchor)}-data` });
    expect((claim.status as { phase?: string } | undefined)?.phase).toBe('Bound');
  }
  // The state is what the EU issuer reports; the issuers start in either order, so its first fetch of
  // the other's trust list may have found it not yet serving (see the recognition test for freshness).
  expect((eu.status as { recognisedAnchors?: unknown[] }).recognisedAnchors)
    .toEqual([expect.objectContaining({ name: 'japan', did: anchorDid('jp-anchor'), state: expect.stringMatching(/^(Fresh|Unreachable|Pending)$/) })]);

  const manufacturer = await untilReady(PARTICIPANT, 'jp-manufacturer');
  const held = (manufacturer.status as { credentials?: Array<{ id: string; type: string; issuer: string }> }).credentials ?? [];
  expect(held.map((c) => c.type).sort()).toEqual(['DataspaceMembershipCredential', 'EmployeeCredential', 'LegalPersonCredential', 'RelationshipCredential']);
  expect(held.filter((c) => c.issuer === anchorDid('jp-anchor'))).toHaveLength(2);
  // Each credential verifies against its issuer's did:web document — the anchor's issuer for what it
  // issued, the participant's wallet for what the participant signed — and none is revoked.
  const checker = credentialChecker();
  const verified = await Promise.all((await heldCredentials('jp-manufacturer', ns)).map((jwt) => checker.verify(jwt)));
  expect(verified.map((v) => v.credential.id).sort()).toEqual(held.map((c) => c.id).sort());
  expect(new Set(verified.map((v) => v.issuer))).toEqual(new Set([anchorDid('jp-anchor'), `did:web:wallet.jp-manufacturer.${ns}.svc`]));
  for (const v of verified) await expect(checkCredentialStatus(v.credential, checker.status)).resolves.toBeDefined();

  const recycler = await untilReady(PARTICIPANT, 'de-recycler');
  expect((recycler.status as { tenantNamespace?: string }).tenantNamespace).toBe(tenant());
  const connector = await untilReady(CONNECTOR, 'jp-manufacturer');
  // readyReplicas may be 2 for a moment: the pods roll once the participant's credentials arrive.
  expect(connector.status).toEqual(expect.objectContaining({ offers: 1, readyReplicas: expect.any(Number), did: `did:web:wallet.jp-manufacturer.${ns}.svc` }));
  await untilReady(CONNECTOR, 'de-recycler');
  const recyclerDeployment = await client.get({ ...DEPLOYMENT, namespace: tenant(), name: 'de-recycler-connector' });
  expect(recyclerDeployment.metadata.ownerReferences).toBeUndefined();
  expect(runner.status().filter((w) => w.phase === 'Running').map((w) => `${w.namespace}/${w.deployment}`).sort())
    .toEqual([`${ns}/${issuerName('eu-anchor')}`, `${ns}/${issuerName('jp-anchor')}`, `${ns}/${walletName('jp-manufacturer')}`, `${tenant()}/${walletName('de-recycler')}`].sort());
}, 240_000);

/** Every Deployment rolled out completely and every Connector reporting what its Deployment has. */
async function untilRolledOut(): Promise<void> {
  await eventually('rolled out', async () => {
    for (const namespace of [ns, tenant()]) {
      for (const d of (await client.list(DEPLOYMENT, { namespace, labelSelector: { matchLabels: { 'app.kubernetes.io/managed-by': 'musubi-operator' } } })).items) {
        const spec = d.spec as { replicas: number };
        const status = (d.status ?? {}) as { observedGeneration?: number; replicas?: number; readyReplicas?: number; updatedReplicas?: number };
        const done = status.observedGeneration === d.metadata.generation && status.replicas === spec.replicas && status.readyReplicas === spec.replicas && status.updatedReplicas === spec.replicas;
        if (!done) throw new Error(`Deployment ${namespace}/${d.metadata.name} is rolling out: ${JSON.stringify(status)}`);
      }
    }
    for (const c of (await client.list(CONNECTOR, { namespace: ns })).items) {
      const status = c.status as { readyReplicas?: number };
      if (status.readyReplicas !== 1 || readyOf(c)?.status !== 'True') throw new Error(`Connector ${c.metadata.name} reports ${JSON.stringify(status.readyReplicas)} ready replicas`);
    }
    return true;
  }, 60_000, 250);
}

test('re-applying the manifests and restarting the operator change nothing: no new resourceVersions, no new keys', async () => {
  await untilRolledOut();
  // The issuers start in either order, so the first to start may find the other not yet serving; it
  // retries within seconds (backoff), and its trust list then names the anchor it recognises — a real
  // change of content, which the connectors' configuration follows. Wait for that steady state; after
  // it, re-signing the same list (a restart, a refresh) must change nothing anywhere.
  for (const anchor of ['jp-anchor', 'eu-anchor']) {
    await eventually(`${anchor}'s trust list names the anchor it recognises`, async () => {
      const response = await runner.fetch(`${issuerEndpoint(anchor, ns, 'cluster.local')}/trust-list`);
      const payload = JSON.parse(Buffer.from((await response.text()).trim().split('.')[1] ?? '', 'base64url').toString()) as { credentialSubject?: { recognises?: unknown[] } };
      if (payload.credentialSubject?.recognises?.length !== 1) throw new Error(`recognises: ${JSON.stringify(payload.credentialSubject?.recognises)}`);
      return true;
    }, 30_000, 200);
  }
  await stopOperator();
  await startOperator();
  await untilSettled(operator!, { trustanchor: 2, participant: 2, policy: 1, connector: 2 });
  await untilRolledOut();
  const before = await childVersions();
  expect(before.size).toBeGreaterThan(30);
  const keysBefore = await client.get({ ...SECRET, namespace: ns, name: signingKeySecretName('jp-anchor') });
  const startsBefore = runner.status().map((w) => `${w.deployment}:${w.starts}`);
  for (const obj of manifests()) await client.apply(obj, { fieldManager: 'musubi-itest' });
  await stopOperator();
  await startOperator();
  await untilSettled(operator!, { trustanchor: 2, participant: 2, policy: 1, connector: 2 });
  const after = await childVersions();
  const changed = [...after].filter(([key, rv]) => before.get(key) !== rv).map(([key]) => key);
  expect(changed).toEqual([]);
  const keysAfter = await client.get({ ...SECRET, namespace: ns, name: signingKeySecretName('jp-anchor') });
  expect(keysAfter.data).toEqual(keysBefore.data);
  const walletKeys = (await client.list(SECRET, { namespace: tenant() })).items.filter((s) => s.metadata.name?.endsWith('-wallet-key'));
  expect(walletKeys).toHaveLength(1);
  // Nothing the issuers and wallets run from changed either, so none of them was restarted.
  expect(runner.status().map((w) => `${w.deployment}:${w.starts}`)).toEqual(startsBefore);
}, 120_000);

test('a spec change reaches the children, a deleted child comes back, a dangling reference says what is missing', async () => {
  // Spec change: the rendered configuration follows and observedGeneration catches up.
  const changed = manifests().map((obj) => {
    if (obj.kind !== 'Connector' || obj.metadata.name !== 'jp-manufacturer') return obj;
    const spec = structuredClone(obj.spec) as { offers: Array<{ dataset: { title: string } }> };
    spec.offers[0]!.dataset.title = 'PCF hybrid 2026, revision 2';
    return { ...obj, spec };
  });
  for (const obj of changed) await client.apply(obj, { fieldManager: 'musubi-itest' });
  await eventually('configuration and observedGeneration follow the spec', async () => {
    const config = await client.get({ ...CONFIG_MAP, namespace: ns, name: connectorConfigMapName('jp-manufacturer') });
    const connector = await client.get({ ...CONNECTOR, namespace: ns, name: 'jp-manufacturer' });
    const observed = (connector.status as { observedGeneration?: number }).observedGeneration;
    return JSON.stringify(config.data).includes('revision 2') && observed === connector.metadata.generation ? true : undefined;
  }, 30_000, 200);

  // A child someone deletes is put back.
  const service = await client.get({ ...SERVICE, namespace: ns, name: connectorName('jp-manufacturer') });
  await client.delete({ ...SERVICE, namespace: ns, name: connectorName('jp-manufacturer') });
  const restored = await eventually('service restored', async () => {
    const s = await ignoreNotFound(client.get({ ...SERVICE, namespace: ns, name: connectorName('jp-manufacturer') }));
    return s && s.metadata.uid !== service.metadata.uid ? s : undefined;
  }, 30_000, 200);
  expect(restored.metadata.ownerReferences?.[0]?.name).toBe('jp-manufacturer');

  // A dangling reference: Ready=False naming the missing Policy, Ready once it appears.
  await client.apply({
    apiVersion: api, kind: 'Connector', metadata: { name: 'late', namespace: ns },
    spec: {
      participantRef: { name: 'jp-manufacturer' }, publicURL: `https://late.${ns}.svc/api/dsp`,
      offers: [{ assetId: 'late-asset', dataset: { title: 'Late' }, source: { configMap: { name: 'pcf-data', key: 'pcf.json' } }, policyRef: { name: 'late-policy' } }],
      persistence: { postgres: { secretRef: { name: 'connector-db' } } },
    },
  }, { fieldManager: 'musubi-itest' });
  const waiting = await eventually('late connector reports the missing policy', async () => {
    const ready = readyOf(await client.get({ ...CONNECTOR, namespace: ns, name: 'late' }));
    return ready?.status === 'False' && ready.message.includes('late-policy') ? ready : undefined;
  }, 30_000, 200);
  expect(waiting.reason).toBe('PolicyNotFound');
  await client.apply({ apiVersion: api, kind: 'Policy', metadata: { name: 'late-policy', namespace: ns }, spec: { permissions: [{ action: 'use' }] } }, { fieldManager: 'musubi-itest' });
  await untilReady(CONNECTOR, 'late');
  await client.delete({ ...CONNECTOR, namespace: ns, name: 'late' });
}, 120_000);

test('mutual recognition: each issuer fetches and verifies the other\'s signed trust list, and the anchors report it Fresh', async () => {
  // An administrator's refresh (the issuers refresh on their own every spec.trustList.refreshInterval):
  // each issuer fetches the other's trust list at the in-cluster URL the operator configured and
  // verifies it against the key the operator pinned.
  for (const [anchor, other] of [['jp-anchor', 'eu-anchor'], ['eu-anchor', 'jp-anchor']] as const) {
    const tokenSecret = await client.get({ ...SECRET, namespace: ns, name: apiTokenSecretName(anchor) });
    const token = Buffer.from((tokenSecret.data as Record<string, string>).token ?? '', 'base64').toString();
    const response = await runner.fetch(`${issuerEndpoint(anchor, ns, 'cluster.local')}/recognition/refresh`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { recognised: Array<{ did: string; state: string; lastError?: unknown }> };
    expect(answer.recognised).toEqual([expect.objectContaining({ did: anchorDid(other), state: 'Fresh' })]);
  }
  // A restarted operator asks every issuer at once (a running one asks every minute).
  await stopOperator();
  await startOperator();
  for (const anchor of ['jp-anchor', 'eu-anchor']) {
    await eventually(`${anchor} reports its recognised anchor Fresh`, async () => {
      const entries = ((await client.get({ ...TRUST_ANCHOR, namespace: ns, name: anchor })).status as { recognisedAnchors?: Array<{ state: string; lastRefreshTime?: string }> }).recognisedAnchors;
      if (entries?.[0]?.state !== 'Fresh' || !entries[0].lastRefreshTime) throw new Error(`recognisedAnchors: ${JSON.stringify(entries)}`);
      return true;
    }, 30_000, 200);
  }
}, 60_000);

test('deleting a managed participant revokes its credentials at the issuer and removes its tenant namespace', async () => {
  const held = ((await client.get({ ...PARTICIPANT, namespace: ns, name: 'de-recycler' })).status as { credentials: Array<{ id: string; issuer: string }> }).credentials;
  const anchorIssued = held.filter((c) => c.issuer === anchorDid('eu-anchor')).map((c) => c.id).sort();
  expect(anchorIssued).toHaveLength(2);
  const checker = credentialChecker();
  const credentials = (await Promise.all((await heldCredentials('de-recycler', tenant())).map((jwt) => checker.verify(jwt))))
    .filter((v) => anchorIssued.includes(v.credential.id ?? ''));
  expect(credentials).toHaveLength(2);
  for (const v of credentials) await expect(checkCredentialStatus(v.credential, checker.status)).resolves.toBeDefined();

  await client.delete({ ...CONNECTOR, namespace: ns, name: 'de-recycler' });
  await client.delete({ ...PARTICIPANT, namespace: ns, name: 'de-recycler' });
  await eventually('participant gone', async () => ((await ignoreNotFound(client.get({ ...PARTICIPANT, namespace: ns, name: 'de-recycler' }))) ? undefined : true), 30_000, 200);
  // The EU issuer's own status list now says revoked, to anyone who checks.
  for (const v of credentials) {
    const outcome = await checkCredentialStatus(v.credential, checker.status).then(() => 'not revoked', (err: unknown) => (isTrustError(err, 'Revoked') ? 'Revoked' : String(err)));
    expect(`${v.credential.id}: ${outcome}`).toBe(`${v.credential.id}: Revoked`);
  }
  const namespace = await ignoreNotFound(client.get({ ...NAMESPACE, name: tenant() }));
  expect(namespace === undefined || namespace.metadata.deletionTimestamp !== undefined).toBe(true);
  // Its wallet's Deployment went with the tenant namespace, and the runner stopped it.
  await eventually('the recycler wallet stopped', () => (runner.status().some((w) => w.deployment === walletName('de-recycler')) ? undefined : true), 30_000, 200);
}, 60_000);
