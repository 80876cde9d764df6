import { createHash } from 'node:crypto';
import type { CompiledPolicy } from '@musubi/core/policy';
import type { TrustListConfig } from '@musubi/core/service-config';
import { CONFIG_ENV, ConfigError, parseConnectorConfig, type ConnectorConfig, type ConnectorConfigSchema } from '@musubi/connector/config';
import type { z } from 'zod';
import type { ConnectorSpec } from '../../api/v1alpha1/index.js';
import type { KubeObject } from '../../runtime/index.js';
import { RESTRICTED_CONTAINER_SECURITY, RESTRICTED_POD_SECURITY } from '../shared/deployment.js';
import { childLabels, selectorLabels, type OwnerIdentity } from '../shared/labels.js';
import { childName } from '../shared/names.js';
import { MANAGEMENT_TOKEN_KEY, SOURCES_MOUNT, offerAuthKey, offerDataKey, postgresKey } from './sources.js';

// The pure part of the Connector controller: from a Connector and what it refers to (participant,
// compiled policies, its anchor's published and signed trust list, copied source data) to the
// connector's configuration file and the objects that run it. The file is the connector's own
// (@musubi/connector/config), validated with the connector's schema before it is stored, and every
// path it names is a file some volume of the rendered pod puts there. No I/O, no clock, no randomness:
// the same input renders the same objects, byte for byte.

export const COMPONENT = 'connector';
export const DSP_PORT = 8080;
export const MANAGEMENT_PORT = 8081;
/** The connector serves /metrics, /healthz and /readyz here. */
export const METRICS_PORT = 9464;
export const CONFIG_HASH_ANNOTATION = 'musubi.dev/config-hash';
export const CONFIG_DIR = '/etc/musubi/connector';
export const CONNECTOR_CONFIG_FILE = 'connector.json';
export const ANCHOR_KEYS_FILE = 'anchor-keys.json';
export const TRUST_LIST_FILE = 'trust-list.jwt';
export const DATA_DIR = '/var/lib/musubi';
export const MANAGEMENT_TOKEN_DIR = '/var/run/musubi/management';
export const WALLET_TOKEN_DIR = '/var/run/musubi/wallet';
export const GENERATED_TOKEN_KEY = 'token';
/** Keys of the connector's wallet client Secret: its OAuth client at the wallet STS (client_credentials). */
export const WALLET_CLIENT_ID_KEY = 'client-id';
export const WALLET_CLIENT_SECRET_KEY = 'client-secret';
/** The connector's own event-signing key (a private JWK), mounted alone from its Secret. */
export const EVENT_SIGNING_KEY_DIR = '/var/run/musubi/event-signing-key';
export const EVENT_SIGNING_KEY_FILE = 'signing-key.jwk';
/** Path of the wallet's Secure Token Service below the wallet URL (the company holder's routes). */
export const WALLET_STS_PATH = '/sts/token';

/** What the connector's schema accepts: the document as written, before its defaults apply. */
export type ConnectorConfigDocument = z.input<typeof ConnectorConfigSchema>;

export const connectorName = (connector: string) => childName(connector, 'connector');
export const configMapName = (connector: string) => childName(connector, 'connector-config');
export const sourcesSecretName = (connector: string) => childName(connector, 'connector-sources');
export const managementSecretName = (connector: string) => childName(connector, 'connector-management');
export const walletTokenSecretName = (connector: string) => childName(connector, 'connector-wallet-token');
export const eventSigningKeySecretName = (connector: string) => childName(connector, 'connector-signing-key');
export const dataClaimName = (connector: string) => childName(connector, 'connector-data');
export const pdbName = (connector: string) => childName(connector, 'connector');
/** Key of a compiled policy in the connector's ConfigMap (Policy names are DNS subdomains: valid keys). */
export const policyFileName = (policy: string) => `policy-${policy}.json`;

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
  participant: {
    name: string;
    did: string;
    /** In-cluster URL of the participant's wallet, whose Secure Token Service signs for this connector. */
    walletURL: string;
    credentialsFingerprint: string;
  };
  /** The participant's anchor as its TrustAnchor publishes it: keys to pin and the anchors it recognises. */
  anchor: TrustListConfig;
  /** The anchor's signed trust list (vc+jwt), already verified against anchor.anchor.keys. */
  signedTrustList: string;
  /** Compiled policies by Policy name; offers whose policy is absent are not published. */
  policies: Readonly<Record<string, CompiledPolicy>>;
  /** Copied source values (base64, as Secret data), by key (see sources.ts). */
  sources: Readonly<Record<string, string>>;
  /** The cluster DNS domain: a publicURL below `.svc` means the dataspace's counter-parties are in this cluster. */
  clusterDomain: string;
  image: string;
  imagePullPolicy: string;
  placement: PodPlacement;
  /** Key id of the connector's event-signing key (its Secret holds the key): a new key restarts the pods, which read it once. */
  eventSigningKid: string;
}

export interface RenderedConnector {
  /** The configuration as the connector reads it (defaults applied). */
  config: ConnectorConfig;
  configHash: string;
  /** Asset ids left out because their policy has no compiled document. */
  unpublished: string[];
  /** In apply order: what the Deployment uses comes before it. */
  children: KubeObject[];
}

/** The Connector's references hold values the connector cannot run with; the message names them and the fix. */
export class ConnectorRenderError extends Error {
  override name = 'ConnectorRenderError';
}

const POSTGRES_SSL: Readonly<Record<string, boolean>> = { disable: false, allow: false, prefer: false, require: true, 'verify-ca': true, 'verify-full': true };
/** Copied PostgreSQL settings that go into the configuration file; only the password stays a mounted file. */
const POSTGRES_SETTINGS = new Set(['host', 'port', 'database', 'user', 'sslmode'].map(postgresKey));

function decoded(sources: Readonly<Record<string, string>>, key: string): string | undefined {
  const value = sources[key];
  return value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8').trim();
}

function postgresStore(input: ConnectorRenderInput, secretName: string): NonNullable<ConnectorConfigDocument['store']['postgres']> {
  const where = (key: string) => `Secret ${input.owner.namespace}/${secretName} key "${key}" (spec.persistence.postgres.secretRef)`;
  const required = (key: string): string => {
    const value = decoded(input.sources, postgresKey(key));
    if (!value) throw new ConnectorRenderError(`${where(key)} is missing or empty; add it to the Secret`);
    return value;
  };
  const portText = required('port');
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 1 && port <= 65535)) throw new ConnectorRenderError(`${where('port')} is not a TCP port number (1-65535); fix the value in the Secret`);
  const sslmode = decoded(input.sources, postgresKey('sslmode'));
  const ssl = sslmode === undefined ? false : POSTGRES_SSL[sslmode];
  if (ssl === undefined) throw new ConnectorRenderError(`${where('sslmode')} must be one of ${Object.keys(POSTGRES_SSL).join(', ')}; fix the value in the Secret`);
  return {
    host: required('host'),
    port,
    database: required('database'),
    user: required('user'),
    ...(input.sources[postgresKey('password')] !== undefined ? { passwordFile: `${SOURCES_MOUNT}/${postgresKey('password')}` } : {}),
    ssl,
  };
}

function isInClusterHost(url: string, clusterDomain: string): boolean {
  const host = new URL(url).hostname.toLowerCase();
  return host.endsWith('.svc') || host.endsWith(`.svc.${clusterDomain.toLowerCase()}`);
}

/**
 * The connector's configuration file for `input`, validated with the connector's own schema, and the
 * compiled policies its offers name (by Policy name), which are stored beside it.
 */
export function renderConnectorConfig(input: ConnectorRenderInput): {
  document: ConnectorConfigDocument; config: ConnectorConfig; policies: Record<string, CompiledPolicy>; unpublished: string[];
} {
  const { spec, owner } = input;
  const unpublished: string[] = [];
  const offers: NonNullable<ConnectorConfigDocument['offers']> = [];
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
      dataset: { ...offer.dataset },
      source: http
        ? { http: { url: http.url, method: http.method, authHeader: http.authHeader, allowPrivateNetwork: http.allowPrivateNetwork, ...(http.authSecretRef ? { authFile: `${SOURCES_MOUNT}/${offerAuthKey(offer.assetId)}` } : {}) } }
        : { file: { path: `${SOURCES_MOUNT}/${offerDataKey(offer.assetId)}` } },
      policyFile: `${CONFIG_DIR}/${policyFileName(offer.policyRef.name)}`,
    });
  }
  const postgres = spec.persistence.postgres;
  const anchor = input.anchor.anchor;
  const document: ConnectorConfigDocument = {
    profile: 'dataspace',
    participant: { did: input.participant.did },
    // A pod is reached through its Service: servers bind every interface of the pod's network namespace.
    dsp: { publicUrl: spec.publicURL, listen: { host: '0.0.0.0', port: DSP_PORT } },
    management: {
      listen: { host: '0.0.0.0', port: MANAGEMENT_PORT },
      tokenFile: spec.managementAuthSecretRef ? `${SOURCES_MOUNT}/${MANAGEMENT_TOKEN_KEY}` : `${MANAGEMENT_TOKEN_DIR}/${GENERATED_TOKEN_KEY}`,
    },
    metrics: { listen: { host: '0.0.0.0', port: METRICS_PORT } },
    // The connector's own key, published in its participant's DID document: the participant's key stays in its wallet.
    notifications: { signingKeyFile: `${EVENT_SIGNING_KEY_DIR}/${EVENT_SIGNING_KEY_FILE}` },
    // Connectors of an in-cluster dataspace (publicURLs below .svc) reach each other on Service
    // addresses, which are private: the SSRF guard would refuse every counter-party.
    outbound: { allowPrivateNetwork: isInClusterHost(spec.publicURL, input.clusterDomain) },
    store: postgres ? { postgres: postgresStore(input, postgres.secretRef.name) } : { sqlite: { path: `${DATA_DIR}/connector.db` } },
    offers,
    identity: {
      dcp: {
        stsUrl: `${input.participant.walletURL.replace(/\/$/, '')}${WALLET_STS_PATH}`,
        stsClient: { idFile: `${WALLET_TOKEN_DIR}/${WALLET_CLIENT_ID_KEY}`, secretFile: `${WALLET_TOKEN_DIR}/${WALLET_CLIENT_SECRET_KEY}` },
        trustList: {
          file: `${CONFIG_DIR}/${TRUST_LIST_FILE}`,
          anchor: { did: anchor.did, jurisdiction: anchor.jurisdiction, keysFile: `${CONFIG_DIR}/${ANCHOR_KEYS_FILE}` },
        },
      },
    },
  };
  let config: ConnectorConfig;
  try {
    config = parseConnectorConfig(document, `configuration of Connector ${owner.namespace}/${owner.name}`);
  } catch (err) {
    if (err instanceof ConfigError) throw new ConnectorRenderError(`${err.message}\nFix the Connector spec or the objects it refers to.`);
    throw err;
  }
  return { document, config, policies, unpublished };
}

/**
 * Hash of everything the pods read once at start: the configuration, the digests of the policies it
 * names, the anchor's keys and recognitions, the participant's credentials and the event-signing key's id. A policy's generation
 * and the trust list's signature and validity are left out: editing a policy's description or the
 * issuer re-signing the same list updates the mounted files without restarting the pods.
 */
export function configHashOf(
  document: ConnectorConfigDocument, policies: Readonly<Record<string, CompiledPolicy>>, anchor: TrustListConfig, credentialsFingerprint: string, eventSigningKid: string,
): string {
  const digests = Object.fromEntries(Object.entries(policies).sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, p]) => [name, p.digest]));
  return createHash('sha256').update(JSON.stringify({ document, digests, anchor, eventSigningKid })).update('\n').update(credentialsFingerprint).digest('hex').slice(0, 16);
}

export function renderConnector(input: ConnectorRenderInput): RenderedConnector {
  const { owner, spec, namespace } = input;
  const { document, config, policies, unpublished } = renderConnectorConfig(input);
  const configHash = configHashOf(document, policies, input.anchor, input.participant.credentialsFingerprint, input.eventSigningKid);
  // Fresh objects at every use, so the golden YAML shows each in full instead of as an alias.
  const labels = () => childLabels(owner, COMPONENT);
  const selector = () => selectorLabels(owner, COMPONENT);
  const meta = (name: string) => ({ name, namespace, labels: labels() });
  const name = connectorName(owner.name);
  const sqlite = spec.persistence.sqlite;
  const children: KubeObject[] = [];

  children.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(name), automountServiceAccountToken: false });
  // Everything public the connector reads, in one ConfigMap: the pods mount only their own namespace's
  // objects, and a managed tenant's connector runs away from its Policies and its anchor.
  children.push({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta(configMapName(owner.name)),
    data: {
      [CONNECTOR_CONFIG_FILE]: JSON.stringify(document, null, 2) + '\n',
      [ANCHOR_KEYS_FILE]: JSON.stringify(input.anchor.anchor.keys, null, 2) + '\n',
      [TRUST_LIST_FILE]: input.signedTrustList.trim() + '\n',
      ...Object.fromEntries(Object.keys(policies).sort().map((policy) => [policyFileName(policy), JSON.stringify(policies[policy], null, 2) + '\n'])),
    },
  });
  const secretSources = Object.keys(input.sources).filter((key) => !POSTGRES_SETTINGS.has(key)).sort();
  children.push({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: meta(sourcesSecretName(owner.name)),
    type: 'Opaque',
    data: Object.fromEntries(secretSources.map((key) => [key, input.sources[key]!])),
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

  const tokenVolume = (volume: string, secretName: string, keys = [GENERATED_TOKEN_KEY]) => ({ name: volume, secret: { secretName, items: keys.map((key) => ({ key, path: key })) } });
  const volumes: Array<Record<string, unknown>> = [
    { name: 'config', configMap: { name: configMapName(owner.name) } },
    { name: 'sources', secret: { secretName: sourcesSecretName(owner.name), items: secretSources.map((key) => ({ key, path: key })) } },
    tokenVolume('wallet-token', walletTokenSecretName(owner.name), [WALLET_CLIENT_ID_KEY, WALLET_CLIENT_SECRET_KEY]),
    tokenVolume('event-signing-key', eventSigningKeySecretName(owner.name), [EVENT_SIGNING_KEY_FILE]),
    { name: 'data', ...(sqlite ? { persistentVolumeClaim: { claimName: dataClaimName(owner.name) } } : { emptyDir: {} }) },
    { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
  ];
  const mounts: Array<Record<string, unknown>> = [
    { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
    { name: 'sources', mountPath: SOURCES_MOUNT, readOnly: true },
    { name: 'wallet-token', mountPath: WALLET_TOKEN_DIR, readOnly: true },
    { name: 'event-signing-key', mountPath: EVENT_SIGNING_KEY_DIR, readOnly: true },
    { name: 'data', mountPath: DATA_DIR },
    { name: 'tmp', mountPath: '/tmp' },
  ];
  if (!spec.managementAuthSecretRef) {
    volumes.push(tokenVolume('management-token', managementSecretName(owner.name)));
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
            // The connector takes no arguments: it reads the file this variable names.
            env: [{ name: CONFIG_ENV, value: `${CONFIG_DIR}/${CONNECTOR_CONFIG_FILE}` }],
            ports: [
              { name: 'dsp', containerPort: DSP_PORT, protocol: 'TCP' },
              { name: 'management', containerPort: MANAGEMENT_PORT, protocol: 'TCP' },
              { name: 'metrics', containerPort: METRICS_PORT, protocol: 'TCP' },
            ],
            startupProbe: { httpGet: { path: '/healthz', port: 'metrics' }, periodSeconds: 2, failureThreshold: 60 },
            livenessProbe: { httpGet: { path: '/healthz', port: 'metrics' }, periodSeconds: 10, failureThreshold: 3 },
            readinessProbe: { httpGet: { path: '/readyz', port: 'metrics' }, periodSeconds: 5, failureThreshold: 2 },
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
        { name: 'metrics', port: METRICS_PORT, targetPort: 'metrics', protocol: 'TCP' },
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
        { from: [{ podSelector: {} }], ports: [{ protocol: 'TCP', port: MANAGEMENT_PORT }, { protocol: 'TCP', port: METRICS_PORT }] },
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

function generatedTokenSecret(owner: OwnerIdentity, namespace: string, name: string, token: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace, labels: childLabels(owner, COMPONENT) },
    type: 'Opaque',
    data: { [GENERATED_TOKEN_KEY]: Buffer.from(token).toString('base64') },
  };
}

/** The generated management token Secret: created once, never rewritten (see ensureCreated). */
export function renderManagementSecret(owner: OwnerIdentity, namespace: string, token: string): KubeObject {
  return generatedTokenSecret(owner, namespace, managementSecretName(owner.name), token);
}

/** The connector's client_id at its participant's wallet STS: its name, unique among the participant's connectors as its Secrets' names are. */
export const walletClientId = (connector: string) => connector;

/**
 * The connector's client credentials at its participant's wallet STS (identity.dcp.stsClient): created
 * once, never rewritten, beside the wallet in the participant's workload namespace. The connector mounts
 * both keys; the wallet mounts client-secret for the client the Participant controller lists.
 */
export function renderWalletTokenSecret(owner: OwnerIdentity, namespace: string, secret: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: walletTokenSecretName(owner.name), namespace, labels: childLabels(owner, COMPONENT) },
    type: 'Opaque',
    data: {
      [WALLET_CLIENT_ID_KEY]: Buffer.from(walletClientId(owner.name)).toString('base64'),
      [WALLET_CLIENT_SECRET_KEY]: Buffer.from(secret).toString('base64'),
    },
  };
}

/**
 * The connector's event-signing key (a private JWK with its kid): created once, never rewritten (see
 * ensureCreated), beside the connector in its workload namespace. Only the connector mounts it; the
 * Participant controller gets the public half from the Connector's status.
 */
export function renderEventSigningKeySecret(owner: OwnerIdentity, namespace: string, privateJwk: object): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: eventSigningKeySecretName(owner.name), namespace, labels: childLabels(owner, COMPONENT) },
    type: 'Opaque',
    data: { [EVENT_SIGNING_KEY_FILE]: Buffer.from(JSON.stringify(privateJwk)).toString('base64') },
  };
}

/** The kid of a new event-signing key: names the connector and this key, so a replaced key never reuses an id consumers may have cached. */
export const eventSigningKid = (connector: string, thumbprint: string) => `connector-${connector}-${thumbprint.slice(0, 12)}`;
