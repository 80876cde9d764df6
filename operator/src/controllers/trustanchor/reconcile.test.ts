import { TrustListConfig } from '@musubi/core/service-config';
import { FakeKubeClient } from '../../runtime/testing/index.js';
import { HttpIssuerClient } from '../shared/issuer-client.js';
import { CONFIG_MAP, DEPLOYMENT, PERSISTENT_VOLUME_CLAIM, SECRET, SERVICE, TRUST_ANCHOR } from '../shared/kinds.js';
import { markDeploymentAvailable, readyOf, startTestOperator, type TestOperator } from '../shared/test-operator.js';
import { TestIssuer } from '../shared/test-issuer.js';
import { setupTrustAnchorController } from './controller.js';
import { anchor, externalRecognition, NS } from './fixtures.js';

type AnchorStatus = {
  did?: string; endpoint?: string; signingKeyID?: string; observedGeneration?: number; trustListValidUntil?: string;
  recognisedAnchors?: Array<{ name: string; did?: string; state: string; lastRefreshTime?: string }>;
  conditions?: Array<{ type: string; status: string; reason: string; message: string }>;
};

let op: TestOperator;
let issuer: TestIssuer;
let controller: ReturnType<typeof setupTrustAnchorController>;

async function start(client = new FakeKubeClient()) {
  issuer = await TestIssuer.start(client, []);
  op = await startTestOperator((manager, context) => {
    controller = setupTrustAnchorController(manager, { ...context, issuer: new HttpIssuerClient({ timeoutMs: 2000, fetch: issuer.fetch }) });
  }, { client });
}
afterEach(async () => {
  await op.stop();
  await issuer.stop();
});

const get = (name = 'jp-anchor') => op.get(TRUST_ANCHOR, NS, name);
const statusOf = async (name = 'jp-anchor') => (await get(name))?.status as AnchorStatus | undefined;
const keySecret = (name = 'jp-anchor') => op.get(SECRET, NS, `${name}-signing-key`);
const trustList = async (name = 'jp-anchor') => {
  const cm = await op.get(CONFIG_MAP, NS, `${name}-trust-list`);
  return cm ? TrustListConfig.parse(JSON.parse((cm.data as Record<string, string>)['trust-list.json']!)) : undefined;
};

test('create → signing key, issuer, published keys and a status without private material', async () => {
  await start();
  await op.client.create(anchor('jp-anchor', { recognises: [] }));
  const status = await op.until('status with key', async () => ((await statusOf())?.signingKeyID ? statusOf() : undefined));
  expect(status).toEqual(expect.objectContaining({
    did: 'did:web:jp-anchor.dataspace.svc',
    endpoint: 'http://jp-anchor-issuer.dataspace.svc.cluster.local:8080',
    signingKeyID: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    observedGeneration: 1,
  }));
  expect(JSON.stringify(await get())).not.toMatch(/"d"/);
  const secret = (await keySecret())!;
  expect(secret.metadata.annotations?.['musubi.dev/key-id']).toBe(status!.signingKeyID);
  expect(secret.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'TrustAnchor', name: 'jp-anchor' })]);
  const published = (await trustList())!;
  expect(published.anchor.keys).toEqual([expect.objectContaining({ kid: `did:web:jp-anchor.dataspace.svc#${status!.signingKeyID}`, crv: 'Ed25519' })]);
  expect(published.anchor.keys[0]).not.toHaveProperty('d');
  for (const [type, name] of [[DEPLOYMENT, 'jp-anchor-issuer'], [SERVICE, 'jp-anchor-issuer'], [CONFIG_MAP, 'jp-anchor-issuer-config'], [SECRET, 'jp-anchor-issuer-token']] as const) {
    expect(await op.get(type, NS, name)).toBeDefined();
  }
  expect((await op.events('KeyCreated')).map((e) => e.note)).toEqual([expect.stringContaining(status!.signingKeyID!)]);
  expect(readyOf(await get())?.reason).toBe('DeploymentProgressing');

  await markDeploymentAvailable(op.client, NS, 'jp-anchor-issuer');
  await op.until('Ready', async () => (readyOf(await get())?.status === 'True' ? true : undefined));
});

test('the signing key is never regenerated: not by re-applies, spec changes or an operator restart', async () => {
  const client = new FakeKubeClient();
  await start(client);
  await client.create(anchor('jp-anchor', { recognises: [] }));
  const kid = await op.until('key', async () => (await statusOf())?.signingKeyID);
  const secret = (await keySecret())!;
  await op.reconcileNow(controller, `${NS}/jp-anchor`);
  const live = (await get())!;
  await client.update({ ...live, spec: { ...(live.spec as object), displayName: 'Renamed anchor', replicas: 2 } });
  await op.until('generation 2 observed', async () => ((await statusOf())?.observedGeneration === 2 ? true : undefined));
  await op.stop();
  await issuer.stop();

  await start(client);
  await op.reconcileNow(controller, `${NS}/jp-anchor`);
  expect((await statusOf())?.signingKeyID).toBe(kid);
  const after = (await keySecret())!;
  expect(after.metadata.resourceVersion).toBe(secret.metadata.resourceVersion);
  expect(after.data).toEqual(secret.data);
  expect(client.requests.filter((r) => r.kind === 'Secret' && r.key.endsWith('signing-key') && r.verb !== 'get' && r.verb !== 'list' && r.verb !== 'watch').map((r) => r.verb)).toEqual(['create']);
  expect(await op.events('KeyCreated')).toHaveLength(1);
});

test('a damaged key Secret is reported and left alone; a deleted one is replaced with a warning', async () => {
  await start();
  await op.client.create(anchor('jp-anchor', { recognises: [] }));
  const kid = await op.until('key', async () => (await statusOf())?.signingKeyID);
  const secret = (await keySecret())!;
  const damaged = { ...(secret.data as Record<string, string>), 'signing-key.jwk': Buffer.from('{"kty":"OKP","crv":"Ed25519","x":"AAAA","d":"BBBB"}').toString('base64') };
  await op.client.update({ ...secret, data: damaged });
  const invalid = await op.until('SigningKeyInvalid', async () => (readyOf(await get())?.reason === 'SigningKeyInvalid' ? get() : undefined));
  expect(readyOf(invalid)?.message).toContain('Secret dataspace/jp-anchor-signing-key key "signing-key.jwk" is not a usable private key');
  expect(readyOf(invalid)?.message).not.toContain('BBBB');
  expect(((await keySecret())!.data as Record<string, string>)['signing-key.jwk']).toBe(damaged['signing-key.jwk']);
  expect((await statusOf())?.signingKeyID).toBe(kid);

  await op.client.delete({ ...SECRET, namespace: NS, name: 'jp-anchor-signing-key' });
  const replaced = await op.until('new key', async () => {
    const id = (await statusOf())?.signingKeyID;
    return id && id !== kid && readyOf(await get())?.reason !== 'SigningKeyInvalid' ? id : undefined;
  });
  expect((await op.events('SigningKeyReplaced')).map((e) => e.note)).toEqual([expect.stringContaining(`${kid} was deleted; signing with the new key ${replaced}`)]);
});

test('a recognised in-cluster anchor that does not exist is named; it is trusted with its DID and key once it appears', async () => {
  await start();
  await op.client.create(anchor('jp-anchor', { recognises: [(anchor('jp-anchor').spec as { recognises: unknown[] }).recognises[0], externalRecognition] }));
  const notFound = await op.until('RecognisedAnchorNotFound', async () => (readyOf(await get())?.reason === 'RecognisedAnchorNotFound' ? get() : undefined));
  expect(readyOf(notFound)?.message).toContain('TrustAnchor dataspace/eu-anchor (spec.recognises[0].anchorRef, "eu") not found');
  expect((await trustList())!.recognised.map((r) => r.name)).toEqual(['gaiax-clearing-house']);
  expect((await trustList())!.recognised[0]).toEqual(expect.objectContaining({
    did: 'did:web:clearing-house.example.eu:anchors:gx', inCluster: false, maxStalenessSeconds: 43200,
    trustListURL: 'https://clearing-house.example.eu/anchors/gx/trust-list',
    keys: [expect.objectContaining({ kid: 'did:web:clearing-house.example.eu:anchors:gx#key-1', crv: 'P-256' })],
  }));

  await op.client.create(anchor('eu-anchor'));
  const euKid = await op.until('eu key', async () => (await statusOf('eu-anchor'))?.signingKeyID);
  const resolved = await op.until('eu recognised', async () => {
    const list = await trustList();
    return list?.recognised.find((r) => r.name === 'eu');
  });
  expect(resolved).toEqual(expect.objectContaining({
    did: 'did:web:eu-anchor.dataspace.svc', jurisdiction: 'EU', inCluster: true,
    keys: [expect.objectContaining({ kid: `did:web:eu-anchor.dataspace.svc#${euKid}` })],
    trustListURL: 'http://eu-anchor-issuer.dataspace.svc.cluster.local:8080/trust-list',
    attributeMapping: [{ from: 'eu-vat', to: 'vatID' }],
  }));
  // And the EU anchor, recognising Japan, found the Japanese key.
  await op.until('jp recognised by eu', async () => (await trustList('eu-anchor'))?.recognised.find((r) => r.name === 'japan'));
  expect(readyOf(await get())?.reason).not.toBe('RecognisedAnchorNotFound');
});

test('recognised anchors are Pending until the issuer reports their freshness', async () => {
  await start();
  await op.client.create(anchor('eu-anchor', { recognises: [] }));
  await op.client.create(anchor('jp-anchor'));
  await op.until('resolved', async () => (await statusOf())?.recognisedAnchors?.[0]?.did ? true : undefined);
  expect((await statusOf())?.recognisedAnchors).toEqual([{ name: 'eu', did: 'did:web:eu-anchor.dataspace.svc', state: 'Pending' }]);

  issuer.reachable = false;
  await markDeploymentAvailable(op.client, NS, 'jp-anchor-issuer');
  const unavailable = await op.until('issuer unavailable reported', async () => {
    const s = await statusOf();
    return s?.conditions?.find((c) => c.type === 'IssuerReporting' && c.status === 'False') ? s : undefined;
  });
  expect(unavailable.conditions?.find((c) => c.type === 'IssuerReporting')?.message).toContain('the issuer at http://jp-anchor-issuer.dataspace.svc.cluster.local:8080 is unavailable: ECONNREFUSED');
  expect(unavailable.recognisedAnchors?.[0]?.state).toBe('Pending');

  issuer.reachable = true;
  await op.reconcileNow(controller, `${NS}/jp-anchor`);
  const fresh = await op.until('fresh', async () => {
    const s = await statusOf();
    return s?.recognisedAnchors?.[0]?.state === 'Fresh' ? s : undefined;
  });
  expect(fresh.recognisedAnchors?.[0]?.lastRefreshTime).toBeDefined();
  expect(fresh.trustListValidUntil).toBeDefined();
  expect(readyOf(await get())?.status).toBe('True');
});

test('a spec change updates the children; deleted children come back', async () => {
  await start();
  await op.client.create(anchor('jp-anchor', { recognises: [] }));
  await op.until('issuer config', () => op.get(CONFIG_MAP, NS, 'jp-anchor-issuer-config'));
  const live = (await get())!;
  await op.client.update({ ...live, spec: { ...(live.spec as object), credentials: [{ type: 'LegalPersonCredential', validity: '720h', format: 'vc+jwt' }] } });
  await op.until('validity updated', async () => {
    const cm = await op.get(CONFIG_MAP, NS, 'jp-anchor-issuer-config');
    return JSON.parse((cm!.data as Record<string, string>)['issuer.json']!).credentials[0].validitySeconds === 2_592_000 ? true : undefined;
  });
  await op.until('observedGeneration 2', async () => ((await statusOf())?.observedGeneration === 2 ? true : undefined));
  await op.client.delete({ ...DEPLOYMENT, namespace: NS, name: 'jp-anchor-issuer' });
  await op.until('deployment restored', () => op.get(DEPLOYMENT, NS, 'jp-anchor-issuer'));
  await op.client.delete({ ...CONFIG_MAP, namespace: NS, name: 'jp-anchor-trust-list' });
  await op.until('trust list restored', () => trustList());
});

test('the issuer keeps its state on a claim that outlives the anchor unless whenDeleted is Delete', async () => {
  await start();
  await op.client.create(anchor('jp-anchor', { recognises: [] }));
  const claim = await op.until('state claim', () => op.get(PERSISTENT_VOLUME_CLAIM, NS, 'jp-anchor-issuer-data'));
  expect(claim.spec).toEqual(expect.objectContaining({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } }));
  expect(claim.metadata.ownerReferences).toBeUndefined();
  expect(claim.metadata.labels).toEqual(expect.objectContaining({ 'musubi.dev/owner-name': 'jp-anchor', 'app.kubernetes.io/managed-by': 'musubi-operator' }));
  const deployment = (await op.until('deployment', () => op.get(DEPLOYMENT, NS, 'jp-anchor-issuer')))!;
  const podSpec = (deployment.spec as { strategy: unknown; template: { spec: { volumes: Array<{ name: string }> } } });
  expect(podSpec.strategy).toEqual({ type: 'Recreate' });
  expect(podSpec.template.spec.volumes.find((v) => v.name === 'data')).toEqual({ name: 'data', persistentVolumeClaim: { claimName: 'jp-anchor-issuer-data' } });

  // Delete: the anchor owns the claim (garbage-collected with it); back to Retain: the reference goes.
  const live = (await get())!;
  await op.client.update({ ...live, spec: { ...(live.spec as object), storage: { whenDeleted: 'Delete' } } });
  await op.until('owned claim', async () => ((await op.get(PERSISTENT_VOLUME_CLAIM, NS, 'jp-anchor-issuer-data'))?.metadata.ownerReferences?.[0]?.kind === 'TrustAnchor' ? true : undefined));
  const again = (await get())!;
  await op.client.update({ ...again, spec: { ...(again.spec as object), storage: { whenDeleted: 'Retain' } } });
  await op.until('retained claim', async () => ((await op.get(PERSISTENT_VOLUME_CLAIM, NS, 'jp-anchor-issuer-data'))?.metadata.ownerReferences ?? []).length === 0 ? true : undefined);
  expect((await op.events('StorageClaimCreated')).map((e) => e.note)).toEqual([expect.stringContaining('Retain when the TrustAnchor is deleted')]);
});
