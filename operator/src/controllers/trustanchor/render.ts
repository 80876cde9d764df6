import { createHash } from 'node:crypto';
import {
  ISSUER_CONFIG_FILE, IssuerConfig, TRUST_LIST_CONFIG_FILE, TrustListConfig, validateServiceConfig,
  type PinnedJwk, type RecognisedAnchor,
} from '@musubi/core/service-config';
import type { TrustAnchorSpec } from '../../api/v1alpha1/index.js';
import type { KubeObject } from '../../runtime/index.js';
import { RESTRICTED_CONTAINER_SECURITY, RESTRICTED_POD_SECURITY } from '../shared/deployment.js';
import { durationSeconds } from '../shared/duration.js';
import { childLabels, selectorLabels, type OwnerIdentity } from '../shared/labels.js';
import {
  API_TOKEN_KEY, ISSUER_PORT, PUBLIC_KEY_FILE, SIGNING_KEY_FILE, apiTokenSecretName, issuerConfigName, issuerDataClaimName, issuerName, signingKeySecretName, trustListConfigMapName,
} from './names.js';

// The pure part of the TrustAnchor controller: from the anchor, its key's public half and the resolved
// recognised anchors to the issuer's configuration, the published trust list and the issuer workload.

export const COMPONENT = 'issuer';
export const CONFIG_HASH_ANNOTATION = 'musubi.dev/config-hash';
const CONFIG_DIR = '/etc/musubi/issuer';
const KEY_DIR = '/var/run/musubi/signing-key';
const TOKEN_DIR = '/var/run/musubi/api-token';
const REGISTRY_DIR = '/var/run/musubi/registry';
const REGISTRY_AUTH_DIR = '/var/run/musubi/registry-auth';
const REGISTRY_CA_DIR = '/var/run/musubi/registry-ca';
const DATA_DIR = '/var/lib/musubi';

export interface TrustAnchorRenderInput {
  owner: OwnerIdentity;
  spec: TrustAnchorSpec;
  did: string;
  /** In-cluster URL of the issuer Service. */
  endpoint: string;
  /** The public half of the signing key, kid bound to the DID. */
  signingKey: PinnedJwk;
  recognised: RecognisedAnchor[];
  dataspace: string;
  image: string;
  imagePullPolicy: string;
}

export interface RenderedTrustAnchor {
  issuerConfig: IssuerConfig;
  trustList: TrustListConfig;
  children: KubeObject[];
}

export function renderTrustAnchor(input: TrustAnchorRenderInput): RenderedTrustAnchor {
  const { owner, spec } = input;
  const namespace = owner.namespace;
  const labels = () => childLabels(owner, COMPONENT);
  const selector = () => selectorLabels(owner, COMPONENT);
  const meta = (name: string) => ({ name, namespace, labels: labels() });
  const source = spec.dataSource;
  const issuerConfig = validateServiceConfig(IssuerConfig, {
    anchor: {
      name: owner.name,
      namespace,
      did: input.did,
      publicURL: spec.publicURL,
      framework: spec.framework,
      jurisdiction: spec.jurisdiction,
      ...(spec.displayName ? { displayName: spec.displayName } : {}),
      identifierSchemes: spec.identifierSchemes,
      dataspace: input.dataspace,
    },
    signingKeyFile: `${KEY_DIR}/${SIGNING_KEY_FILE}`,
    apiTokenFile: `${TOKEN_DIR}/${API_TOKEN_KEY}`,
    dataSource: {
      name: source.name,
      ...(source.configMap ? { file: { path: `${REGISTRY_DIR}/${source.configMap.key}` } } : {}),
      ...(source.http ? {
        http: {
          url: source.http.url,
          timeoutSeconds: source.http.timeoutSeconds,
          ...(source.http.credentialsSecretRef ? { tokenFile: `${REGISTRY_AUTH_DIR}/${source.http.credentialsSecretRef.key}` } : {}),
          ...(source.http.caBundleSecretRef ? { caBundleFile: `${REGISTRY_CA_DIR}/${source.http.caBundleSecretRef.key}` } : {}),
        },
      } : {}),
    },
    credentials: spec.credentials.map((c) => ({ type: c.type, validitySeconds: durationSeconds(c.validity, 'validity'), format: c.format })),
    recognised: input.recognised,
    trustList: {
      validitySeconds: durationSeconds(spec.trustList?.validity ?? '24h', 'spec.trustList.validity'),
      refreshIntervalSeconds: durationSeconds(spec.trustList?.refreshInterval ?? '1h', 'spec.trustList.refreshInterval'),
    },
    listen: { host: '0.0.0.0', port: ISSUER_PORT },
    storageDir: DATA_DIR,
  }, `issuer of TrustAnchor ${namespace}/${owner.name}`);
  const trustList = validateServiceConfig(TrustListConfig, {
    anchor: {
      ...(spec.displayName ? { name: spec.displayName } : {}),
      did: input.did,
      jurisdiction: spec.jurisdiction,
      keys: [input.signingKey],
      trustListURL: `${input.endpoint}/trust-list`,
    },
    recognised: input.recognised,
  }, `trust list of TrustAnchor ${namespace}/${owner.name}`);

  const issuerJson = JSON.stringify(issuerConfig, null, 2) + '\n';
  const volumes: Array<Record<string, unknown>> = [
    { name: 'config', configMap: { name: issuerConfigName(owner.name) } },
    { name: 'signing-key', secret: { secretName: signingKeySecretName(owner.name), items: [{ key: SIGNING_KEY_FILE, path: SIGNING_KEY_FILE }] } },
    { name: 'api-token', secret: { secretName: apiTokenSecretName(owner.name), items: [{ key: API_TOKEN_KEY, path: API_TOKEN_KEY }] } },
    // The issuer's state must outlive its pods: old credentials point at its status lists.
    { name: 'data', persistentVolumeClaim: { claimName: issuerDataClaimName(owner.name) } },
    { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
  ];
  const mounts: Array<Record<string, unknown>> = [
    { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
    { name: 'signing-key', mountPath: KEY_DIR, readOnly: true },
    { name: 'api-token', mountPath: TOKEN_DIR, readOnly: true },
    { name: 'data', mountPath: DATA_DIR },
    { name: 'tmp', mountPath: '/tmp' },
  ];
  if (source.configMap) {
    volumes.push({ name: 'registry', configMap: { name: source.configMap.name, items: [{ key: source.configMap.key, path: source.configMap.key }] } });
    mounts.push({ name: 'registry', mountPath: REGISTRY_DIR, readOnly: true });
  }
  if (source.http?.credentialsSecretRef) {
    const ref = source.http.credentialsSecretRef;
    volumes.push({ name: 'registry-auth', secret: { secretName: ref.name, items: [{ key: ref.key, path: ref.key }] } });
    mounts.push({ name: 'registry-auth', mountPath: REGISTRY_AUTH_DIR, readOnly: true });
  }
  if (source.http?.caBundleSecretRef) {
    const ref = source.http.caBundleSecretRef;
    volumes.push({ name: 'registry-ca', secret: { secretName: ref.name, items: [{ key: ref.key, path: ref.key }] } });
    mounts.push({ name: 'registry-ca', mountPath: REGISTRY_CA_DIR, readOnly: true });
  }
  const name = issuerName(owner.name);
  const children: KubeObject[] = [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(issuerConfigName(owner.name)), data: { [ISSUER_CONFIG_FILE]: issuerJson } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(trustListConfigMapName(owner.name)), data: { [TRUST_LIST_CONFIG_FILE]: JSON.stringify(trustList, null, 2) + '\n' } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(name),
      spec: {
        replicas: spec.replicas,
        // One writer of the state claim: the old pod goes before the new one mounts it.
        strategy: { type: 'Recreate' },
        selector: { matchLabels: selector() },
        template: {
          // The issuer reads its configuration at start; a changed one rolls the pods.
          metadata: { labels: labels(), annotations: { [CONFIG_HASH_ANNOTATION]: configHash(issuerJson) } },
          spec: {
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: RESTRICTED_POD_SECURITY,
            containers: [{
              name: COMPONENT,
              image: input.image,
              imagePullPolicy: input.imagePullPolicy,
              args: ['issuer', '--config', `${CONFIG_DIR}/${ISSUER_CONFIG_FILE}`],
              ports: [{ name: 'http', containerPort: ISSUER_PORT, protocol: 'TCP' }],
              startupProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 2, failureThreshold: 60 },
              livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10, failureThreshold: 3 },
              readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 5, failureThreshold: 2 },
              resources: spec.resources ?? { requests: { cpu: '50m', memory: '96Mi' }, limits: { memory: '256Mi' } },
              securityContext: RESTRICTED_CONTAINER_SECURITY,
              volumeMounts: mounts,
            }],
            volumes,
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(name),
      spec: { type: 'ClusterIP', selector: selector(), ports: [{ name: 'http', port: ISSUER_PORT, targetPort: 'http', protocol: 'TCP' }] },
    },
  ];
  return { issuerConfig, trustList, children };
}

export const DEFAULT_ISSUER_STORAGE = { size: '1Gi', whenDeleted: 'Retain' } as const;

/**
 * The issuer's state claim. Created once (its class and access mode cannot change afterwards); owned
 * by the TrustAnchor — garbage-collected with it — only when spec.storage.whenDeleted is Delete.
 */
export function renderIssuerDataClaim(owner: OwnerIdentity, spec: TrustAnchorSpec): KubeObject {
  const storage = spec.storage ?? DEFAULT_ISSUER_STORAGE;
  const owned = storage.whenDeleted === 'Delete';
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: issuerDataClaimName(owner.name),
      namespace: owner.namespace,
      labels: childLabels(owner, COMPONENT),
      ...(owned ? { ownerReferences: [{ apiVersion: owner.apiVersion, kind: owner.kind, name: owner.name, uid: owner.uid, controller: true, blockOwnerDeletion: true }] } : {}),
    },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: storage.size } },
      ...('storageClassName' in storage && storage.storageClassName ? { storageClassName: storage.storageClassName } : {}),
    },
  };
}

/** The signing key Secret: created once, never rewritten (see ensureCreated). */
export function renderSigningKeySecret(owner: OwnerIdentity, privateJwk: object, publicJwk: object, thumbprint: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: signingKeySecretName(owner.name),
      namespace: owner.namespace,
      labels: childLabels(owner, COMPONENT),
      annotations: { 'musubi.dev/key-id': thumbprint },
    },
    type: 'Opaque',
    data: {
      [SIGNING_KEY_FILE]: Buffer.from(JSON.stringify(privateJwk)).toString('base64'),
      [PUBLIC_KEY_FILE]: Buffer.from(JSON.stringify(publicJwk)).toString('base64'),
    },
  };
}

/** The issuer's API token Secret: created once; participants' requests present it. */
export function renderApiTokenSecret(owner: OwnerIdentity, token: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: apiTokenSecretName(owner.name), namespace: owner.namespace, labels: childLabels(owner, COMPONENT) },
    type: 'Opaque',
    data: { [API_TOKEN_KEY]: Buffer.from(token).toString('base64') },
  };
}

function configHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
