import { childName, serviceHost } from '../shared/names.js';

// Names of a TrustAnchor's children and the issuer's in-cluster address, shared with the controllers
// that read them (participants ask the issuer for credentials; connectors trust the anchor's keys).

export const ISSUER_PORT = 8080;
export const SIGNING_KEY_FILE = 'signing-key.jwk';
export const PUBLIC_KEY_FILE = 'public.jwk';
export const API_TOKEN_KEY = 'token';

export const issuerName = (anchor: string) => childName(anchor, 'issuer');
export const issuerConfigName = (anchor: string) => childName(anchor, 'issuer-config');
export const signingKeySecretName = (anchor: string) => childName(anchor, 'signing-key');
export const apiTokenSecretName = (anchor: string) => childName(anchor, 'issuer-token');
export const trustListConfigMapName = (anchor: string) => childName(anchor, 'trust-list');
export const issuerDataClaimName = (anchor: string) => childName(anchor, 'issuer-data');

export function issuerEndpoint(anchor: string, namespace: string, clusterDomain: string): string {
  return `http://${serviceHost(issuerName(anchor), namespace, clusterDomain)}:${ISSUER_PORT}`;
}
