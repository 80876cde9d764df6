import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConnectorConfig } from '@musubi/connector/config';
import { ConnectorSpec } from '../../api/v1alpha1/index.js';
import type { KubeObject } from '../../runtime/index.js';
import { expectGolden } from '../../testing/golden.js';
import { compilePolicy } from '../policy/compile.js';
import type { Policy } from '../../api/v1alpha1/index.js';
import { ANCHOR_DID, connectorObject, policyObject, trustList } from './fixtures.js';
import { CONNECTOR_CONFIG_FILE, ConnectorRenderError, renderConnector, type ConnectorRenderInput } from './render.js';
import { offerAuthKey, offerDataKey } from './sources.js';

const here = dirname(fileURLToPath(import.meta.url));
const compiled = compilePolicy(policyObject as unknown as Policy);
if (!compiled.ok) throw new Error('fixture policy does not compile');
const policy = compiled.compiled;
// The renderer stores the list it is given; the reconciler verifies it first (see render-pod.test.ts for a real one).
const SIGNED_TRUST_LIST = 'eyJhbGciOiJFZERTQSIsInR5cCI6InZjK2p3dCJ9.eyJ0eXBlIjpbIlZlcmlmaWFibGVDcmVkZW50aWFsIiwiVHJ1c3RMaXN0Q3JlZGVudGlhbCJdfQ.c2lnbmF0dXJl';
const b64 = (text: string) => Buffer.from(text).toString('base64');

function input(spec: Record<string, unknown> = {}, extra: Partial<ConnectorRenderInput> = {}): ConnectorRenderInput {
  return {
    owner: { apiVersion: 'musubi.dev/v1alpha1', kind: 'Connector', name: 'jp-manufacturer', namespace: 'dataspace', uid: 'uid-connector' },
    spec: ConnectorSpec.parse(connectorObject(spec).spec),
    namespace: 'dataspace',
    participant: {
      name: 'jp-manufacturer', did: 'did:web:wallet.jp-manufacturer.dataspace.svc',
      walletURL: 'http://jp-manufacturer-wallet.dataspace.svc.cluster.local:8080', credentialsFingerprint: 'urn:uuid:1|2027-01-01T00:00:00Z|Active',
    },
    anchor: trustList,
    signedTrustList: SIGNED_TRUST_LIST,
    policies: { 'pcf-recyclers-only': policy },
    sources: { [offerDataKey('pcf-hybrid-2026')]: b64('{"pcf": 1}') },
    clusterDomain: 'cluster.local',
    image: 'ghcr.io/musubi-dev/musubi-connector:0.1.0',
    imagePullPolicy: 'IfNotPresent',
    placement: {},
    eventSigningKid: 'connector-jp-manufacturer-q1ZbC3a9xL0e',
    ...extra,
  };
}

const configMapOf = (children: KubeObject[]) => children.find((c) => c.kind === 'ConfigMap')!.data as Record<string, string>;
const documentOf = (children: KubeObject[]) => JSON.parse(configMapOf(children)[CONNECTOR_CONFIG_FILE]!) as Record<string, unknown>;
const secretKeys = (children: KubeObject[]) => Object.keys(children.find((c) => c.kind === 'Secret')!.data as Record<string, string>);

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
  // The stored file is what the connector's own loader accepts, and nothing was lost on the way.
  const stored = parseConnectorConfig(documentOf(rendered.children), 'connector.json');
  expect(stored).toEqual(rendered.config);
  expect(stored.identity?.dcp).toEqual(expect.objectContaining({
    stsUrl: 'http://jp-manufacturer-wallet.dataspace.svc.cluster.local:8080/sts/token',
    stsClient: { idFile: '/var/run/musubi/wallet/client-id', secretFile: '/var/run/musubi/wallet/client-secret' },
    trustList: { file: '/etc/musubi/connector/trust-list.jwt', refreshSeconds: 10, anchor: { did: ANCHOR_DID, jurisdiction: 'JP', keysFile: '/etc/musubi/connector/anchor-keys.json' } },
  }));
  expect(stored.offers[0]?.policyFile).toBe('/etc/musubi/connector/policy-pcf-recyclers-only.json');
  expect(JSON.parse(configMapOf(rendered.children)['policy-pcf-recyclers-only.json']!)).toEqual(policy);
  expect(JSON.parse(configMapOf(rendered.children)['anchor-keys.json']!)).toEqual(trustList.anchor.keys);
  // An in-cluster dataspace: counter-parties are on Service addresses.
  expect(stored.outbound.allowPrivateNetwork).toBe(true);
});

test('replicas on PostgreSQL with a given management token: settings in the file, only the password as a file (golden)', () => {
  const rendered = renderConnector(input(
    { replicas: 3, persistence: { postgres: { secretRef: { name: 'connector-db' } } }, managementAuthSecretRef: { name: 'mgmt', key: 'token' } },
    {
      sources: {
        'postgres-host': b64('db.dataspace.svc'), 'postgres-port': b64('5433'), 'postgres-database': b64('connector'), 'postgres-user': b64('musubi'),
        'postgres-password': b64('s3cret'), 'postgres-sslmode': b64('verify-full'), 'management-token': b64('secret'),
      },
      placement: { nodeSelector: { 'node.musubi.dev/class': 'orv3' }, estimatedWatts: 12 },
    },
  ));
  expect(rendered.children.map((c) => c.kind)).toEqual(['ServiceAccount', 'ConfigMap', 'Secret', 'Deployment', 'Service', 'NetworkPolicy', 'PodDisruptionBudget']);
  expectGolden(join(here, '__golden__', 'postgres-replicas.yaml'), rendered.children);
  expect(rendered.config.store).toEqual({
    postgres: { host: 'db.dataspace.svc', port: 5433, database: 'connector', user: 'musubi', passwordFile: '/var/run/musubi/sources/postgres-password', ssl: true, maxConnections: 10 },
  });
  expect(rendered.config.management.tokenFile).toBe('/var/run/musubi/sources/management-token');
  expect(secretKeys(rendered.children)).toEqual(['management-token', 'postgres-password']);
  expect(JSON.stringify(configMapOf(rendered.children))).not.toContain('s3cret');
});

test('PostgreSQL settings the connector cannot use are refused with the Secret key and the fix', () => {
  const postgres = (values: Record<string, string>) => input(
    { persistence: { postgres: { secretRef: { name: 'connector-db' } } } },
    { sources: Object.fromEntries(Object.entries({ host: 'db', port: '5432', database: 'c', user: 'u', password: 'p', ...values }).map(([k, v]) => [`postgres-${k}`, b64(v)])) },
  );
  expect(() => renderConnector(postgres({ port: 'fifty' }))).toThrow(new ConnectorRenderError(
    'Secret dataspace/connector-db key "port" (spec.persistence.postgres.secretRef) is not a TCP port number (1-65535); fix the value in the Secret',
  ));
  expect(() => renderConnector(postgres({ port: '70000' }))).toThrow(/key "port" .* is not a TCP port number/);
  expect(() => renderConnector(postgres({ sslmode: 'sometimes' }))).toThrow(/key "sslmode" .* must be one of disable, allow, prefer, require, verify-ca, verify-full/);
  expect(() => renderConnector(postgres({ host: '' }))).toThrow(/key "host" .* is missing or empty; add it to the Secret/);
  expect(renderConnector(postgres({ sslmode: 'disable' })).config.store.postgres?.ssl).toBe(false);
});

test('a configuration the connector would refuse is not stored: the error names the field', () => {
  const bad = input();
  bad.participant = { ...bad.participant, did: 'wallet.jp-manufacturer' };
  expect(() => renderConnector(bad)).toThrow(ConnectorRenderError);
  expect(() => renderConnector(bad)).toThrow(/configuration of Connector dataspace\/jp-manufacturer is invalid:\n {2}participant\.did: must be a DID/);
});

test('an HTTP backend gets its credential as a mounted file; an external dataspace keeps the SSRF guard on', () => {
  const rendered = renderConnector(input(
    {
      publicURL: 'https://dsp.maker.example.jp/api/dsp',
      offers: [{
        assetId: 'pcf-api', dataset: { title: 'PCF API' }, policyRef: { name: 'pcf-recyclers-only' },
        source: { http: { url: 'https://erp.maker.example.jp/pcf', authSecretRef: { name: 'erp', key: 'token' }, authHeader: 'X-Api-Key' } },
      }],
    },
    { sources: { [offerAuthKey('pcf-api')]: b64('key-123') } },
  ));
  expect(rendered.config.offers[0]?.source.http).toEqual({
    url: 'https://erp.maker.example.jp/pcf', method: 'GET', authHeader: 'X-Api-Key', authFile: `/var/run/musubi/sources/${offerAuthKey('pcf-api')}`,
    allowPrivateNetwork: false, timeoutMs: 30_000,
  });
  expect(rendered.config.outbound.allowPrivateNetwork).toBe(false);
  expect(secretKeys(rendered.children)).toEqual([offerAuthKey('pcf-api')]);
});

test('the config hash follows policy digests, the anchor\'s keys and recognitions and credentials, and nothing else', () => {
  const base = renderConnector(input()).configHash;
  expect(renderConnector(input()).configHash).toBe(base);
  const otherCredentials = input();
  otherCredentials.participant = { ...otherCredentials.participant, credentialsFingerprint: 'urn:uuid:2|2028-01-01T00:00:00Z|Active' };
  expect(renderConnector(otherCredentials).configHash).not.toBe(base);
  const recompiled = compilePolicy({ ...(policyObject as unknown as Policy), spec: { permissions: [{ action: 'use', constraints: [] }] } });
  if (!recompiled.ok) throw new Error('compile failed');
  expect(renderConnector(input({}, { policies: { 'pcf-recyclers-only': recompiled.compiled } })).configHash).not.toBe(base);
  const recognising = { ...trustList, recognised: [{ ...trustList.anchor, name: 'eu', did: 'did:web:eu-anchor.dataspace.svc', jurisdiction: 'EU', attributeMapping: [], maxStalenessSeconds: 86_400, inCluster: true }] };
  expect(renderConnector(input({}, { anchor: recognising })).configHash).not.toBe(base);
  // A policy edit that keeps its meaning (a new generation, the same digest) does not roll the pods.
  expect(renderConnector(input({}, { policies: { 'pcf-recyclers-only': { ...policy, generation: 7 } } })).configHash).toBe(base);
  // Source data is mounted and read per transfer; the issuer re-signing the same list only refreshes the file.
  expect(renderConnector(input({}, { sources: { [offerDataKey('pcf-hybrid-2026')]: 'bmV3' } })).configHash).toBe(base);
  expect(renderConnector(input({}, { signedTrustList: `${SIGNED_TRUST_LIST}x` })).configHash).toBe(base);
  // A new event-signing key (its Secret deleted and generated again) restarts the pods, which read it once.
  expect(renderConnector(input({}, { eventSigningKid: 'connector-jp-manufacturer-Zz9yX8wV7uT6' })).configHash).not.toBe(base);
});

test('an offer whose policy never compiled is not published', () => {
  const rendered = renderConnector(input({}, { policies: {} }));
  expect(rendered.unpublished).toEqual(['pcf-hybrid-2026']);
  expect(rendered.config.offers).toEqual([]);
  expect(Object.keys(configMapOf(rendered.children)).filter((k) => k.startsWith('policy-'))).toEqual([]);
});
