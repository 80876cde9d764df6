import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConnectorConfig } from '@musubi/core/service-config';
import { ConnectorSpec } from '../../api/v1alpha1/index.js';
import { expectGolden } from '../../testing/golden.js';
import { compilePolicy } from '../policy/compile.js';
import type { Policy } from '../../api/v1alpha1/index.js';
import { connectorObject, policyObject, trustList } from './fixtures.js';
import { renderConnector, type ConnectorRenderInput } from './render.js';
import { offerDataKey } from './sources.js';

const here = dirname(fileURLToPath(import.meta.url));
const compiled = compilePolicy(policyObject as unknown as Policy);
if (!compiled.ok) throw new Error('fixture policy does not compile');

function input(spec: Record<string, unknown> = {}, extra: Partial<ConnectorRenderInput> = {}): ConnectorRenderInput {
  return {
    owner: { apiVersion: 'musubi.dev/v1alpha1', kind: 'Connector', name: 'jp-manufacturer', namespace: 'dataspace', uid: 'uid-connector' },
    spec: ConnectorSpec.parse(connectorObject(spec).spec),
    namespace: 'dataspace',
    participant: {
      name: 'jp-manufacturer', did: 'did:web:wallet.jp-manufacturer.dataspace.svc', legalName: 'Musubi Motors Co., Ltd.', country: 'JP',
      walletURL: 'http://jp-manufacturer-wallet.dataspace.svc.cluster.local:8080', credentialsFingerprint: 'urn:uuid:1|2027-01-01T00:00:00Z|Active',
    },
    anchor: { ...trustList.anchor, name: 'Japan corporate trust anchor' },
    policies: { 'pcf-recyclers-only': compiled.ok ? compiled.compiled : (undefined as never) },
    sources: { [offerDataKey('pcf-hybrid-2026')]: Buffer.from('{"pcf": 1}').toString('base64') },
    image: 'ghcr.io/musubi-dev/musubi-connector:0.1.0',
    imagePullPolicy: 'IfNotPresent',
    placement: {},
    ...extra,
  };
}

test('the manufacturer connector of the cross-border example (golden)', () => {
  const rendered = renderConnector(input());
  expect(rendered.children.map((c) => `${c.kind}/${c.metadata.name}`)).toEqual([
    'ServiceAccount/jp-manufacturer-connector',
    'ConfigMap/jp-manufacturer-connector-config',
    'Secret/jp-manufacturer-connector-sources',
    'PersistentVolumeClaim/jp-manufacturer-connector-data',
    'Deployment/jp-manufacturer-connector',
    'Service/jp-manufacturer-connector',
    'NetworkPolicy/jp-manufacturer-connector',
  ]);
  expectGolden(join(here, '__golden__', 'jp-manufacturer.yaml'), rendered.children);
  // What the connector process reads passes the schema it validates with.
  expect(ConnectorConfig.parse(rendered.config).offers[0]?.policy.digest).toBe(compiled.ok && compiled.compiled.digest);
});

test('replicas on PostgreSQL with a given management token: PDB, rolling updates, no PVC (golden)', () => {
  const rendered = renderConnector(input(
    { replicas: 3, persistence: { postgres: { secretRef: { name: 'connector-db' } } }, managementAuthSecretRef: { name: 'mgmt', key: 'token' } },
    { sources: { 'postgres-host': 'ZGI=', 'postgres-port': 'NTQzMg==', 'management-token': 'c2VjcmV0' }, placement: { nodeSelector: { 'node.musubi.dev/class': 'orv3' }, estimatedWatts: 12 } },
  ));
  expect(rendered.children.map((c) => c.kind)).toEqual(['ServiceAccount', 'ConfigMap', 'Secret', 'Deployment', 'Service', 'NetworkPolicy', 'PodDisruptionBudget']);
  expectGolden(join(here, '__golden__', 'postgres-replicas.yaml'), rendered.children);
  expect(rendered.config.storage).toEqual({ postgres: { secretDir: '/var/run/musubi/sources/postgres' } });
  expect(rendered.config.managementTokenFile).toBe('/var/run/musubi/sources/management-token');
});

test('the config hash follows policy digests and credentials, and nothing else', () => {
  if (!compiled.ok) throw new Error('compile failed');
  const base = renderConnector(input()).configHash;
  expect(renderConnector(input()).configHash).toBe(base);
  const otherCredentials = input();
  otherCredentials.participant = { ...otherCredentials.participant, credentialsFingerprint: 'urn:uuid:2|2028-01-01T00:00:00Z|Active' };
  expect(renderConnector(otherCredentials).configHash).not.toBe(base);
  const recompiled = compilePolicy({ ...(policyObject as unknown as Policy), spec: { permissions: [{ action: 'use', constraints: [] }] } });
  if (!recompiled.ok) throw new Error('compile failed');
  expect(renderConnector(input({}, { policies: { 'pcf-recyclers-only': recompiled.compiled } })).configHash).not.toBe(base);
  // A policy edit that keeps its meaning (a new generation, the same digest) does not either.
  const regenerated = { ...compiled.compiled, generation: 7 };
  expect(renderConnector(input({}, { policies: { 'pcf-recyclers-only': regenerated } })).configHash).toBe(base);
  // Source data is mounted and read per transfer: a new value does not restart the pods.
  expect(renderConnector(input({}, { sources: { [offerDataKey('pcf-hybrid-2026')]: 'bmV3' } })).configHash).toBe(base);
});

test('an offer whose policy never compiled is not published', () => {
  const rendered = renderConnector(input({}, { policies: {} }));
  expect(rendered.unpublished).toEqual(['pcf-hybrid-2026']);
  expect(rendered.config.offers).toEqual([]);
});
