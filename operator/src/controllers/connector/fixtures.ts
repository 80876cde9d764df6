import type { TrustListConfig } from '@musubi/core/service-config';
import type { KubeObject } from '../../runtime/index.js';
import { renderSigningKeySecret } from '../trustanchor/render.js';

// Objects the Connector tests build on: the cross-border example's manufacturer, its anchor's
// published keys (and, for tests only, the private key that signs its trust list) and its PCF offer.

export const NS = 'dataspace';
export const ANCHOR_DID = 'did:web:jp-anchor.dataspace.svc';
const ANCHOR_KEY_ID = 'GEU6elObS4Vda8w4C1s4Z0cQX3CTX5Emc87g-SN9xto';
const ANCHOR_PUBLIC_JWK = { kty: 'OKP' as const, crv: 'Ed25519' as const, x: 'wL9MpTiipoJLNETc74WkbJivrmDUsXUl5IOHfkJpTwA' };
/** TEST ONLY: a throw-away key, so tests sign trust lists that verify against ANCHOR_KEY. */
const ANCHOR_PRIVATE_JWK = { ...ANCHOR_PUBLIC_JWK, d: '4o768WcrR_b43xS8rImPMbJcNgDUbPCjRj7Uz5EJVEc' };
export const ANCHOR_KEY = { kid: `${ANCHOR_DID}#${ANCHOR_KEY_ID}`, ...ANCHOR_PUBLIC_JWK };

/** The anchor's signing-key Secret as the TrustAnchor controller stores it (test key). */
export function anchorSigningKeySecret(namespace = NS): KubeObject {
  return renderSigningKeySecret(
    { apiVersion: 'musubi.dev/v1alpha1', kind: 'TrustAnchor', name: 'jp-anchor', namespace, uid: '' },
    ANCHOR_PRIVATE_JWK, ANCHOR_PUBLIC_JWK, ANCHOR_KEY_ID,
  );
}

export const trustList: TrustListConfig = {
  anchor: { name: 'Japan corporate trust anchor', did: ANCHOR_DID, jurisdiction: 'JP', keys: [ANCHOR_KEY], trustListURL: 'http://jp-anchor-issuer.dataspace.svc.cluster.local:8080/trust-list' },
  recognised: [],
};

export function connectorObject(overrides: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'musubi.dev/v1alpha1',
    kind: 'Connector',
    metadata: { name: 'jp-manufacturer', namespace: NS },
    spec: {
      participantRef: { name: 'jp-manufacturer' },
      publicURL: 'https://dsp.jp-manufacturer.dataspace.svc/api/dsp',
      offers: [{
        assetId: 'pcf-hybrid-2026',
        dataset: { title: 'Product carbon footprint, hybrid vehicle 2026', keywords: ['pcf'], mediaType: 'application/json' },
        source: { configMap: { name: 'pcf-data', key: 'pcf.json' } },
        policyRef: { name: 'pcf-recyclers-only' },
      }],
      persistence: { sqlite: { storageSize: '1Gi' } },
      replicas: 1,
      placement: { requireORv3: true, powerProfile: 'standard' },
      ...overrides,
    },
  };
}

export function participantObject(spec: Record<string, unknown> = {}, status?: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'musubi.dev/v1alpha1',
    kind: 'Participant',
    metadata: { name: 'jp-manufacturer', namespace: NS },
    spec: {
      legalName: 'Musubi Motors Co., Ltd.',
      country: 'JP',
      identifiers: [{ scheme: 'jp-corporate-number', value: '3010401099999' }],
      trustAnchorRef: { name: 'jp-anchor' },
      wallet: { publicURL: 'https://wallet.jp-manufacturer.dataspace.svc' },
      ...spec,
    },
    ...(status ? { status } : {}),
  };
}

export const readyParticipantStatus = {
  did: 'did:web:wallet.jp-manufacturer.dataspace.svc',
  conditions: [{ type: 'Ready', status: 'True', reason: 'Ready', message: 'ok', lastTransitionTime: '2026-01-01T00:00:00Z' }],
  credentials: [{ id: 'urn:uuid:1', type: 'LegalPersonCredential', issuer: ANCHOR_DID, expiresAt: '2027-01-01T00:00:00Z', state: 'Active' }],
};

export const policyObject: KubeObject = {
  apiVersion: 'musubi.dev/v1alpha1',
  kind: 'Policy',
  metadata: { name: 'pcf-recyclers-only', namespace: NS },
  spec: { permissions: [{ action: 'use', constraints: [{ leftOperand: 'relationship', operator: 'eq', value: 'recyclerOf' }] }] },
};

export const anchorObject: KubeObject = {
  apiVersion: 'musubi.dev/v1alpha1',
  kind: 'TrustAnchor',
  metadata: { name: 'jp-anchor', namespace: NS },
  spec: {
    framework: 'Japan',
    jurisdiction: 'JP',
    identifierSchemes: ['jp-corporate-number'],
    dataSource: { name: 'NTA mirror', configMap: { name: 'jp-corporate-registry', key: 'registry.yaml' } },
    credentials: [{ type: 'LegalPersonCredential' }],
    publicURL: 'https://jp-anchor.dataspace.svc',
  },
};

/** The anchor's published keys, as the TrustAnchor controller writes them. */
export const trustListConfigMap: KubeObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name: 'jp-anchor-trust-list',
    namespace: NS,
    labels: { 'app.kubernetes.io/managed-by': 'musubi-operator', 'musubi.dev/owner-kind': 'TrustAnchor', 'musubi.dev/owner-name': 'jp-anchor', 'musubi.dev/owner-namespace': NS },
  },
  data: { 'trust-list.json': JSON.stringify(trustList) },
};

export const pcfData: KubeObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'pcf-data', namespace: NS },
  data: { 'pcf.json': '{"productId": "urn:jp:vehicle:example-hybrid-2026", "pcfExcludingBiogenic": 8123.4}' },
};
