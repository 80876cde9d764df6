import { controllerReference, mapToOwner, ownerKeysFromLabels, ownerKeysFromReferences, ownerLabels } from './ownership.js';
import type { KubeObject } from './objects.js';

const owner: KubeObject = { apiVersion: 'musubi.dev/v1alpha1', kind: 'Participant', metadata: { name: 'acme', namespace: 'tenants', uid: 'u-1' } };

describe('ownership mapping', () => {
  it('builds the controller reference and owner labels of an owner', () => {
    expect(controllerReference(owner)).toEqual({ apiVersion: 'musubi.dev/v1alpha1', kind: 'Participant', name: 'acme', uid: 'u-1', controller: true, blockOwnerDeletion: true });
    expect(ownerLabels(owner)).toEqual({ 'musubi.dev/owner-kind': 'Participant', 'musubi.dev/owner-name': 'acme', 'musubi.dev/owner-namespace': 'tenants' });
    expect(() => controllerReference({ ...owner, metadata: { name: 'x' } })).toThrow(/needs metadata.name and metadata.uid/);
  });

  it('maps a same-namespace child by its controller reference, matching the group whatever the version', () => {
    const child: KubeObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'svc',
        namespace: 'tenants',
        ownerReferences: [
          { apiVersion: 'musubi.dev/v1beta1', kind: 'Participant', name: 'acme', uid: 'u-1', controller: true },
          { apiVersion: 'other.dev/v1', kind: 'Participant', name: 'foreign', uid: 'u-2', controller: false },
        ],
      },
    };
    expect(ownerKeysFromReferences(child, owner)).toEqual(['tenants/acme']);
    expect(ownerKeysFromReferences(child, { apiVersion: 'other.dev/v1', kind: 'Participant' }, false)).toEqual(['tenants/foreign']);
  });

  it('maps a child in another namespace by the owner labels', () => {
    const child: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'connectors', labels: ownerLabels(owner) } };
    expect(ownerKeysFromLabels(child, owner)).toEqual(['tenants/acme']);
    expect(ownerKeysFromLabels(child, { apiVersion: 'musubi.dev/v1alpha1', kind: 'Connector' })).toEqual([]);
    expect(mapToOwner(owner)(child)).toEqual(['tenants/acme']);
  });

  it('gives cluster-scoped owners name-only keys', () => {
    const anchorType = { apiVersion: 'musubi.dev/v1alpha1', kind: 'TrustAnchor', namespaced: false };
    const child: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'issuer', namespace: 'musubi-system', ownerReferences: [{ apiVersion: 'musubi.dev/v1alpha1', kind: 'TrustAnchor', name: 'jp', uid: 'u', controller: true }], labels: { 'musubi.dev/owner-kind': 'TrustAnchor', 'musubi.dev/owner-name': 'jp' } },
    };
    expect(mapToOwner(anchorType)(child)).toEqual(['jp']);
  });
});
