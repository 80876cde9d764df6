import { createHash } from 'node:crypto';
import type { CompiledPolicy } from '@musubi/core/policy';
import { CONNECTOR_CONFIG_FILE, ConnectorConfig, validateServiceConfig, type OfferConfig, type TrustedAnchor } from '@musubi/core/service-config';
import type { ConnectorSpec } from '../../api/v1alpha1/index.js';
import type { KubeObject } from '../../runtime/index.js';
import { RESTRICTED_CONTAINER_SECURITY, RESTRICTED_POD_SECURITY } from '../shared/deployment.js';
import { childLabels, selectorLabels, type OwnerIdentity } from '../shared/labels.js';
import { childName } from '../shared/names.js';
import { MANAGEMENT_TOKEN_KEY, SOURCES_MOUNT, offerAuthKey, offerDataKey } from './sources.js';

// The pure part of the Connector controller: from a Connector and what it refers to (participant,
// compiled policies, trust anchor, copied source data) to its configuration and the objects that run
// it. No I/O, no clock, no randomness: the same input renders the same objects, byte for byte.

export const COMPONENT = 'connector';
export const DSP_PORT = 8080;
export const MANAGEMENT_PORT = 8081;
export const CONFIG_HASH_ANNOTATION = 'musubi.dev/config-hash';
const CONFIG_DIR = '/etc/musubi/connector';
const DATA_DIR = '/var/lib/musubi';
const MANAGEMENT_TOKEN_DIR = '/var/run/musubi/management';
const GENERATED_TOKEN_KEY = 'token';

export const connectorName = (connector: string) => childName(connector, 'connector');
export const configMapName = (connector: string) => childName(connector, 'connector-config');
export const sourcesSecretName = (connector: string) => childName(connector, 'connector-sources');
export const managementSecretName = (connector: string) => childName(connector, 'connector-management');
export const dataClaimName = (connector: string) => childName(connector, 'connector-data');
export const pdbName = (connector: string) => childName(connector, 'connector');

/** Scheduling of the connector pods, from the placement renderer (operator/src/placement). */
export interface PodPlacement {
  nodeSelector?: Record<string, string>;
  affinity?: Record<string, unknown>;
  tolerations?: Array<Record<string, unknown>>;
  topologySpreadConstraints?: Array<Record<string, unknown>>;
  priorityClassName?: string;
  /** The container resources to use (the requested ones plus, e.g., an extended resource for watts). */
  resources?: Resources;
  podAnnotations?: Record<string, string>;
  estimatedWatts?: number;
}

export type Resources = { requests?: Record<string, string | number>; limits?: Record<string, string | number> };

/** What a connector container gets when its Connector does not say. */
export const DEFAULT_CONNECTOR_RESOURCES: Resources = { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } };


export interface ConnectorRenderInput {
  owner: OwnerIdentity;
  spec: ConnectorSpec;
  /** Where the pods run: the Connector's namespace, or its participant's managed tenant namespace. */
  namespace: string;
  participant: { name: string; did: string; legalName: string; country: string; walletURL: string; credentialsFingerprint: string };
  anchor: TrustedAnchor;
  /** Compiled policies by Policy name; offers whose policy is absent are not published. */
  policies: Readonly<Record<string, CompiledPolicy>>;
  /** Copied source values (base64, as Secret data), by key (see sources.ts). */
  sources: Readonly<Record<string, string>>;
  image: string;
  imagePullPolicy: string;
  placement: PodPlacement;
}

export interface RenderedConnector {
  config: ConnectorConfig;
  configHash: string;
  /** Asset ids left out because their policy has no compiled document. */
  unpublished: string[];
  /** In apply order: what the Deployment uses comes before it. */
  children: KubeObject[];
}

export function renderConnectorConfig(input: ConnectorRenderInput): { config: ConnectorConfig; unpublished: string[] } {
  const { spec, owner } = input;
  const unpublished: string[] = [];
  const offers: OfferConfig[] = [];
  const policies: Record<string, CompiledPolicy> = {};
  for (const offer of spec.offers ?? []) {
    const compiled = input.policies[offer.policyRef.name];
    if (!compiled) {
      unpublished.push(offer.assetId);
      continue;
    }
    policies[offer.policyRef.name] = compiled;
    const http = offer.source.http;
    offers.push({
      assetId: offer.assetId,
      dataset: { ...offer.dataset, keywords: offer.dataset.keywords ?? [], themes: offer.dataset.themes ?? [] },
      source: http
        ? { http: { url: http.url, method: http.method, authHeader: http.authHeader, allowPrivateNetwork: http.allowPrivateNetwork, ...(http.authSecretRef ? { authValueFile: `${SOURCES_MOUNT}/${offerAuthKey(offer.assetId)}` } : {}) } }
        : { file: { path: `${SOURCES_MOUNT}/${offerDataKey(offer.assetId)}` } },
      policy: { name: offer.policyRef.name, digest: compiled.digest },
    });
  }
  const config = validateServiceConfig(ConnectorConfig, {
    connector: { name: owner.name, namespace: owner.namespace, publicURL: spec.publicURL },
    participant: {
      name: input.participant.name,
      did: input.participant.did,
      legalName: input.participant.legalName,
      country: input.participant.country,
      walletURL: input.participant.walletURL,
    },
    listen: { dsp: { host: '0.0.0.0', port: DSP_PORT }, management: { host: '0.0.0.0', port: MANAGEMENT_PORT } },
    managementTokenFile: spec.managementAuthSecretRef ? `${SOURCES_MOUNT}/${MANAGEMENT_TOKEN_KEY}` : `${MANAGEMENT_TOKEN_DIR}/${GENERATED_TOKEN_KEY}`,
    storage: spec.persistence.postgres ? { postgres: { secretDir: `${SOURCES_MOUNT}/postgres` } } : { sqlite: { path: `${DATA_DIR}/connector.db` } },
    offers,
    policies,
    trust: { anchors: [input.anchor] },
  }, `connector ${owner.namespace}/${owner.name}`);
  return { config, unpublished };
}

/**
 * Hash of everything the pods read at start: the configuration and the participant's credentials. A
 * policy's generation is left out, like from its digest: editing only its description must not roll pods.
 */
export function configHashOf(config: ConnectorConfig, credentialsFingerprint: string): string {
  const policies = Object.fromEntries(Object.entries(config.policies).map(([name, p]) => [name, { ...p, generation: 0 }]));
  return createHash('sha256').update(JSON.stringify({ ...config, policies })).update('\n').update(credentialsFingerprint).digest('hex').slice(0, 16);
}

export function renderConnector(input: ConnectorRenderInput): RenderedConnector {
  const { owner, spec, namespace } = input;
  const { config, unpublished } = renderConnectorConfig(input);
  const configHash = configHashOf(config, input.participant.credentialsFingerprint);
  // Fresh objects at every use, so the golden YAML shows each in full instead of as an alias.
  const labels = () => childLabels(owner, COMPONENT);
  const selector = () => selectorLabels(owner, COMPONENT);
  const meta = (name: string) => ({ name, namespace, labels: labels() });
  const name = connectorName(owner.name);
  const sqlite = spec.persistence.sqlite;
  const children: KubeObject[] = [];

  children.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(name), automountServiceAccountToken: false });
  children.push({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta(configMapName(owner.name)),
    data: { [CONNECTOR_CONFIG_FILE]: JSON.stringify(config, null, 2) + '\n' },
  });
  children.push({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: meta(sourcesSecretName(owner.name)),
    type: 'Opaque',
    data: Object.fromEntries(Object.entries(input.sources).sort(([a], [b]) => (a < b ? -1 : 1))),
  });
  if (sqlite) {
    children.push({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: meta(dataClaimName(owner.name)),
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: sqlite.storageSize } },
        ...(sqlite.storageClassName ? { storageClassName: sqlite.storageClassName } : {}),
      },
    });
  }

  const volumes: Array<Record<string, unknown>> = [
    { name: 'config', configMap: { name: configMapName(owner.name) } },
    {
      name: 'sources',
      secret: {
        secretName: sourcesSecretName(owner.name),
        items: Object.keys(input.sources).sort().map((key) => ({ key, path: key.startsWith('postgres-') ? `postgres/${key.slice('postgres-'.length)}` : key })),
      },
    },
    { name: 'data', ...(sqlite ? { persistentVolumeClaim: { claimName: dataClaimName(owner.name) } } : { emptyDir: {} }) },
    { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
  ];
  const mounts: Array<Record<string, unknown>> = [
    { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
    { name: 'sources', mountPath: SOURCES_MOUNT, readOnly: true },
    { name: 'data', mountPath: DATA_DIR },
    { name: 'tmp', mountPath: '/tmp' },
  ];
  if (!spec.managementAuthSecretRef) {
    volumes.push({ name: 'management-token', secret: { secretName: managementSecretName(owner.name), items: [{ key: GENERATED_TOKEN_KEY, path: GENERATED_TOKEN_KEY }] } });
    mounts.push({ name: 'management-token', mountPath: MANAGEMENT_TOKEN_DIR, readOnly: true });
  }
  const placement = input.placement;
  const resources = placement.resources ?? spec.resources ?? DEFAULT_CONNECTOR_RESOURCES;
  children.push({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(name),
    spec: {
      replicas: spec.replicas,
      selector: { matchLabels: selector() },
      // SQLite lives on a ReadWriteOnce claim: the old pod must let go of it before the new one starts.
      strategy: sqlite ? { type: 'Recreate' } : { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: labels(), annotations: { ...placement.podAnnotations, [CONFIG_HASH_ANNOTATION]: configHash } },
        spec: {
          serviceAccountName: name,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: RESTRICTED_POD_SECURITY,
          ...(placement.nodeSelector ? { nodeSelector: placement.nodeSelector } : {}),
          ...(placement.affinity ? { affinity: placement.affinity } : {}),
          ...(placement.tolerations ? { tolerations: placement.tolerations } : {}),
          ...(placement.topologySpreadConstraints ? { topologySpreadConstraints: placement.topologySpreadConstraints } : {}),
          ...(placement.priorityClassName ? { priorityClassName: placement.priorityClassName } : {}),
          containers: [{
            name: COMPONENT,
            image: input.image,
            imagePullPolicy: input.imagePullPolicy,
            args: ['--config', `${CONFIG_DIR}/${CONNECTOR_CONFIG_FILE}`],
            ports: [
              { name: 'dsp', containerPort: DSP_PORT, protocol: 'TCP' },
              { name: 'management', containerPort: MANAGEMENT_PORT, protocol: 'TCP' },
            ],
            startupProbe: { httpGet: { path: '/healthz', port: 'management' }, periodSeconds: 2, failureThreshold: 60 },
            livenessProbe: { httpGet: { path: '/healthz', port: 'management' }, periodSeconds: 10, failureThreshold: 3 },
            readinessProbe: { httpGet: { path: '/readyz', port: 'management' }, periodSeconds: 5, failureThreshold: 2 },
            resources,
            securityContext: RESTRICTED_CONTAINER_SECURITY,
            volumeMounts: mounts,
          }],
          volumes,
        },
      },
    },
  });
  children.push({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(name),
    spec: {
      type: 'ClusterIP',
      selector: selector(),
      ports: [
        { name: 'dsp', port: DSP_PORT, targetPort: 'dsp', protocol: 'TCP' },
        { name: 'management', port: MANAGEMENT_PORT, targetPort: 'management', protocol: 'TCP' },
      ],
    },
  });
  children.push({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta(name),
    spec: {
      podSelector: { matchLabels: selector() },
      policyTypes: ['Ingress'],
      ingress: [
        // Other participants' connectors call the DSP API from anywhere.
        { ports: [{ protocol: 'TCP', port: DSP_PORT }] },
        // The management API and metrics only from the connector's own namespace.
        { from: [{ podSelector: {} }], ports: [{ protocol: 'TCP', port: MANAGEMENT_PORT }] },
      ],
    },
  });
  if (spec.replicas > 1) {
    children.push({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta(pdbName(owner.name)),
      spec: { maxUnavailable: 1, selector: { matchLabels: selector() } },
    });
  }
  return { config, configHash, unpublished, children };
}

/** The generated management token Secret: created once, never rewritten (see ensureCreated). */
export function renderManagementSecret(owner: OwnerIdentity, namespace: string, token: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: managementSecretName(owner.name), namespace, labels: childLabels(owner, COMPONENT) },
    type: 'Opaque',
    data: { [GENERATED_TOKEN_KEY]: Buffer.from(token).toString('base64') },
  };
}
