import type { KubeObject } from '../../runtime/index.js';

// The two anchors of the cross-border example, recognising each other, plus an external one.

export const NS = 'dataspace';

export function anchor(name: 'jp-anchor' | 'eu-anchor', spec: Record<string, unknown> = {}): KubeObject {
  const jp = name === 'jp-anchor';
  return {
    apiVersion: 'musubi.dev/v1alpha1',
    kind: 'TrustAnchor',
    metadata: { name, namespace: NS },
    spec: {
      framework: jp ? 'Japan' : 'EU',
      jurisdiction: jp ? 'JP' : 'EU',
      displayName: jp ? 'Japan corporate trust anchor (法人番号 / gBizID)' : 'EU trust anchor (VAT / eIDAS)',
      identifierSchemes: jp ? ['jp-corporate-number'] : ['eu-vat', 'lei', 'eori'],
      dataSource: { name: jp ? 'NTA corporate number publication data (local mirror)' : 'VIES (local mirror)', configMap: { name: jp ? 'jp-corporate-registry' : 'eu-vat-registry', key: 'registry.yaml' } },
      credentials: [{ type: 'LegalPersonCredential', validity: '8760h' }, { type: 'DataspaceMembershipCredential', validity: '8760h' }],
      keyAlgorithm: 'Ed25519',
      publicURL: `https://${name}.dataspace.svc`,
      recognises: [{ name: jp ? 'eu' : 'japan', anchorRef: { name: jp ? 'eu-anchor' : 'jp-anchor' }, attributeMapping: [jp ? { from: 'eu-vat', to: 'vatID' } : { from: 'jp-corporate-number', to: 'local' }], maxStaleness: '24h' }],
      ...spec,
    },
  };
}

export const externalRecognition = {
  name: 'gaiax-clearing-house',
  external: {
    did: 'did:web:clearing-house.example.eu:anchors:gx',
    pinnedKeys: [{ kid: 'key-1', kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' }],
  },
  jurisdiction: 'EU',
  maxStaleness: '12h',
};
