import { TRUST_LIST_CONFIG_FILE, TrustListConfig, WalletConfig } from '@musubi/core/service-config';
import { verifyCredentialJwt } from '@musubi/core/trust';
import type { KubeObject } from '../../runtime/index.js';
import { FakeKubeClient } from '../../runtime/testing/index.js';
import { HttpIssuerClient } from '../shared/issuer-client.js';
import {
  CONFIG_MAP, CONNECTOR, DEPLOYMENT, LIMIT_RANGE, NAMESPACE, NETWORK_POLICY, PARTICIPANT, RESOURCE_QUOTA, ROLE_BINDING, SECRET, SERVICE,
} from '../shared/kinds.js';
import { markDeploymentAvailable, readyOf, startTestOperator, type TestOperator } from '../shared/test-operator.js';
import { TestIssuer } from '../shared/test-issuer.js';
import { setupTrustAnchorController } from '../trustanchor/controller.js';
import { anchor, NS } from '../trustanchor/fixtures.js';
import { setupParticipantController } from './controller.js';
import { resolverFor, anchorKeys, decodeSecretData } from './credentials.js';

const REGISTRY = [
  { scheme: 'jp-corporate-number', value: '3010401099999', legalName: 'Musubi Motors Co., Ltd.', country: 'JP' },
  { scheme: 'eu-vat', value: 'DE812345673', legalName: 'Kreislauf Recycling GmbH', country: 'DE' },
];

type HeldStatus = { id: string; type: string; issuer: string; holder?: string; expiresAt: string; state: string };
type Status = { did?: string; walletEndpoint?: string; tenantNamespace?: string; credentials?: HeldStatus[]; conditions?: Array<{ type: string; status: string; reason: string; message: string }> };

function manufacturer(spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'musubi.dev/v1alpha1',
    kind: 'Participant',
    metadata: { name: 'jp-manufacturer', namespace: NS },
    spec: {
      legalName: 'Musubi Motors Co., Ltd.',
      country: 'JP',
      identifiers: [{ scheme: 'jp-corporate-number', value: '3010401099999' }],
      trustAnchorRef: { name: 'jp-anchor' },
      members: [{ id: 'sustainability-lead', displayName: 'Sustainability lead', roles: ['sustainability-officer'] }],
      relationships: [{ type: 'recyclerOf', participantRef: { name: 'de-recycler' } }],
      wallet: { publicURL: 'https://wallet.jp-manufacturer.dataspace.svc' },
      ...spec,
    },
  };
}

function recycler(spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'musubi.dev/v1alpha1',
    kind: 'Participant',
    metadata: { name: 'de-recycler', namespace: NS },
    spec: {
      legalName: 'Kreislauf Recycling GmbH',
      country: 'DE',
      identifiers: [{ scheme: 'eu-vat', value: 'DE812345673' }],
      trustAnchorRef: { name: 'eu-anchor' },
      tenant: { mode: 'Managed', namespace: 'musubi-de-recycler', adminGroups: ['kreislauf-admins'], quota: { cpu: '2', memory: '4Gi', pods: 10 } },
      members: [{ id: 'purchaser', roles: ['purchaser'] }],
      wallet: { publicURL: 'https://wallet.de-recycler.musubi-de-recycler.svc' },
      ...spec,
    },
  };
}

let op: TestOperator;
let issuer: TestIssuer;
let controller: ReturnType<typeof setupParticipantController>;
let offsetMs = 0;

async function start(client = new FakeKubeClient()) {
  issuer = await TestIssuer.start(client, REGISTRY);
  op = await startTestOperator((manager, context) => {
    const issuerClient = new HttpIssuerClient({ timeoutMs: 2000, fetch: issuer.fetch });
    setupTrustAnchorController(manager, { ...context, issuer: issuerClient });
    controller = setupParticipantController(manager, { ...context, issuer: issuerClient });
  }, { client, now: () => new Date(Date.now() + offsetMs) });
}
beforeEach(() => {
  offsetMs = 0;
});
afterEach(async () => {
  await op.stop();
  await issuer.stop();
});

const get = (name = 'jp-manufacturer') => op.get(PARTICIPANT, NS, name);
const statusOf = async (name = 'jp-manufacturer') => (await get(name))?.status as Status | undefined;
const conditionOf = async (type: string, name = 'jp-manufacturer') => (await statusOf(name))?.conditions?.find((c) => c.type === type);
async function untilReason(reason: string, name = 'jp-manufacturer') {
  return op.until(`${name} Ready reason ${reason}`, async () => (readyOf(await get(name))?.reason === reason ? get(name) : undefined));
}
async function untilCredentials(count: number, name = 'jp-manufacturer') {
  return op.until(`${count} credentials`, async () => {
    const s = await statusOf(name);
    return s?.credentials?.length === count && (await conditionOf('CredentialsIssued', name))?.status === 'True' ? s : undefined;
  });
}

async function seedAnchors() {
  await op.client.create(anchor('jp-anchor'));
  await op.client.create(anchor('eu-anchor'));
}

test('until the issuer answers: IssuerUnavailable naming its endpoint and no credentials; then verified credentials', async () => {
  await start();
  issuer.reachable = false;
  await seedAnchors();
  await op.client.create(recycler());
  await op.client.create(manufacturer());
  const unavailable = await untilReason('IssuerUnavailable');
  expect(readyOf(unavailable)?.status).toBe('False');
  expect(readyOf(unavailable)?.message).toContain('The issuer of TrustAnchor dataspace/jp-anchor at http://jp-anchor-issuer.dataspace.svc.cluster.local:8080 did not answer (ECONNREFUSED');
  expect((await statusOf())?.credentials).toEqual([]);
  expect(issuer.issued).toEqual([]);
  expect((await statusOf())?.did).toBe('did:web:wallet.jp-manufacturer.dataspace.svc');

  issuer.reachable = true;
  await op.reconcileNow(controller, `${NS}/jp-manufacturer`);
  const status = await untilCredentials(4);
  const did = 'did:web:wallet.jp-manufacturer.dataspace.svc';
  const anchorDid = 'did:web:jp-anchor.dataspace.svc';
  expect(status.credentials!.map((c) => [c.type, c.issuer, c.holder ?? did, c.state])).toEqual([
    ['DataspaceMembershipCredential', anchorDid, did, 'Active'],
    ['EmployeeCredential', did, `${did}:members:sustainability-lead`, 'Active'],
    ['LegalPersonCredential', anchorDid, did, 'Active'],
    ['RelationshipCredential', did, 'did:web:wallet.de-recycler.musubi-de-recycler.svc', 'Active'],
  ]);
  expect(issuer.issued.filter((c) => c.anchor === 'jp-anchor').map((c) => c.type).sort()).toEqual(['DataspaceMembershipCredential', 'LegalPersonCredential']);

  // The Secret the wallet mounts holds exactly these, and the legal-person one verifies against the anchor's published key.
  const files = decodeSecretData(await op.get(SECRET, NS, 'jp-manufacturer-credentials'));
  expect(Object.keys(files).sort()).toEqual(['dataspace-membership.jwt', 'employee-sustainability-lead.jwt', 'legal-person.jwt', expect.stringMatching(/^relationship-recyclerof-[0-9a-f]{12}\.jwt$/)]);
  const trustList = TrustListConfig.parse(JSON.parse(((await op.get(CONFIG_MAP, NS, 'jp-anchor-trust-list'))!.data as Record<string, string>)[TRUST_LIST_CONFIG_FILE]!));
  const verified = await verifyCredentialJwt(files['legal-person.jwt']!, { keys: await resolverFor(anchorDid, anchorKeys(anchorDid, trustList.anchor.keys)) });
  expect(verified.credential.credentialSubject).toEqual(expect.objectContaining({ id: did, legalName: 'Musubi Motors Co., Ltd.', identifiers: [expect.objectContaining({ value: '3010401099999' })] }));
  expect((await op.events('CredentialIssued')).filter((e) => e.regarding.name === 'jp-manufacturer')).toHaveLength(4);

  const wallet = WalletConfig.parse(JSON.parse(((await op.get(CONFIG_MAP, NS, 'jp-manufacturer-wallet-config'))!.data as Record<string, string>)['wallet.json']!));
  expect(wallet.trustAnchor).toEqual(expect.objectContaining({ did: anchorDid, issuerURL: 'http://jp-anchor-issuer.dataspace.svc.cluster.local:8080' }));
  expect(wallet.members).toEqual([{ id: 'sustainability-lead', did: `${did}:members:sustainability-lead`, roles: ['sustainability-officer'], displayName: 'Sustainability lead' }]);

  // The recycler holds the relationship the manufacturer granted it, for its wallet to present.
  const recyclerStatus = await untilCredentials(4, 'de-recycler');
  expect(recyclerStatus.credentials!.find((c) => c.type === 'RelationshipCredential')).toEqual(expect.objectContaining({ issuer: did, state: 'Active' }));
  expect(recyclerStatus.credentials!.find((c) => c.type === 'RelationshipCredential')?.holder).toBeUndefined();
  const recyclerFiles = decodeSecretData(await op.get(SECRET, 'musubi-de-recycler', 'de-recycler-credentials'));
  expect(Object.values(recyclerFiles)).toContain(files[Object.keys(files).find((f) => f.startsWith('relationship-'))!]);

  expect(readyOf(await get())?.reason).toBe('DeploymentProgressing');
  await markDeploymentAvailable(op.client, NS, 'jp-manufacturer-wallet');
  await untilReason('Ready');
});

test('an identifier with a wrong check digit is reported by field and never sent to the issuer', async () => {
  await start();
  await seedAnchors();
  await op.client.create(manufacturer({ identifiers: [{ scheme: 'jp-corporate-number', value: '3010401099991' }], members: [], relationships: [] }));
  const invalid = await untilReason('IdentifierInvalid');
  expect(readyOf(invalid)?.message).toMatch(/^CredentialsIssued: spec\.identifiers\[0\]\.value: .*check digit/);
  expect(issuer.issued).toEqual([]);
});

test('an identifier the registry does not know is refused by the issuer, saying so', async () => {
  await start();
  await seedAnchors();
  await op.client.create(manufacturer({ legalName: 'Some Other Company', members: [], relationships: [] }));
  const refused = await untilReason('CredentialRefused');
  expect(readyOf(refused)?.message).toContain('TrustAnchor dataspace/jp-anchor refused the LegalPersonCredential: (HTTP 422): LegalNameMismatch');
  // The membership credential does not depend on the registry.
  expect((await statusOf())?.credentials?.map((c) => c.type)).toEqual(['DataspaceMembershipCredential']);
});

test('credentials are renewed before they expire, and not before', async () => {
  await start();
  await seedAnchors();
  await op.client.create(manufacturer({ members: [], relationships: [] }));
  const first = await untilCredentials(2);
  const legal = first.credentials!.find((c) => c.type === 'LegalPersonCredential')!;
  await op.reconcileNow(controller, `${NS}/jp-manufacturer`);
  expect((await statusOf())?.credentials?.find((c) => c.type === 'LegalPersonCredential')?.id).toBe(legal.id);
  expect(issuer.issued).toHaveLength(2);

  // Default renewBefore is 720h; a year-long credential is renewed 30 days before it expires.
  offsetMs = Date.parse(legal.expiresAt) - Date.now() - 29 * 86_400_000;
  await op.reconcileNow(controller, `${NS}/jp-manufacturer`);
  const renewed = await op.until('renewed', async () => {
    const id = (await statusOf())?.credentials?.find((c) => c.type === 'LegalPersonCredential')?.id;
    return id && id !== legal.id ? id : undefined;
  });
  expect(renewed).toMatch(/^urn:uuid:/);
  expect((await op.events('CredentialRenewed')).length).toBeGreaterThanOrEqual(1);
});

test('a managed tenant: isolated namespace with quota, limits, network policies and admin binding; deletion revokes and cleans up', async () => {
  await start();
  await seedAnchors();
  await op.client.create(recycler());
  const status = await untilCredentials(3, 'de-recycler');
  expect(status.tenantNamespace).toBe('musubi-de-recycler');
  const tenant = 'musubi-de-recycler';
  const namespace = (await op.get(NAMESPACE, undefined, tenant))!;
  expect(namespace.metadata.labels).toEqual(expect.objectContaining({ 'musubi.dev/owner-kind': 'Participant', 'musubi.dev/owner-name': 'de-recycler', 'pod-security.kubernetes.io/enforce': 'restricted' }));
  expect((await op.get(RESOURCE_QUOTA, tenant, 'musubi-tenant-quota'))?.spec).toEqual({ hard: { 'requests.cpu': '2', 'requests.memory': '4Gi', pods: '10' } });
  expect(await op.get(LIMIT_RANGE, tenant, 'musubi-tenant-limits')).toBeDefined();
  const policies = (await op.client.list(NETWORK_POLICY, { namespace: tenant })).items.map((p) => p.metadata.name).sort();
  expect(policies).toEqual(['musubi-allow-connector-dsp', 'musubi-allow-dns', 'musubi-allow-wallet-in-namespace', 'musubi-allow-workload-egress', 'musubi-default-deny']);
  const binding = (await op.get(ROLE_BINDING, tenant, 'musubi-tenant-admins'))!;
  expect(binding).toEqual(expect.objectContaining({ roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'kreislauf-admins' }] }));
  const wallet = (await op.get(DEPLOYMENT, tenant, 'de-recycler-wallet'))!;
  expect(wallet.metadata.ownerReferences).toBeUndefined();
  expect(await op.get(SECRET, tenant, 'de-recycler-credentials')).toBeDefined();

  const anchorIssued = status.credentials!.filter((c) => c.issuer === 'did:web:eu-anchor.dataspace.svc').map((c) => c.id).sort();
  await op.client.delete({ ...PARTICIPANT, namespace: NS, name: 'de-recycler' });
  await op.until('participant gone', async () => ((await get('de-recycler')) ? undefined : true));
  expect([...issuer.revoked].sort()).toEqual(anchorIssued);
  expect(await op.get(NAMESPACE, undefined, tenant)).toBeUndefined();
  expect((await op.client.list(DEPLOYMENT, { namespace: tenant })).items).toEqual([]);
  expect((await op.events('CredentialRevoked')).length).toBe(2);
});

test('a namespace that exists already and is not the participant\'s is not taken over', async () => {
  await start();
  op.client.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'musubi-de-recycler', labels: { team: 'someone-else' } } });
  await seedAnchors();
  await op.client.create(recycler());
  const conflict = await untilReason('TenantNamespaceConflict', 'de-recycler');
  expect(readyOf(conflict)?.message).toContain('Namespace musubi-de-recycler already exists and was not created for this Participant');
  expect((await op.get(NAMESPACE, undefined, 'musubi-de-recycler'))!.metadata.labels).toEqual({ team: 'someone-else' });
  expect((await op.client.list(RESOURCE_QUOTA, { namespace: 'musubi-de-recycler' })).items).toEqual([]);
});

test('dangling references: the anchor and a relationship subject are named, and the participant recovers when they appear', async () => {
  await start();
  await op.client.create(manufacturer({ members: [] }));
  const noAnchor = await untilReason('TrustAnchorNotFound');
  expect(readyOf(noAnchor)?.message).toContain('TrustAnchor dataspace/jp-anchor (spec.trustAnchorRef) does not exist');
  await seedAnchors();
  const noSubject = await untilReason('RelationshipSubjectNotFound');
  expect(readyOf(noSubject)?.message).toContain('Participant dataspace/de-recycler (spec.relationships[0].participantRef) does not exist');
  await op.client.create(recycler());
  await untilCredentials(3);
});

test('the wallet key is created once; a deleted wallet Service is restored', async () => {
  const client = new FakeKubeClient();
  await start(client);
  await seedAnchors();
  await client.create(manufacturer({ members: [], relationships: [] }));
  await untilCredentials(2);
  const key = (await op.get(SECRET, NS, 'jp-manufacturer-wallet-key'))!;
  await op.client.delete({ ...SERVICE, namespace: NS, name: 'jp-manufacturer-wallet' });
  await op.until('wallet Service restored', () => op.get(SERVICE, NS, 'jp-manufacturer-wallet'));
  await op.stop();
  await issuer.stop();

  await start(client);
  await op.reconcileNow(controller, `${NS}/jp-manufacturer`);
  const after = (await op.get(SECRET, NS, 'jp-manufacturer-wallet-key'))!;
  expect(after.metadata.resourceVersion).toBe(key.metadata.resourceVersion);
  expect(client.requests.filter((r) => r.key.endsWith('jp-manufacturer-wallet-key') && r.verb === 'create')).toHaveLength(1);
  // Credentials held are kept across the restart: none is requested again.
  expect(issuer.issued).toEqual([]);
});

test('the wallet\'s STS clients follow the participant\'s Connectors: one client each, the Deployment rolls when the set changes', async () => {
  await start();
  await seedAnchors();
  await op.client.create(manufacturer({ relationships: [] }));
  const connector = (name: string, participant = 'jp-manufacturer'): KubeObject => ({
    apiVersion: 'musubi.dev/v1alpha1', kind: 'Connector', metadata: { name, namespace: NS }, spec: { participantRef: { name: participant } },
  });
  const walletConfig = async () => {
    const map = await op.get(CONFIG_MAP, NS, 'jp-manufacturer-wallet-config');
    return map ? WalletConfig.parse(JSON.parse((map.data as Record<string, string>)['wallet.json']!)) : undefined;
  };
  const clientsAre = (ids: string[]) => op.until(`STS clients ${ids.join(', ') || '(none)'}`, async () => {
    const config = await walletConfig();
    return config && JSON.stringify(config.sts?.clients.map((c) => c.clientId)) === JSON.stringify(ids) ? config : undefined;
  });
  const hash = async () => ((await op.get(DEPLOYMENT, NS, 'jp-manufacturer-wallet'))!.spec as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata.annotations['musubi.dev/config-hash'];

  await clientsAre([]);
  const before = await hash();
  await op.client.create(connector('pcf-offers'));
  await op.client.create(connector('bom-offers'));
  await op.client.create(connector('elsewhere', 'de-recycler'));
  const config = await clientsAre(['bom-offers', 'pcf-offers']);
  expect(config.sts?.clients).toEqual([
    { clientId: 'bom-offers', clientSecretFile: '/var/run/musubi/sts-clients/bom-offers/client-secret' },
    { clientId: 'pcf-offers', clientSecretFile: '/var/run/musubi/sts-clients/pcf-offers/client-secret' },
  ]);
  const withTwo = await hash();
  expect(withTwo).not.toBe(before);
  await op.client.delete({ ...CONNECTOR, namespace: NS, name: 'bom-offers' });
  await clientsAre(['pcf-offers']);
  expect(await hash()).not.toBe(withTwo);
});

test('the connectors\' event-signing keys from their status go into the wallet\'s DID document configuration; a new key rolls the wallet, a malformed one is named and left out', async () => {
  await start();
  await seedAnchors();
  await op.client.create(manufacturer({ relationships: [] }));
  const walletConfig = async () => {
    const map = await op.get(CONFIG_MAP, NS, 'jp-manufacturer-wallet-config');
    return map ? WalletConfig.parse(JSON.parse((map.data as Record<string, string>)['wallet.json']!)) : undefined;
  };
  const hash = async () => ((await op.get(DEPLOYMENT, NS, 'jp-manufacturer-wallet'))!.spec as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata.annotations['musubi.dev/config-hash'];
  const keysAre = (kids: string[]) => op.until(`event keys ${kids.join(', ') || '(none)'}`, async () => {
    const config = await walletConfig();
    return config && JSON.stringify(config.connectorEventKeys.map((k) => k.key.kid)) === JSON.stringify(kids) ? config : undefined;
  });
  const pcfKey = { kid: 'connector-pcf-offers-q1ZbC3a9xL0e', kty: 'OKP', crv: 'Ed25519', x: 'l2h3QDeBhQcm1O3IYCzMHhm3FCAUZ6v8AqS2XrIqKXc' };
  const created = await op.client.create({ apiVersion: 'musubi.dev/v1alpha1', kind: 'Connector', metadata: { name: 'pcf-offers', namespace: NS }, spec: { participantRef: { name: 'jp-manufacturer' } } });
  await keysAre([]);
  const before = await hash();
  // The Connector controller publishes the key in status only (no generation change): that alone re-renders the wallet.
  const withKey = await op.client.updateStatus({ ...created, status: { eventSigningKey: pcfKey } });
  const config = await keysAre([pcfKey.kid]);
  expect(config.connectorEventKeys).toEqual([{ connector: 'pcf-offers', key: pcfKey }]);
  expect(await hash()).not.toBe(before);

  // A status carrying private key material is never copied into the wallet's configuration.
  await op.client.updateStatus({ ...withKey, status: { eventSigningKey: { ...pcfKey, kid: 'connector-pcf-offers-other', d: '4o768WcrR_b43xS8rImPMbJcNgDUbPCjRj7Uz5EJVEc' } } });
  await keysAre([]);
  const ready = await op.until('WalletAvailable names the refused key', async () => {
    const condition = ((await op.get(PARTICIPANT, NS, 'jp-manufacturer'))?.status as Status | undefined)?.conditions?.find((c) => c.type === 'WalletAvailable');
    return condition?.message.includes('not published') ? condition : undefined;
  });
  expect(ready.message).toContain('Connector pcf-offers: status.eventSigningKey Unrecognized key: "d"');
  expect(ready.message).not.toContain('4o768WcrR');
  const map = await op.get(CONFIG_MAP, NS, 'jp-manufacturer-wallet-config');
  expect(JSON.stringify(map)).not.toContain('4o768WcrR');
});
