import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeKubeClient } from '../../runtime/testing/index.js';
import { Informer } from '../../runtime/index.js';
import { ConditionSet, writeStatus } from './conditions.js';
import { deploymentAvailability } from './deployment.js';
import { parseDuration } from './duration.js';
import { HttpIssuerClient, IssuerRefusedError, IssuerUnavailableError } from './issuer-client.js';
import { childName } from './names.js';
import { ReferenceIndex } from './reference-index.js';

test('durations as the API writes them', () => {
  expect(parseDuration('8760h')).toBe(8760 * 3_600_000);
  expect(parseDuration('1h30m')).toBe(5_400_000);
  expect(parseDuration('1.5s')).toBe(1500);
  expect(parseDuration('250ms')).toBe(250);
  expect(() => parseDuration('3 days', 'spec.validity')).toThrow('spec.validity: "3 days" is not a duration; write e.g. "720h", "90m" or "1h30m"');
  expect(() => parseDuration('')).toThrow(/empty duration/);
});

test('child names are DNS labels, stable, and shortened with a hash when too long', () => {
  expect(childName('jp-anchor', 'issuer')).toBe('jp-anchor-issuer');
  expect(childName('acme.example', 'wallet')).toBe('acme-example-wallet');
  const long = childName('a'.repeat(80), 'connector-config');
  expect(long).toHaveLength(63);
  expect(long).toMatch(/^a+-[0-9a-f]{8}-connector-config$/);
  expect(childName('a'.repeat(80), 'connector-config')).toBe(long);
  expect(childName(`${'a'.repeat(79)}b`, 'connector-config')).not.toBe(long);
});

test('Deployment availability as kube-controller-manager reports it', () => {
  const deployment = (status: object, generation = 2) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', generation }, spec: { replicas: 2 }, status });
  expect(deploymentAvailability(undefined, 'Deployment x').reason).toBe('DeploymentPending');
  expect(deploymentAvailability(deployment({ observedGeneration: 1 }), 'Deployment x').reason).toBe('DeploymentProgressing');
  const unavailable = deploymentAvailability(deployment({ observedGeneration: 2, readyReplicas: 1, conditions: [{ type: 'Available', status: 'False', message: 'Deployment does not have minimum availability.' }] }), 'Deployment x');
  expect(unavailable).toEqual(expect.objectContaining({ status: 'False', reason: 'DeploymentUnavailable', readyReplicas: 1 }));
  expect(unavailable.message).toBe('Deployment x has 1/2 ready replicas (Deployment does not have minimum availability.); check its pods with kubectl describe.');
  const stuck = deploymentAvailability(deployment({ observedGeneration: 2, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "d-1" has timed out progressing.' }] }), 'Deployment x');
  expect(stuck.message).toContain('failed to roll out: ReplicaSet "d-1" has timed out progressing.');
  expect(deploymentAvailability(deployment({ observedGeneration: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2, conditions: [{ type: 'Available', status: 'True' }] }), 'Deployment x').status).toBe('True');
});

test('conditions: Ready follows the required ones, transition times move only on change, stale types are dropped', () => {
  const t0 = new Date('2026-01-01T00:00:00Z');
  const first = new ConditionSet(undefined, 1, t0).set('A', 'True', 'Fine', 'a').set('B', 'False', 'Broken', 'b is broken').withReady(['A', 'B']);
  expect(first.map((c) => [c.type, c.status, c.reason])).toEqual([['Ready', 'False', 'Broken'], ['A', 'True', 'Fine'], ['B', 'False', 'Broken']]);
  const t1 = new Date('2026-01-01T01:00:00Z');
  const second = new ConditionSet(first, 2, t1).set('A', 'True', 'Fine', 'a').withReady(['A']);
  expect(second.map((c) => c.type)).toEqual(['Ready', 'A']);
  expect(second[1]).toEqual(expect.objectContaining({ lastTransitionTime: t0.toISOString(), observedGeneration: 2 }));
  expect(second[0]).toEqual(expect.objectContaining({ status: 'True', lastTransitionTime: t1.toISOString() }));
});

test('writeStatus writes only a status that differs', async () => {
  const client = new FakeKubeClient();
  const obj = await client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'n' } });
  const written = await writeStatus(client, obj, { phase: 'a' });
  expect(client.count('updateStatus')).toBe(1);
  await writeStatus(client, written, { phase: 'a', unset: undefined });
  expect(client.count('updateStatus')).toBe(1);
});

test('the reference index follows adds, edits and deletes', async () => {
  const client = new FakeKubeClient();
  const type = { apiVersion: 'musubi.dev/v1alpha1', kind: 'Connector' };
  const informer = new Informer(client, { type });
  const index = new ReferenceIndex(informer, (c) => ((c.spec as { policies: string[] }).policies ?? []).map((p) => `ns/${p}`));
  informer.start();
  await informer.waitForSync();
  const put = (name: string, policies: string[]) => client.seed({ ...type, metadata: { name, namespace: 'ns' }, spec: { policies } });
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
    return check();
  };
  put('a', ['p1', 'p2']);
  put('b', ['p2']);
  expect(await until(() => index.referrers('ns/p2').join() === 'ns/a,ns/b')).toBe(true);
  put('a', ['p1']);
  expect(await until(() => index.referrers('ns/p2').join() === 'ns/b')).toBe(true);
  await client.delete({ ...type, namespace: 'ns', name: 'b' });
  expect(await until(() => index.referrers('ns/p2').length === 0)).toBe(true);
  expect(index.referrers('ns/p1')).toEqual(['ns/a']);
  await informer.stop();
});

describe('HttpIssuerClient', () => {
  let server: Server;
  let answer: { status: number; body: unknown; text?: string };
  let seen: { auth?: string; path?: string; body?: string };
  let endpoint: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen = { auth: req.headers.authorization, path: req.url ?? '', body };
        if (answer.text !== undefined) res.writeHead(answer.status, { 'content-type': 'application/vc+jwt' }).end(answer.text);
        else res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  const client = () => new HttpIssuerClient({ timeoutMs: 1000 });
  const request = { credential: { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiableCredential', 'DataspaceMembershipCredential'], credentialSubject: { id: 'did:web:a.example' } }, options: {} };

  test('issue: bearer token, VC-API body, the vc+jwt out of the enveloped answer', async () => {
    answer = { status: 201, body: { verifiableCredential: { '@context': 'https://www.w3.org/ns/credentials/v2', type: 'EnvelopedVerifiableCredential', id: 'data:application/vc+jwt,aaa.bbb.ccc' } } };
    expect(await client().requestCredential(endpoint, 's3cret', request)).toBe('aaa.bbb.ccc');
    expect(seen).toEqual({ auth: 'Bearer s3cret', path: '/credentials/issue', body: JSON.stringify(request) });
  });

  test('a refusal carries the problem details; a 5xx, a timeout and a closed port are "unavailable"', async () => {
    answer = { status: 422, body: { title: 'IdentifierNotRegistered', detail: 'jp-corporate-number 3010401099999 is not in the registry' } };
    await expect(client().requestCredential(endpoint, 't', request)).rejects.toThrow(new IssuerRefusedError(endpoint, 422, 'IdentifierNotRegistered — jp-corporate-number 3010401099999 is not in the registry'));
    answer = { status: 503, body: { title: 'Starting' } };
    await expect(client().status(endpoint, 't')).rejects.toBeInstanceOf(IssuerUnavailableError);
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await expect(client().status(`http://127.0.0.1:${closedPort}`, 't')).rejects.toThrow(/is unavailable: ECONNREFUSED/);
    answer = { status: 201, body: { verifiableCredential: 'not enveloped' } };
    await expect(client().requestCredential(endpoint, 't', request)).rejects.toThrow(/not a VC-API EnvelopedVerifiableCredential/);
  });

  test('trust list: fetched without a token, the compact vc+jwt as served; anything else is refused or unavailable', async () => {
    answer = { status: 200, body: undefined, text: 'aaa.bbb.ccc\n' };
    expect(await client().trustList(endpoint)).toBe('aaa.bbb.ccc');
    expect(seen).toEqual({ auth: undefined, path: '/trust-list', body: '' });
    answer = { status: 200, body: undefined, text: '<html>maintenance</html>' };
    await expect(client().trustList(endpoint)).rejects.toThrow(new IssuerRefusedError(endpoint, 200, 'the trust list is not a compact JWS (vc+jwt)'));
    answer = { status: 404, body: { title: 'NotFound' } };
    await expect(client().trustList(endpoint)).rejects.toBeInstanceOf(IssuerRefusedError);
    answer = { status: 503, body: { title: 'Starting' } };
    await expect(client().trustList(endpoint)).rejects.toBeInstanceOf(IssuerUnavailableError);
  });

  test('revoking a credential the issuer does not know counts as done', async () => {
    answer = { status: 404, body: { title: 'UnknownCredential' } };
    await expect(client().revoke(endpoint, 't', 'urn:uuid:1')).resolves.toBeUndefined();
    expect(JSON.parse(seen.body!)).toEqual({ credentialId: 'urn:uuid:1', credentialStatus: [{ type: 'BitstringStatusListEntry', status: 'revoked' }] });
  });
});
