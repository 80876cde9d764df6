// Each connector signs its change events with a key of its own: generated once into a Secret only its
// pods mount, never regenerated on reconcile or restart, its public half (never `d`) in the status for
// the Participant controller, and a replaced key rolls the pods.
import { importKeyPair } from '@musubi/core/trust';
import type { KubeObject } from '../../runtime/index.js';
import { FakeKubeClient } from '../../runtime/testing/index.js';
import { setupPolicyController } from '../policy/policy.controller.js';
import { CONFIG_MAP, CONNECTOR, DEPLOYMENT, SECRET } from '../shared/kinds.js';
import { readyOf, startTestOperator, type TestOperator } from '../shared/test-operator.js';
import { setupConnectorController } from './controller.js';
import { anchorObject, anchorSigningKeySecret, connectorObject, NS, participantObject, pcfData, policyObject, readyParticipantStatus, trustListConfigMap } from './fixtures.js';
import { CONFIG_HASH_ANNOTATION } from './render.js';
import { issuerWithTrustLists } from './test-trust-lists.js';

type SigningKeyStatus = { kid: string; kty: string; crv: string; x: string };
type Status = { configHash?: string; eventSigningKey?: SigningKeyStatus; conditions?: Array<{ type: string; status: string; reason: string; message: string }> };

const SECRET_NAME = 'jp-manufacturer-connector-signing-key';
let op: TestOperator;
let controller: ReturnType<typeof setupConnectorController>;

async function start(client: FakeKubeClient) {
  op = await startTestOperator((manager, context) => {
    setupPolicyController(manager, context);
    controller = setupConnectorController(manager, context, { issuer: issuerWithTrustLists(client) });
  }, { client });
}
afterEach(() => op.stop());

async function seedWorld(client: FakeKubeClient) {
  client.seed(anchorObject);
  client.seed(anchorSigningKeySecret());
  client.seed(trustListConfigMap);
  client.seed(pcfData);
  await client.create(policyObject);
  const participant = await client.create(participantObject());
  await client.updateStatus({ ...participant, status: readyParticipantStatus });
}

const statusOf = async () => (await op.get(CONNECTOR, NS, 'jp-manufacturer'))?.status as Status | undefined;
const secret = () => op.get(SECRET, NS, SECRET_NAME);
const privateJwkOf = (object: KubeObject) => JSON.parse(Buffer.from((object.data as Record<string, string>)['signing-key.jwk']!, 'base64').toString()) as Record<string, string>;
const podHash = async () => ((await op.get(DEPLOYMENT, NS, 'jp-manufacturer-connector'))?.spec as { template: { metadata: { annotations: Record<string, string> } } } | undefined)
  ?.template.metadata.annotations[CONFIG_HASH_ANNOTATION];

test('the key is generated once, survives reconciles and an operator restart; status carries only its public half', async () => {
  const client = new FakeKubeClient();
  await start(client);
  await seedWorld(client);
  await client.create(connectorObject());
  const published = await op.until('status.eventSigningKey', async () => (await statusOf())?.eventSigningKey);
  const stored = (await secret())!;
  expect(stored.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Connector', name: 'jp-manufacturer', controller: true })]);
  const jwk = privateJwkOf(stored);
  const key = await importKeyPair(jwk);
  // The kid names the connector and this key; status is the stored key's public half, nothing more.
  expect(key.kid).toMatch(/^connector-jp-manufacturer-[A-Za-z0-9_-]{12}$/);
  expect(published).toEqual({ kid: key.kid, kty: 'OKP', crv: 'Ed25519', x: key.publicJwk.x });
  const connectorJson = JSON.stringify(await op.get(CONNECTOR, NS, 'jp-manufacturer'));
  expect(connectorJson).not.toContain(jwk.d);
  expect(connectorJson).not.toContain('"d"');

  // The pods read it from the Secret; the ConfigMap names the file and holds no key material.
  const configMap = (await op.until('ConfigMap', () => op.get(CONFIG_MAP, NS, 'jp-manufacturer-connector-config')))!;
  const config = JSON.parse((configMap.data as Record<string, string>)['connector.json']!);
  expect(config.notifications).toEqual({ signingKeyFile: '/var/run/musubi/event-signing-key/signing-key.jwk' });
  expect(JSON.stringify(configMap)).not.toContain(jwk.d);
  expect(await op.events('EventSigningKeyCreated')).toEqual([expect.objectContaining({ type: 'Normal', note: expect.stringContaining(key.kid) })]);
  expect((await op.events('EventSigningKeyCreated'))[0]!.note).not.toContain(jwk.d);

  await op.reconcileNow(controller, `${NS}/jp-manufacturer`);
  await op.stop();
  await start(client);
  await op.reconcileNow(controller, `${NS}/jp-manufacturer`);
  const after = (await secret())!;
  expect(after.metadata.resourceVersion).toBe(stored.metadata.resourceVersion);
  expect(privateJwkOf(after)).toEqual(jwk);
  expect((await statusOf())?.eventSigningKey).toEqual(published);
  expect(await op.events('EventSigningKeyCreated')).toHaveLength(1);
});

test('a deleted key Secret is replaced by a new key with a new kid, and the pods roll', async () => {
  const client = new FakeKubeClient();
  await start(client);
  await seedWorld(client);
  await client.create(connectorObject());
  const first = await op.until('status.eventSigningKey', async () => (await statusOf())?.eventSigningKey);
  const firstHash = await op.until('pod hash', podHash);
  await client.delete({ ...SECRET, namespace: NS, name: SECRET_NAME });
  await op.reconcileNow(controller, `${NS}/jp-manufacturer`);
  const second = await op.until('a new key', async () => {
    const key = (await statusOf())?.eventSigningKey;
    return key && key.kid !== first.kid ? key : undefined;
  });
  expect(second.x).not.toBe(first.x);
  expect(privateJwkOf((await secret())!).kid).toBe(second.kid);
  expect(await podHash()).not.toBe(firstHash);
});

test('a damaged key Secret is reported, not replaced, and its content never reaches the status', async () => {
  const client = new FakeKubeClient();
  await start(client);
  await seedWorld(client);
  const damaged = { kty: 'OKP', crv: 'Ed25519', x: 'wL9MpTiipoJLNETc74WkbJivrmDUsXUl5IOHfkJpTwA', d: 'not-a-key' };
  client.seed({
    apiVersion: 'v1', kind: 'Secret', metadata: { name: SECRET_NAME, namespace: NS }, type: 'Opaque',
    data: { 'signing-key.jwk': Buffer.from(JSON.stringify(damaged)).toString('base64') },
  });
  await client.create(connectorObject());
  const ready = await op.until('EventSigningKeyInvalid', async () => {
    const condition = readyOf(await op.get(CONNECTOR, NS, 'jp-manufacturer'));
    return condition?.reason === 'EventSigningKeyInvalid' ? condition : undefined;
  });
  expect(ready.message).toContain(`Secret ${NS}/${SECRET_NAME} key "signing-key.jwk" is not a usable private key`);
  expect(ready.message).toContain('delete it to have a new key generated');
  expect(JSON.stringify(await op.get(CONNECTOR, NS, 'jp-manufacturer'))).not.toContain('not-a-key');
  expect((await statusOf())?.eventSigningKey).toBeUndefined();
  expect(await op.get(DEPLOYMENT, NS, 'jp-manufacturer-connector')).toBeUndefined();
});
