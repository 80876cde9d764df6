import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IssueCredentialRequest } from '@musubi/core/service-config';
import { CREDENTIALS_V2_CONTEXT, MUSUBI_CREDENTIALS_CONTEXT, createDidWebResolver, createKeyResolver, generateKeyPair, verifyCredentialJwt } from '@musubi/core/trust';
import { TrustAnchorSpec } from '@musubi/operator/api/v1alpha1';
import {
  DEPLOYMENT, HttpIssuerClient, IssuerUnavailableError, SERVICE, issuerEndpoint, issuerName, renderApiTokenSecret, renderIssuerDataClaim, renderSigningKeySecret, renderTrustAnchor,
  type OwnerIdentity,
} from '@musubi/operator/controllers';
import type { KubeObject } from '@musubi/operator/runtime';
import { FakeKubeClient, eventually } from '@musubi/operator/runtime/testing';
import { LocalWorkloadRunner, type LocalWorkloadStatus } from './runner.js';

// The runner against the in-memory API server, with exactly the objects the operator renders for a
// TrustAnchor: the real issuer runs, answers at its Service URL and its DID, follows a changed
// registry in place, restarts on a changed pod template and stops when its Deployment goes.

const NS = 'tenant-a';
const TOKEN = 'issuer-api-token-for-tests';
const owner: OwnerIdentity = { apiVersion: 'musubi.dev/v1alpha1', kind: 'TrustAnchor', name: 'jp-anchor', namespace: NS, uid: 'uid-jp-anchor' };
const did = `did:web:jp-anchor.${NS}.svc`;
const endpoint = issuerEndpoint('jp-anchor', NS, 'cluster.local');
const registry = (extra = '') => ({
  apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'registry', namespace: NS },
  data: { 'registry.yaml': `- { scheme: jp-corporate-number, value: "3010401099999", legalName: "Musubi Motors Co., Ltd.", country: JP }\n${extra}` },
});

let client: FakeKubeClient;
let runner: LocalWorkloadRunner | undefined;
let workDir: string;

async function anchorObjects(displayName = 'Japan anchor'): Promise<KubeObject[]> {
  const key = await generateKeyPair({ algorithm: 'Ed25519' });
  const spec = TrustAnchorSpec.parse({
    framework: 'Japan', jurisdiction: 'JP', displayName, identifierSchemes: ['jp-corporate-number'],
    dataSource: { name: 'registry mirror', configMap: { name: 'registry', key: 'registry.yaml' } },
    credentials: [{ type: 'LegalPersonCredential', validity: '8760h' }], publicURL: `https://jp-anchor.${NS}.svc`,
  });
  const rendered = renderTrustAnchor({
    owner, spec, did, endpoint, signingKey: { ...key.publicJwk, kid: key.forDid(did).kid }, recognised: [], dataspace: 'musubi', image: 'musubi-trust:test', imagePullPolicy: 'Never',
  });
  return [renderSigningKeySecret(owner, key.exportPrivateJwk(), key.publicJwk, key.thumbprint), renderApiTokenSecret(owner, TOKEN), renderIssuerDataClaim(owner, spec), ...rendered.children];
}

function legalPersonRequest(legalName: string, value: string): IssueCredentialRequest {
  return {
    credential: {
      '@context': [CREDENTIALS_V2_CONTEXT, MUSUBI_CREDENTIALS_CONTEXT],
      type: ['VerifiableCredential', 'LegalPersonCredential'],
      credentialSubject: { id: 'did:web:wallet.example.jp', legalName, country: 'JP', identifiers: [{ scheme: 'jp-corporate-number', value }] },
    },
    options: {},
  };
}

async function untilWorkload(what: string, match: (w: LocalWorkloadStatus) => boolean): Promise<LocalWorkloadStatus> {
  return eventually(what, () => {
    const found = runner!.status().find((w) => w.deployment === issuerName('jp-anchor'));
    if (found && match(found)) return found;
    throw new Error(`workload: ${JSON.stringify(found)}`);
  }, 10_000, 20);
}

beforeEach(() => {
  client = new FakeKubeClient();
  workDir = mkdtempSync(join(tmpdir(), 'localpods-test-'));
});

afterEach(async () => {
  await runner?.stop();
  runner = undefined;
  rmSync(workDir, { recursive: true, force: true });
});

test('runs the issuer a TrustAnchor Deployment describes, reachable by its Service URL and its DID', async () => {
  for (const obj of [registry(), ...(await anchorObjects())]) await client.create(obj);
  runner = await LocalWorkloadRunner.start({ client, workDir });
  const running = await untilWorkload('issuer running', (w) => w.phase === 'Running');
  expect(running).toEqual(expect.objectContaining({ command: 'issuer', did, namespace: NS, starts: 1, url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) }));

  // The operator's own client, through the runner: the issuer checks the registry and signs.
  const issuer = new HttpIssuerClient({ timeoutMs: 5000, fetch: runner.fetch });
  const jwt = await issuer.requestCredential(endpoint, TOKEN, legalPersonRequest('Musubi Motors Co., Ltd.', '3010401099999'));
  const keys = createKeyResolver(createDidWebResolver({ fetch: runner.fetch }));
  const verified = await verifyCredentialJwt(jwt, { keys });
  expect(verified.issuer).toBe(did);
  expect(await issuer.status(endpoint, TOKEN)).toEqual(expect.objectContaining({ did, recognised: [] }));
  await expect(issuer.status(endpoint, 'wrong-token')).rejects.toThrow(/HTTP 401/);

  // What the pod mounts is on disk privately: directories 0700, Secret files 0600.
  const files = readdirSync(workDir, { recursive: true, withFileTypes: true });
  for (const entry of files.filter((e) => e.isDirectory())) expect(statSync(join(entry.parentPath, entry.name)).mode & 0o777).toBe(0o700);
  const keyFile = files.find((e) => e.name === 'signing-key.jwk');
  expect(keyFile && statSync(join(keyFile.parentPath, keyFile.name)).mode & 0o777).toBe(0o600);
});

test('a changed registry ConfigMap reaches the running issuer in place; a changed pod template restarts it at the same address', async () => {
  for (const obj of [registry(), ...(await anchorObjects())]) await client.create(obj);
  runner = await LocalWorkloadRunner.start({ client, workDir });
  const first = await untilWorkload('issuer running', (w) => w.phase === 'Running');
  const issuer = new HttpIssuerClient({ timeoutMs: 5000, fetch: runner.fetch });
  const newcomer = legalPersonRequest('Kaizen Batteries K.K.', '5010001008821');
  await expect(issuer.requestCredential(endpoint, TOKEN, newcomer)).rejects.toThrow(/HTTP 422/);

  await client.update({ ...(await client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: NS, name: 'registry' })), data: registry('- { scheme: jp-corporate-number, value: "5010001008821", legalName: "Kaizen Batteries K.K.", country: JP }\n').data });
  await eventually('the issuer knows the newcomer', () => issuer.requestCredential(endpoint, TOKEN, newcomer), 10_000, 50);
  expect(runner.status()[0]!.starts).toBe(1);

  // A new configuration (display name) changes the pod template: a new pod behind the same address.
  const changed = (await anchorObjects('Japan anchor, renamed')).find((o) => o.kind === 'Deployment')!;
  const current = await client.get({ ...DEPLOYMENT, namespace: NS, name: issuerName('jp-anchor') });
  await client.update({ ...current, spec: changed.spec });
  const second = await untilWorkload('issuer restarted', (w) => w.phase === 'Running' && w.starts === 2);
  expect(second.revision).not.toBe(first.revision);
  expect(second.url).toBe(first.url);
  expect((await issuer.status(endpoint, TOKEN)).did).toBe(did);
});

test('without a running pod a Service URL is refused as a connection would be; unknown names are not found', async () => {
  for (const obj of [registry(), ...(await anchorObjects())]) await client.create(obj);
  runner = await LocalWorkloadRunner.start({ client, workDir });
  await untilWorkload('issuer running', (w) => w.phase === 'Running');
  await client.delete({ ...DEPLOYMENT, namespace: NS, name: issuerName('jp-anchor') });
  await eventually('issuer stopped', () => (runner!.status().length === 0 ? true : undefined), 10_000, 20);

  const issuer = new HttpIssuerClient({ timeoutMs: 5000, fetch: runner.fetch });
  const refused = await issuer.status(endpoint, TOKEN).catch((err: unknown) => err);
  expect(refused).toBeInstanceOf(IssuerUnavailableError);
  expect((refused as Error).message).toMatch(/ECONNREFUSED/);
  await client.delete({ ...SERVICE, namespace: NS, name: issuerName('jp-anchor') });
  await eventually('unknown once the Service is gone', async () => {
    const err = await runner!.fetch(`${endpoint}/status`).catch((e: unknown) => e);
    return ((err as { cause?: { code?: string } }).cause?.code === 'ENOTFOUND') ? true : undefined;
  }, 10_000, 20);
});

test('a pod waits for the Secrets and ConfigMaps it mounts, and a template the runner cannot run is reported by field', async () => {
  const objects = await anchorObjects();
  for (const obj of objects) await client.create(obj);
  runner = await LocalWorkloadRunner.start({ client, workDir });
  const waiting = await untilWorkload('issuer waits for its registry', (w) => w.phase === 'Pending' && w.message.includes('ConfigMap'));
  expect(waiting.message).toBe(`waiting: ConfigMap ${NS}/registry (volume "registry") does not exist`);
  await client.create(registry());
  await untilWorkload('issuer running', (w) => w.phase === 'Running');

  const deployment = await client.get({ ...DEPLOYMENT, namespace: NS, name: issuerName('jp-anchor') });
  const spec = structuredClone(deployment.spec) as { template: { spec: { volumes: Array<Record<string, unknown>> } } };
  spec.template.spec.volumes[3] = { name: 'data', hostPath: { path: '/var/lib/musubi' } };
  await client.update({ ...deployment, spec });
  const failed = await untilWorkload('unsupported volume reported', (w) => w.phase === 'Failed');
  expect(failed.message).toBe(`Deployment ${NS}/${issuerName('jp-anchor')}: spec.template.spec.volumes[3]: hostPath volumes are not run locally (configMap, secret, projected, emptyDir and persistentVolumeClaim are)`);
});

test('stop removes the private directory', async () => {
  for (const obj of [registry(), ...(await anchorObjects())]) await client.create(obj);
  runner = await LocalWorkloadRunner.start({ client, workDir });
  await untilWorkload('issuer running', (w) => w.phase === 'Running');
  expect(readdirSync(workDir)).toHaveLength(1);
  await runner.stop();
  runner = undefined;
  expect(readdirSync(workDir)).toEqual([]);
});

test('the issuer\'s claim is provisioned a volume and its state outlives a restart of the pod', async () => {
  for (const obj of [registry(), ...(await anchorObjects())]) await client.create(obj);
  runner = await LocalWorkloadRunner.start({ client, workDir });
  await untilWorkload('issuer running', (w) => w.phase === 'Running');
  // What a provisioner does: a volume pre-bound to the claim, at the directory the pods mount.
  const claim = await client.get({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: NS, name: 'jp-anchor-issuer-data' });
  const volume = await eventually('a volume for the claim', async () => (await client.list({ apiVersion: 'v1', kind: 'PersistentVolume' })).items[0], 10_000, 20);
  expect(volume.spec).toEqual(expect.objectContaining({
    capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: '', persistentVolumeReclaimPolicy: 'Retain',
    claimRef: expect.objectContaining({ namespace: NS, name: 'jp-anchor-issuer-data', uid: claim.metadata.uid }),
    hostPath: { path: expect.stringMatching(/claims\/tenant-a\/jp-anchor-issuer-data$/), type: 'DirectoryOrCreate' },
  }));

  const issuer = new HttpIssuerClient({ timeoutMs: 5000, fetch: runner.fetch });
  const jwt = await issuer.requestCredential(endpoint, TOKEN, legalPersonRequest('Musubi Motors Co., Ltd.', '3010401099999'));
  const id = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()).id as string;
  const changed = (await anchorObjects('Japan anchor, renamed')).find((o) => o.kind === 'Deployment')!;
  const current = await client.get({ ...DEPLOYMENT, namespace: NS, name: issuerName('jp-anchor') });
  await client.update({ ...current, spec: changed.spec });
  await untilWorkload('issuer restarted', (w) => w.phase === 'Running' && w.starts === 2);
  // The new pod knows the credential the old one issued: its index and status lists are on the claim.
  await expect(issuer.revoke(endpoint, TOKEN, id)).resolves.toBeUndefined();

  await runner.stop();
  runner = undefined;
  expect((await client.list({ apiVersion: 'v1', kind: 'PersistentVolume' })).items).toEqual([]);
});
