import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { InvalidError, KubeApiError, type KubeObject } from '../../runtime/index.js';
import { eventually, testNamespace } from '../../runtime/testing/index.js';
import type { RestKubeClient } from '../../runtime/rest-kube-client.js';

// The generated CRDs against the real kube-apiserver: valid objects are accepted, every CEL rule and
// schema constraint rejects what it should with the message users will see, immutable fields stay put.
// (Our own REST client, not client-node's typed one: that serialiser drops CRD schema keys such as
// `default` and `x-kubernetes-validations` it does not model.)

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
let client: RestKubeClient;
let namespace: string;
let cleanup: () => Promise<void>;

function yamlDocs(file: string): KubeObject[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as KubeObject).filter((o) => o && o.kind);
}

// Objects are declared before the namespace exists (test.each tables), so it is filled in here.
const inTestNamespace = <T extends KubeObject>(obj: T): T => ({ ...obj, metadata: { ...obj.metadata, namespace: obj.kind === 'CustomResourceDefinition' ? undefined : namespace } });
const apply = <T extends KubeObject>(obj: T): Promise<T> => client.apply(inTestNamespace(obj));

async function rejection(obj: KubeObject): Promise<string> {
  try {
    await client.create(inTestNamespace(obj));
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidError);
    return (err as InvalidError).message + ' ' + JSON.stringify((err as InvalidError).status ?? {});
  }
  throw new Error(`${obj.kind}/${obj.metadata?.name} was accepted but should have been rejected`);
}

async function waitEstablished(name: string): Promise<void> {
  await eventually(`CRD ${name} Established`, async () => {
    const crd = await client.get<KubeObject & { status?: { conditions?: { type: string; status: string }[] } }>({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name });
    return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ? true : undefined;
  }, 30_000);
}

const base = (kind: string, name: string, spec: unknown): KubeObject & { spec: unknown } => ({ apiVersion: 'musubi.dev/v1alpha1', kind, metadata: { name }, spec });
const anchorSpec = {
  framework: 'Japan', jurisdiction: 'JP', identifierSchemes: ['jp-corporate-number'],
  dataSource: { name: 'NTA', configMap: { name: 'reg', key: 'r.yaml' } },
  credentials: [{ type: 'LegalPersonCredential' }], publicURL: 'https://jp.example',
};

beforeAll(async () => {
  ({ client, namespace, cleanup } = await testNamespace('crds'));
  for (const file of readdirSync(join(repo, 'crds')).filter((f) => f.endsWith('.yaml'))) {
    for (const crd of yamlDocs(join(repo, 'crds', file))) {
      await apply(crd);
      await waitEstablished(crd.metadata!.name!);
    }
  }
}, 60_000);

afterAll(async () => cleanup?.());

test('every Musubi object in examples/ is accepted as written', async () => {
  const dir = join(repo, 'examples', 'cross-border-pcf');
  const objects = readdirSync(dir).filter((f) => f.endsWith('.yaml')).flatMap((f) => yamlDocs(join(dir, f)))
    .filter((o) => o.apiVersion === 'musubi.dev/v1alpha1');
  expect(objects.length).toBeGreaterThanOrEqual(7);
  for (const obj of objects) {
    const created = await apply({ ...obj, metadata: { ...obj.metadata, namespace } });
    expect(created.metadata?.uid).toBeTruthy();
  }
});

test('defaults are applied by the API server', async () => {
  const created = await apply(base('TrustAnchor', 'defaults', anchorSpec)) as KubeObject & { spec: { keyAlgorithm: string; credentials: { validity: string; format: string }[]; replicas: number } };
  expect(created.spec.keyAlgorithm).toBe('Ed25519');
  expect(created.spec.credentials[0]).toEqual(expect.objectContaining({ validity: '8760h', format: 'vc+jwt' }));
  expect(created.spec.replicas).toBe(1);
});

test.each([
  ['recognition without target', base('TrustAnchor', 'r1', { ...anchorSpec, recognises: [{ name: 'eu' }] }), 'set exactly one of anchorRef (in-cluster) or external'],
  ['external anchor without jurisdiction', base('TrustAnchor', 'r2', { ...anchorSpec, recognises: [{ name: 'eu', external: { did: 'did:web:eu.example', pinnedKeys: [{ kid: 'k', kty: 'OKP', crv: 'Ed25519', x: 'abc' }] } }] }), 'jurisdiction is required for an external anchor'],
  ['EC key without y', base('TrustAnchor', 'r3', { ...anchorSpec, recognises: [{ name: 'eu', jurisdiction: 'EU', external: { did: 'did:web:eu.example', pinnedKeys: [{ kid: 'k', kty: 'EC', crv: 'P-256', x: 'abc' }] } }] }), 'EC keys need y'],
  ['validity under an hour', base('TrustAnchor', 'r4', { ...anchorSpec, credentials: [{ type: 'LegalPersonCredential', validity: '30m' }] }), 'validity must be at least 1h'],
  ['two data sources', base('TrustAnchor', 'r5', { ...anchorSpec, dataSource: { name: 'x', configMap: { name: 'a', key: 'b' }, http: { url: 'https://r.example' } } }), 'set exactly one of dataSource.configMap or dataSource.http'],
  ['unknown credential type', base('TrustAnchor', 'r6', { ...anchorSpec, credentials: [{ type: 'Passport' }] }), 'Unsupported value: "Passport"'],
  ['duplicate credential type', base('TrustAnchor', 'r7', { ...anchorSpec, credentials: [{ type: 'LegalPersonCredential' }, { type: 'LegalPersonCredential' }] }), 'Duplicate value'],
  ['relationship with two subjects', base('Participant', 'p1', { legalName: 'P', country: 'JP', identifiers: [{ scheme: 'jp-corporate-number', value: '1180301018771' }], trustAnchorRef: { name: 'jp' }, relationships: [{ type: 'recyclerOf', did: 'did:web:x.example', participantRef: { name: 'y' } }] }), 'set exactly one of participantRef or did'],
  ['quota on an existing tenant', base('Participant', 'p2', { legalName: 'P', country: 'JP', identifiers: [{ scheme: 'jp-corporate-number', value: '1180301018771' }], trustAnchorRef: { name: 'jp' }, tenant: { mode: 'Existing', quota: { pods: 3 } } }), 'apply only to tenant.mode Managed'],
  ['lower-case country', base('Participant', 'p3', { legalName: 'P', country: 'jp', identifiers: [{ scheme: 'jp-corporate-number', value: '1180301018771' }], trustAnchorRef: { name: 'jp' } }), 'spec.country'],
  ['replicas without postgres', base('Connector', 'c1', { participantRef: { name: 'p' }, publicURL: 'https://c.example', replicas: 2 }), 'replicas > 1 needs persistence.postgres'],
  ['offer with two sources', base('Connector', 'c2', { participantRef: { name: 'p' }, publicURL: 'https://c.example', offers: [{ assetId: 'a', dataset: { title: 'A' }, source: { configMap: { name: 'a', key: 'b' }, secret: { name: 'a', key: 'b' } }, policyRef: { name: 'p' } }] }), 'set exactly one of source.http, source.configMap or source.secret'],
  ['duplicate asset ids', base('Connector', 'c3', { participantRef: { name: 'p' }, publicURL: 'https://c.example', offers: [1, 2].map(() => ({ assetId: 'a', dataset: { title: 'A' }, source: { configMap: { name: 'a', key: 'b' } }, policyRef: { name: 'p' } })) }), 'Duplicate value'],
  ['set operator with a single value', base('Policy', 'pol1', { permissions: [{ constraints: [{ leftOperand: 'jurisdiction', operator: 'isAnyOf', value: 'JP' }] }] }), 'isAnyOf, isAllOf and isNoneOf take a list in values'],
  ['constraint both atomic and group', base('Policy', 'pol2', { permissions: [{ constraints: [{ leftOperand: 'purpose', operator: 'eq', value: 'x', or: [{ leftOperand: 'purpose', operator: 'eq', value: 'a' }, { leftOperand: 'purpose', operator: 'eq', value: 'b' }] }] }] }), 'a constraint is either atomic'],
  ['no permissions', base('Policy', 'pol3', { permissions: [] }), 'spec.permissions'],
])('rejects %s', async (_name, obj, message) => {
  expect(await rejection(obj)).toContain(message);
});

test('immutable fields cannot change, and the stored object is untouched', async () => {
  await apply(base('TrustAnchor', 'immutable', anchorSpec));
  for (const [field, value, message] of [['jurisdiction', 'DE', 'jurisdiction is immutable'], ['keyAlgorithm', 'P-256', 'keyAlgorithm is immutable'], ['framework', 'EU', 'framework is immutable']] as const) {
    let caught: unknown;
    try {
      await apply(base('TrustAnchor', 'immutable', { ...anchorSpec, [field]: value }));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(KubeApiError);
    expect((caught as KubeApiError).message + JSON.stringify((caught as KubeApiError).status ?? {})).toContain(message);
  }
  const stored = await client.get<KubeObject & { spec: { jurisdiction: string; keyAlgorithm: string } }>({ apiVersion: 'musubi.dev/v1alpha1', kind: 'TrustAnchor', namespace, name: 'immutable' });
  expect(stored.spec.jurisdiction).toBe('JP');
  expect(stored.spec.keyAlgorithm).toBe('Ed25519');
});
