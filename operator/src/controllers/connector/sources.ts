import { createHash } from 'node:crypto';
import type { ConnectorSpec } from '../../api/v1alpha1/index.js';

// Data a connector pod needs from objects in the Connector's namespace (inline offer data, backend
// credentials, the management token, PostgreSQL settings). The pod may run in a managed tenant
// namespace, and pods mount only their own namespace's objects, so the operator copies these values
// into one Secret beside the pod (PostgreSQL settings other than the password go into the connector's
// configuration file instead). The keys are derived from what they hold, not from list positions, so
// reordering offers changes nothing.

export const SOURCES_MOUNT = '/var/run/musubi/sources';

export interface SourceReference {
  /** Key in the copied Secret and file name under SOURCES_MOUNT. */
  key: string;
  from: { kind: 'ConfigMap' | 'Secret'; name: string; key: string };
  /** The spec field that names it, for messages. */
  path: string;
}

const POSTGRES_KEYS = ['host', 'port', 'database', 'user', 'password', 'sslmode'] as const;
const OPTIONAL_POSTGRES_KEYS = new Set(['sslmode']);

function assetKey(assetId: string): string {
  return createHash('sha256').update(assetId).digest('hex').slice(0, 16);
}

export const offerDataKey = (assetId: string) => `offer-${assetKey(assetId)}.data`;
export const offerAuthKey = (assetId: string) => `offer-${assetKey(assetId)}.auth`;
export const MANAGEMENT_TOKEN_KEY = 'management-token';
export const postgresKey = (key: string) => `postgres-${key}`;

export function sourceReferences(spec: ConnectorSpec): SourceReference[] {
  const refs: SourceReference[] = [];
  (spec.offers ?? []).forEach((offer, i) => {
    const where = `spec.offers[${i}].source`;
    if (offer.source.configMap) refs.push({ key: offerDataKey(offer.assetId), from: { kind: 'ConfigMap', ...offer.source.configMap }, path: `${where}.configMap` });
    if (offer.source.secret) refs.push({ key: offerDataKey(offer.assetId), from: { kind: 'Secret', ...offer.source.secret }, path: `${where}.secret` });
    const auth = offer.source.http?.authSecretRef;
    if (auth) refs.push({ key: offerAuthKey(offer.assetId), from: { kind: 'Secret', ...auth }, path: `${where}.http.authSecretRef` });
  });
  if (spec.managementAuthSecretRef) {
    refs.push({ key: MANAGEMENT_TOKEN_KEY, from: { kind: 'Secret', ...spec.managementAuthSecretRef }, path: 'spec.managementAuthSecretRef' });
  }
  const postgres = spec.persistence.postgres;
  if (postgres) {
    for (const key of POSTGRES_KEYS) {
      refs.push({ key: postgresKey(key), from: { kind: 'Secret', name: postgres.secretRef.name, key }, path: `spec.persistence.postgres.secretRef (key ${key})` });
    }
  }
  return refs;
}

export function isOptionalSource(ref: SourceReference): boolean {
  return ref.key.startsWith('postgres-') && OPTIONAL_POSTGRES_KEYS.has(ref.from.key);
}
