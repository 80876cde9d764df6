import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConnectorSpec } from '../../api/v1alpha1/index.js';
import { PlacementConfig } from '../../placement/index.js';
import { expectGolden } from '../../testing/golden.js';
import { compilePolicy } from '../policy/compile.js';
import type { Policy } from '../../api/v1alpha1/index.js';
import { connectorObject, policyObject, trustList } from './fixtures.js';
import { orv3Placement } from './placement.js';
import { DEFAULT_CONNECTOR_RESOURCES, renderConnector } from './render.js';

const here = dirname(fileURLToPath(import.meta.url));

test('a connector that requires ORv3 nodes gets the rack power model\'s placement (golden)', () => {
  const place = orv3Placement(PlacementConfig.parse({}), false);
  const placement = place({
    connector: { name: 'jp-manufacturer', namespace: 'dataspace' },
    placement: { requireORv3: true, powerProfile: 'standard', preferredRacks: ['rack-a'] },
    resources: DEFAULT_CONNECTOR_RESOURCES,
    selectorLabels: { 'app.kubernetes.io/name': 'connector', 'app.kubernetes.io/instance': 'jp-manufacturer' },
    replicas: 1,
  });
  expect(placement.estimatedWatts).toBeGreaterThan(0);
  expect(placement.resources?.requests?.['power.musubi.dev/watts']).toBe(String(placement.estimatedWatts));
  const compiled = compilePolicy(policyObject as unknown as Policy);
  if (!compiled.ok) throw new Error('fixture policy does not compile');
  const rendered = renderConnector({
    owner: { apiVersion: 'musubi.dev/v1alpha1', kind: 'Connector', name: 'jp-manufacturer', namespace: 'dataspace', uid: 'uid-connector' },
    spec: ConnectorSpec.parse(connectorObject().spec),
    namespace: 'dataspace',
    participant: { name: 'jp-manufacturer', did: 'did:web:wallet.jp-manufacturer.dataspace.svc', walletURL: 'http://w:8080', credentialsFingerprint: '' },
    anchor: trustList,
    signedTrustList: 'header.payload.signature',
    policies: { 'pcf-recyclers-only': compiled.compiled },
    sources: {},
    clusterDomain: 'cluster.local',
    image: 'ghcr.io/musubi-dev/musubi-connector:0.1.0',
    imagePullPolicy: 'IfNotPresent',
    placement,
    eventSigningKid: 'connector-jp-manufacturer-AAAAAAAAAAAA',
  });
  const deployment = rendered.children.find((c) => c.kind === 'Deployment')!;
  expectGolden(join(here, '__golden__', 'orv3-pod-template.yaml'), (deployment.spec as { template: unknown }).template);
});
