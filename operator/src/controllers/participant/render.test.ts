import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ParticipantSpec } from '../../api/v1alpha1/index.js';
import { expectGolden } from '../../testing/golden.js';
import { renewalTime } from './credentials.js';
import { participantDid, workloadNamespaceOf } from './identity.js';
import { renderTenant, renderWallet, renderWalletConfig, type WalletRenderInput } from './render.js';

const here = dirname(fileURLToPath(import.meta.url));
const owner = { apiVersion: 'musubi.dev/v1alpha1', kind: 'Participant', name: 'de-recycler', namespace: 'dataspace', uid: 'uid-recycler' };
const spec = ParticipantSpec.parse({
  legalName: 'Kreislauf Recycling GmbH',
  country: 'DE',
  identifiers: [{ scheme: 'eu-vat', value: 'DE812345673' }],
  trustAnchorRef: { name: 'eu-anchor' },
  tenant: { mode: 'Managed', namespace: 'musubi-de-recycler', adminGroups: ['kreislauf-admins'], quota: { cpu: '2', memory: '4Gi', pods: 10 } },
  members: [{ id: 'purchaser', roles: ['purchaser'] }],
  wallet: { publicURL: 'https://wallet.de-recycler.musubi-de-recycler.svc' },
});

test('the managed tenant of the German recycler (golden)', () => {
  const objects = renderTenant(owner, spec, 'musubi-de-recycler');
  expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
    'Namespace/musubi-de-recycler', 'ResourceQuota/musubi-tenant-quota', 'LimitRange/musubi-tenant-limits',
    'NetworkPolicy/musubi-default-deny', 'NetworkPolicy/musubi-allow-dns', 'NetworkPolicy/musubi-allow-connector-dsp',
    'NetworkPolicy/musubi-allow-wallet-in-namespace', 'NetworkPolicy/musubi-allow-workload-egress', 'RoleBinding/musubi-tenant-admins',
  ]);
  expectGolden(join(here, '__golden__', 'de-recycler-tenant.yaml'), objects);
});

const walletInput = (connectors: string[], connectorEventKeys: WalletRenderInput['connectorEventKeys'] = []): WalletRenderInput => ({
  owner, spec, namespace: 'musubi-de-recycler', did: 'did:web:wallet.de-recycler.musubi-de-recycler.svc',
  anchor: {
    did: 'did:web:eu-anchor.dataspace.svc', jurisdiction: 'EU', name: 'EU trust anchor',
    keys: [{ kid: 'did:web:eu-anchor.dataspace.svc#k1', kty: 'OKP', crv: 'Ed25519', x: 'l2h3QDeBhQcm1O3IYCzMHhm3FCAUZ6v8AqS2XrIqKXc' }],
    trustListURL: 'http://eu-anchor-issuer.dataspace.svc.cluster.local:8080/trust-list', issuerURL: 'http://eu-anchor-issuer.dataspace.svc.cluster.local:8080',
  },
  credentials: { 'legal-person.jwt': 'eyJhbGciOiJFZERTQSJ9.e30.c2ln' },
  image: 'ghcr.io/musubi-dev/musubi-trust:0.1.0', imagePullPolicy: 'IfNotPresent',
  connectors,
  connectorEventKeys,
});

test('the wallet of the German recycler (golden)', () => {
  const eventKey = { connector: 'recycling-offers', key: { kid: 'connector-recycling-offers-q1ZbC3a9xL0e', kty: 'OKP' as const, crv: 'Ed25519' as const, x: 'l2h3QDeBhQcm1O3IYCzMHhm3FCAUZ6v8AqS2XrIqKXc' } };
  expectGolden(join(here, '__golden__', 'de-recycler-wallet.yaml'), renderWallet(walletInput(['recycling-offers', 'battery-passport'], [eventKey])));
});

test('every connector of the participant is an STS client with its own secret file; the set rolls the wallet', () => {
  const config = renderWalletConfig(walletInput(['recycling-offers', 'battery-passport', 'recycling-offers']));
  expect(config.sts).toEqual({ clients: [
    { clientId: 'battery-passport', clientSecretFile: '/var/run/musubi/sts-clients/battery-passport/client-secret' },
    { clientId: 'recycling-offers', clientSecretFile: '/var/run/musubi/sts-clients/recycling-offers/client-secret' },
  ] });
  type PodSpec = { volumes: Array<{ name: string; projected?: { sources: unknown[] } }>; containers: Array<{ volumeMounts: Array<{ name: string; mountPath: string }> }> };
  const deployment = (objects: ReturnType<typeof renderWallet>) => objects.find((o) => o.kind === 'Deployment') as unknown as { spec: { template: { metadata: { annotations: Record<string, string> }; spec: PodSpec } } };
  const two = deployment(renderWallet(walletInput(['recycling-offers', 'battery-passport'])));
  expect(two.spec.template.spec.volumes.find((v) => v.name === 'sts-clients')?.projected?.sources).toEqual([
    { secret: { name: 'battery-passport-connector-wallet-token', optional: true, items: [{ key: 'client-secret', path: 'battery-passport/client-secret' }] } },
    { secret: { name: 'recycling-offers-connector-wallet-token', optional: true, items: [{ key: 'client-secret', path: 'recycling-offers/client-secret' }] } },
  ]);
  expect(two.spec.template.spec.containers[0]?.volumeMounts).toContainEqual({ name: 'sts-clients', mountPath: '/var/run/musubi/sts-clients', readOnly: true });
  const one = deployment(renderWallet(walletInput(['recycling-offers'])));
  expect(one.spec.template.metadata.annotations['musubi.dev/config-hash']).not.toBe(two.spec.template.metadata.annotations['musubi.dev/config-hash']);
  // No connector yet: the STS answers (refusing every client) and nothing is mounted.
  const none = renderWallet(walletInput([]));
  expect(renderWalletConfig(walletInput([])).sts).toEqual({ clients: [] });
  expect(deployment(none).spec.template.spec.volumes.map((v) => v.name)).not.toContain('sts-clients');
});

test('the connectors\' public event-signing keys go into the wallet configuration, sorted; a new key rolls the wallet; a private key is refused', () => {
  const key = (connector: string, x: string) => ({ connector, key: { kid: `connector-${connector}-q1ZbC3a9xL0e`, kty: 'OKP' as const, crv: 'Ed25519' as const, x } });
  const recycling = key('recycling-offers', 'l2h3QDeBhQcm1O3IYCzMHhm3FCAUZ6v8AqS2XrIqKXc');
  const battery = key('battery-passport', 'wL9MpTiipoJLNETc74WkbJivrmDUsXUl5IOHfkJpTwA');
  const connectors = ['recycling-offers', 'battery-passport'];
  expect(renderWalletConfig(walletInput(connectors, [recycling, battery])).connectorEventKeys).toEqual([battery, recycling]);
  const hash = (keys: WalletRenderInput['connectorEventKeys']) => (renderWallet(walletInput(connectors, keys)).find((o) => o.kind === 'Deployment') as unknown as {
    spec: { template: { metadata: { annotations: Record<string, string> } } };
  }).spec.template.metadata.annotations['musubi.dev/config-hash'];
  expect(hash([recycling])).not.toBe(hash([recycling, battery]));
  expect(hash([battery, recycling])).toBe(hash([recycling, battery]));
  const withPrivate = { ...recycling, key: { ...recycling.key, d: '4o768WcrR_b43xS8rImPMbJcNgDUbPCjRj7Uz5EJVEc' } };
  expect(() => renderWalletConfig(walletInput(connectors, [withPrivate]))).toThrow('connectorEventKeys[0].key: Unrecognized key: "d"');
  expect(() => renderWalletConfig(walletInput(connectors, [recycling, { ...battery, key: { ...battery.key, kid: recycling.key.kid } }]))).toThrow(/listed twice/);
});

test('where a participant runs and who it is follow from its spec', () => {
  const p = (extra: object) => ({ metadata: { name: 'acme', namespace: 'tenants' }, spec: { ...extra } });
  expect(workloadNamespaceOf(p({}))).toBe('tenants');
  expect(workloadNamespaceOf(p({ tenant: { mode: 'Managed' } }))).toBe('musubi-acme');
  expect(participantDid(p({}), 'cluster.local')).toBe('did:web:acme-wallet.tenants.svc.cluster.local');
  expect(participantDid(p({ wallet: { publicURL: 'https://id.acme.example:8443/wallet' } }), 'cluster.local')).toBe('did:web:id.acme.example%3A8443:wallet');
  expect(() => participantDid(p({ wallet: { publicURL: 'http://id.acme.example' } }), 'cluster.local')).toThrow(/did:web needs an https URL/);
});

test('renewal is due renewBefore ahead of expiry, but never before half the lifetime', () => {
  const validFrom = new Date('2026-01-01T00:00:00Z');
  const year = { validFrom, validUntil: new Date('2027-01-01T00:00:00Z') };
  expect(new Date(renewalTime(year, 720 * 3_600_000)).toISOString()).toBe('2026-12-02T00:00:00.000Z');
  const hour = { validFrom, validUntil: new Date('2026-01-01T01:00:00Z') };
  expect(new Date(renewalTime(hour, 720 * 3_600_000)).toISOString()).toBe('2026-01-01T00:30:00.000Z');
});
