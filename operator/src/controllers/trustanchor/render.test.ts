import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IssuerConfig, TrustListConfig } from '@musubi/core/service-config';
import { TrustAnchorSpec } from '../../api/v1alpha1/index.js';
import { expectGolden } from '../../testing/golden.js';
import { anchor } from './fixtures.js';
import { renderIssuerDataClaim, renderTrustAnchor } from './render.js';

const here = dirname(fileURLToPath(import.meta.url));

test('the Japanese anchor recognising the EU anchor (golden)', () => {
  const rendered = renderTrustAnchor({
    owner: { apiVersion: 'musubi.dev/v1alpha1', kind: 'TrustAnchor', name: 'jp-anchor', namespace: 'dataspace', uid: 'uid-jp' },
    spec: TrustAnchorSpec.parse(anchor('jp-anchor').spec),
    did: 'did:web:jp-anchor.dataspace.svc',
    endpoint: 'http://jp-anchor-issuer.dataspace.svc.cluster.local:8080',
    signingKey: { kid: 'did:web:jp-anchor.dataspace.svc#l2h3QDeBhQcm1O3IYCzMHhm3FCAUZ6v8AqS2XrIqKXc', kty: 'OKP', crv: 'Ed25519', x: 'l2h3QDeBhQcm1O3IYCzMHhm3FCAUZ6v8AqS2XrIqKXc' },
    recognised: [{
      name: 'eu', did: 'did:web:eu-anchor.dataspace.svc', jurisdiction: 'EU', inCluster: true,
      keys: [{ kid: 'did:web:eu-anchor.dataspace.svc#Y1n2k3', kty: 'OKP', crv: 'Ed25519', x: 'Y1n2k3FCAUZ6v8AqS2XrIqKXcl2h3QDeBhQcm1O3IYC' }],
      trustListURL: 'http://eu-anchor-issuer.dataspace.svc.cluster.local:8080/trust-list',
      attributeMapping: [{ from: 'eu-vat', to: 'vatID' }], maxStalenessSeconds: 86400,
    }],
    dataspace: 'musubi',
    image: 'ghcr.io/musubi-dev/musubi-trust:0.1.0',
    imagePullPolicy: 'IfNotPresent',
  });
  expect(rendered.children.map((c) => `${c.kind}/${c.metadata.name}`)).toEqual([
    'ConfigMap/jp-anchor-issuer-config', 'ConfigMap/jp-anchor-trust-list', 'Deployment/jp-anchor-issuer', 'Service/jp-anchor-issuer',
  ]);
  expectGolden(join(here, '__golden__', 'jp-anchor.yaml'), rendered.children);
  expect(IssuerConfig.parse(rendered.issuerConfig).credentials).toEqual([
    { type: 'LegalPersonCredential', validitySeconds: 31_536_000, format: 'vc+jwt' },
    { type: 'DataspaceMembershipCredential', validitySeconds: 31_536_000, format: 'vc+jwt' },
  ]);
  expect(TrustListConfig.parse(rendered.trustList).anchor.trustListURL).toBe('http://jp-anchor-issuer.dataspace.svc.cluster.local:8080/trust-list');
  // Public keys only: nothing in what is published or configured carries a private key.
  expect(JSON.stringify(rendered.children)).not.toMatch(/"d":/);
});

const owner = { apiVersion: 'musubi.dev/v1alpha1', kind: 'TrustAnchor', name: 'jp-anchor', namespace: 'dataspace', uid: 'uid-jp' };

test('the issuer\'s state claim: retained by default, owned (garbage-collected) only when whenDeleted is Delete (golden)', () => {
  const retained = renderIssuerDataClaim(owner, TrustAnchorSpec.parse(anchor('jp-anchor').spec));
  expect(retained.metadata.ownerReferences).toBeUndefined();
  expect(retained.spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } });
  const deleted = renderIssuerDataClaim(owner, TrustAnchorSpec.parse({ ...(anchor('jp-anchor').spec as object), storage: { size: '5Gi', storageClassName: 'fast', whenDeleted: 'Delete' } }));
  expect(deleted.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'TrustAnchor', name: 'jp-anchor', uid: 'uid-jp', controller: true })]);
  expect(deleted.spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } }, storageClassName: 'fast' });
  expectGolden(join(here, '__golden__', 'jp-anchor-data-claim.yaml'), [retained, deleted]);
});

test('a storage size that is not a quantity is refused naming the field', () => {
  const result = TrustAnchorSpec.safeParse({ ...(anchor('jp-anchor').spec as object), storage: { size: 'lots' } });
  expect(result.success).toBe(false);
  expect(JSON.stringify(result.error?.issues)).toContain('must be a Kubernetes quantity');
  expect(result.error?.issues[0]?.path).toEqual(['storage', 'size']);
});
