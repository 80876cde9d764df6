import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiException, KubeConfig, KubernetesObjectApi, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';

// The generated CRDs against the real kube-apiserver: valid objects are accepted, every CEL rule and
// schema constraint rejects what it should with the message users will see, immutable fields stay put.

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const kc = new KubeConfig();
kc.loadFromFile(process.env.MUSUBI_TEST_KUBECONFIG ?? '');
const api = KubernetesObjectApi.makeApiClient(kc);
const namespace = `crds-${process.pid}`;

function yamlDocs(file: string): KubernetesObject[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as KubernetesObject).filter((o) => o && o.kind);
}

async function apply<T extends KubernetesObject>(obj: T): Promise<T> {
  return api.patch(obj, undefined, undefined, 'musubi-test', true, PatchStrategy.ServerSideApply);
}

async function rejection(obj: KubernetesObject): Promise<string> {
  try {
    await api.create(obj);
  } catch (err) {
    if (err instanceof ApiException) {
      expect(err.code).toBe(422);
      return String((JSON.parse(String(err.body)) as { message: string }).message);
    }
    throw err;
  }
  throw new Error(`${obj.kind}/${obj.metadata?.name} was accepted but should have been rejected`);
}

async function waitEstablished(name: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  let last = '';
  while (Date.now() < deadline) {
    const crd = await api.read({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name } }) as KubernetesObject & { status?: { conditions?: { type: string; status: string; message?: string }[] } };
    const conditions = crd.status?.conditions ?? [];
    if (conditions.some((c) => c.type === 'Established' && c.status === 'True')) return;
    last = JSON.stringify(conditions);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`CRD ${name} not Established within 30s; last conditions: ${last}`);
}

const base = (kind: string, name: string, spec: unknown): KubernetesObject & { spec: unknown } => ({ apiVersion: 'musubi.dev/v1alpha1', kind, metadata: { name, namespace }, spec });
const anchorSpec = {
  framework: 'Japan', jurisdiction: 'JP', identifierSchemes: ['jp-corporate-number'],
  dataSource: { name: 'NTA', configMap: { name: 'reg', key: 'r.yaml' } },
  credentials: [{ type: 'LegalPersonCredential' }], publicURL: 'https://jp.example',
};

beforeAll(async () => {
  for (const file of readdirSync(join(repo, 'crds')).filter((f) => f.endsWith('.yaml'))) {
    for (const crd of yamlDocs(join(repo, 'crds', file))) {
      await apply(crd);
      await waitEstablished(crd.metadata!.name!);
    }
  }
  await apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
}, 60_000);

afterAll(async () => {
  await api.delete({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }).catch(() => undefined);
});

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
  const created = await apply(base('TrustAnchor', 'defaults', anchorSpec)) as KubernetesObject & { spec: { keyAlgorithm: string; credentials: { validity: string; format: string }[]; replicas: number } };
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
    expect(caught).toBeInstanceOf(ApiException);
    expect(String((caught as ApiException<string>).body)).toContain(message);
  }
  const stored = await api.read({ apiVersion: 'musubi.dev/v1alpha1', kind: 'TrustAnchor', metadata: { name: 'immutable', namespace } }) as KubernetesObject & { spec: { jurisdiction: string; keyAlgorithm: string } };
  expect(stored.spec.jurisdiction).toBe('JP');
  expect(stored.spec.keyAlgorithm).toBe('Ed25519');
});
