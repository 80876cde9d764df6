import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeKubeClient } from '../runtime/testing/index.js';
import { expectGolden } from '../testing/golden.js';
import { setupConnectorController } from '../controllers/connector/controller.js';
import { issuerWithTrustLists } from '../controllers/connector/test-trust-lists.js';
import { connectorObject, pcfData, policyObject } from '../controllers/connector/fixtures.js';
import { setupParticipantController } from '../controllers/participant/controller.js';
import { setupPolicyController } from '../controllers/policy/policy.controller.js';
import { HttpIssuerClient } from '../controllers/shared/issuer-client.js';
import { CONNECTOR, PARTICIPANT } from '../controllers/shared/kinds.js';
import { markDeploymentAvailable, readyOf, startTestOperator } from '../controllers/shared/test-operator.js';
import { TestIssuer } from '../controllers/shared/test-issuer.js';
import { setupTrustAnchorController } from '../controllers/trustanchor/controller.js';
import { anchor, NS } from '../controllers/trustanchor/fixtures.js';
import { permissionsFor, uncovered } from './coverage.js';
import { allows, mergeRules, operatorClusterRole, operatorRules } from './index.js';

const here = dirname(fileURLToPath(import.meta.url));

test('the operator ClusterRole (golden)', () => {
  expectGolden(join(here, '__golden__', 'clusterrole.yaml'), operatorClusterRole());
});

test('rules merge per resource and verbs keep their order', () => {
  expect(mergeRules([
    { apiGroups: [''], resources: ['secrets'], verbs: ['create', 'get'] },
    { apiGroups: [''], resources: ['secrets', 'configmaps'], verbs: ['get', 'list'] },
  ])).toEqual([
    { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] },
    { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'create'] },
  ]);
  expect(allows(operatorRules(), 'rbac.authorization.k8s.io', 'clusterroles', 'bind', 'edit')).toBe(true);
  expect(allows(operatorRules(), 'rbac.authorization.k8s.io', 'clusterroles', 'bind', 'cluster-admin')).toBe(false);
  expect(allows(operatorRules(), '', 'pods', 'get')).toBe(false);
});

test('the rules cover every request the four controllers make, from creation to deletion', async () => {
  const client = new FakeKubeClient();
  const issuer = await TestIssuer.start(client, [
    { scheme: 'jp-corporate-number', value: '3010401099999', legalName: 'Musubi Motors Co., Ltd.', country: 'JP' },
    { scheme: 'eu-vat', value: 'DE812345673', legalName: 'Kreislauf Recycling GmbH', country: 'DE' },
  ]);
  const op = await startTestOperator((manager, context) => {
    const issuerClient = new HttpIssuerClient({ timeoutMs: 2000, fetch: issuer.fetch });
    setupTrustAnchorController(manager, { ...context, issuer: issuerClient });
    setupParticipantController(manager, { ...context, issuer: issuerClient });
    setupPolicyController(manager, context);
    setupConnectorController(manager, context, { issuer: issuerWithTrustLists(client, issuerClient) });
  }, { client });
  try {
    await client.create(anchor('jp-anchor'));
    await client.create(anchor('eu-anchor'));
    client.seed(pcfData);
    await client.create(policyObject);
    await client.create({
      apiVersion: 'musubi.dev/v1alpha1', kind: 'Participant', metadata: { name: 'jp-manufacturer', namespace: NS },
      spec: {
        legalName: 'Musubi Motors Co., Ltd.', country: 'JP', identifiers: [{ scheme: 'jp-corporate-number', value: '3010401099999' }],
        trustAnchorRef: { name: 'jp-anchor' }, tenant: { mode: 'Managed', adminGroups: ['musubi-motors-admins'] },
        members: [{ id: 'lead', roles: ['sustainability-officer'] }],
      },
    });
    await client.create(connectorObject({ replicas: 2, persistence: { postgres: { secretRef: { name: 'db' } } } }));
    client.seed({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: NS }, data: { host: 'aA==', port: 'MQ==', database: 'ZA==', user: 'dQ==', password: 'cA==' } });
    await op.until('participant credentials', async () => ((await op.get(PARTICIPANT, NS, 'jp-manufacturer'))?.status as { credentials?: unknown[] } | undefined)?.credentials?.length === 3 || undefined);
    // The wallet rolls when the connector's event-signing key reaches the DID document: mark whichever Deployment is current.
    await op.until('participant Ready', async () => {
      await markDeploymentAvailable(client, 'musubi-jp-manufacturer', 'jp-manufacturer-wallet');
      return readyOf(await op.get(PARTICIPANT, NS, 'jp-manufacturer'))?.status === 'True' ? true : undefined;
    });
    await op.until('connector deployed', () => op.get({ apiVersion: 'apps/v1', kind: 'Deployment' }, 'musubi-jp-manufacturer', 'jp-manufacturer-connector'));
    await client.delete({ ...CONNECTOR, namespace: NS, name: 'jp-manufacturer' });
    await client.delete({ ...PARTICIPANT, namespace: NS, name: 'jp-manufacturer' });
    await op.until('participant deleted', async () => ((await op.get(PARTICIPANT, NS, 'jp-manufacturer')) ? undefined : true));
    await op.until('connector deleted', async () => ((await op.get(CONNECTOR, NS, 'jp-manufacturer')) ? undefined : true));
  } finally {
    await op.stop();
    await issuer.stop();
  }
  const needed = permissionsFor(op.operatorRequests);
  expect(uncovered(operatorRules(), needed)).toEqual([]);
  const used = needed.map((p) => `${p.apiGroup || 'core'}/${p.resource}:${p.verb}`).sort();
  expect(used).toEqual(expect.arrayContaining([
    'apps/deployments:patch', 'core/namespaces:patch', 'core/secrets:create', 'musubi.dev/participants/status:update',
    'musubi.dev/connectors:patch', 'rbac.authorization.k8s.io/rolebindings:patch', 'events.k8s.io/events:create',
  ]));
});
