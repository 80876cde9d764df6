import { createHash } from 'node:crypto';
import { WALLET_CONFIG_FILE, WalletConfig, validateServiceConfig, type ConnectorEventKey, type TrustedAnchor } from '@musubi/core/service-config';
import type { ParticipantSpec } from '../../api/v1alpha1/index.js';
import type { KubeObject } from '../../runtime/index.js';
import { RESTRICTED_CONTAINER_SECURITY, RESTRICTED_POD_SECURITY } from '../shared/deployment.js';
import { childLabels, selectorLabels, type OwnerIdentity } from '../shared/labels.js';
import { childName } from '../shared/names.js';
import { WALLET_CLIENT_SECRET_KEY, walletClientId, walletTokenSecretName } from '../connector/render.js';
import { PUBLIC_KEY_FILE, SIGNING_KEY_FILE } from '../trustanchor/names.js';
import { WALLET_PORT, memberDid, walletName } from './identity.js';

// The pure part of the Participant controller: the managed tenant (namespace, quota, limits, network
// isolation, admin access) and the wallet (key, configuration, credentials, workload).

export const TENANT_COMPONENT = 'tenant';
export const WALLET_COMPONENT = 'wallet';
export const CONFIG_HASH_ANNOTATION = 'musubi.dev/config-hash';
const CONFIG_DIR = '/etc/musubi/wallet';
const KEY_DIR = '/var/run/musubi/wallet-key';
const CREDENTIALS_DIR = '/var/run/musubi/credentials';
const DATA_DIR = '/var/lib/musubi';
const STS_CLIENTS_DIR = '/var/run/musubi/sts-clients';

export const walletKeySecretName = (participant: string) => childName(participant, 'wallet-key');
export const walletConfigName = (participant: string) => childName(participant, 'wallet-config');
export const credentialsSecretName = (participant: string) => childName(participant, 'credentials');

export const DEFAULT_QUOTA = { cpu: '4', memory: '8Gi', pods: 20 };

/** The managed tenant namespace and what isolates it. Cluster-scoped and cross-namespace: owner labels only. */
export function renderTenant(owner: OwnerIdentity, spec: ParticipantSpec, namespace: string): KubeObject[] {
  const labels = () => childLabels(owner, TENANT_COMPONENT);
  const meta = (name: string) => ({ name, namespace, labels: labels() });
  const quota = { ...DEFAULT_QUOTA, ...spec.tenant?.quota };
  const workloads = (names: string[]) => ({ matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: names }] });
  const objects: KubeObject[] = [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: namespace,
        labels: {
          ...labels(),
          // Tenants run only restricted pods: the operator's own workloads qualify, so may theirs.
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'latest',
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: meta('musubi-tenant-quota'),
      spec: { hard: { 'requests.cpu': quota.cpu, 'requests.memory': quota.memory, pods: String(quota.pods) } },
    },
    {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: meta('musubi-tenant-limits'),
      // A quota on requests refuses pods without requests; these defaults let such pods in.
      spec: { limits: [{ type: 'Container', defaultRequest: { cpu: '50m', memory: '64Mi' }, default: { cpu: '500m', memory: '512Mi' } }] },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('musubi-default-deny'),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('musubi-allow-dns'),
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
          ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
        }],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('musubi-allow-connector-dsp'),
      // Other participants' connectors reach the DSP port from anywhere.
      spec: { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'connector' } }, policyTypes: ['Ingress'], ingress: [{ ports: [{ protocol: 'TCP', port: 8080 }] }] },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('musubi-allow-wallet-in-namespace'),
      spec: {
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'wallet' } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: {} }], ports: [{ protocol: 'TCP', port: WALLET_PORT }] }],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('musubi-allow-workload-egress'),
      // Connectors call other dataspace participants and backends; wallets call their anchor's issuer
      // and resolve did:web documents; both call each other inside the namespace.
      spec: {
        podSelector: workloads(['connector', 'wallet']),
        policyTypes: ['Egress'],
        egress: [
          { to: [{ podSelector: {} }] },
          { ports: [{ protocol: 'TCP', port: 443 }, { protocol: 'TCP', port: 8080 }] },
        ],
      },
    },
  ];
  if (spec.tenant?.adminGroups?.length) {
    objects.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta('musubi-tenant-admins'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
      subjects: spec.tenant.adminGroups.map((group) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: group })),
    });
  }
  return objects;
}

export interface WalletRenderInput {
  owner: OwnerIdentity;
  spec: ParticipantSpec;
  namespace: string;
  did: string;
  anchor: TrustedAnchor & { issuerURL: string };
  /** vc+jwt strings by file name (see credentials.ts). */
  credentials: Readonly<Record<string, string>>;
  image: string;
  imagePullPolicy: string;
  /**
   * Names of the Connectors acting for this participant: each is a client of the wallet's STS, with the
   * secret of the wallet client Secret its controller creates (see connector/render.ts).
   */
  connectors: readonly string[];
  /** The public event-signing keys of those Connectors (from their status), listed in the DID document for assertions only. */
  connectorEventKeys: readonly ConnectorEventKey[];
}

export function renderWalletConfig(input: WalletRenderInput): WalletConfig {
  const { owner, spec } = input;
  return validateServiceConfig(WalletConfig, {
    participant: {
      name: owner.name,
      namespace: owner.namespace,
      did: input.did,
      legalName: spec.legalName,
      country: spec.country,
      ...(spec.wallet?.publicURL ? { publicURL: spec.wallet.publicURL } : {}),
    },
    keyFile: `${KEY_DIR}/${SIGNING_KEY_FILE}`,
    credentialsDir: CREDENTIALS_DIR,
    members: (spec.members ?? []).map((m) => ({ id: m.id, did: memberDid(input.did, m.id), roles: m.roles, ...(m.displayName ? { displayName: m.displayName } : {}) })),
    trustAnchor: input.anchor,
    listen: { host: '0.0.0.0', port: WALLET_PORT },
    storageDir: DATA_DIR,
    sts: { clients: sortedConnectors(input).map((c) => ({ clientId: walletClientId(c), clientSecretFile: `${STS_CLIENTS_DIR}/${c}/${WALLET_CLIENT_SECRET_KEY}` })) },
    connectorEventKeys: [...input.connectorEventKeys].sort((a, b) => (a.connector < b.connector ? -1 : a.connector > b.connector ? 1 : 0)),
  }, `wallet of Participant ${owner.namespace}/${owner.name}`);
}

function sortedConnectors(input: WalletRenderInput): string[] {
  return [...new Set(input.connectors)].sort();
}

/**
 * The client secrets of the participant's connectors in one projected volume, <connector>/client-secret
 * each. The Connector controller owns those Secrets and may create one after this Deployment names it:
 * optional, so the wallet starts without it (and refuses that client) until kubelet projects it.
 */
function stsClientsVolume(input: WalletRenderInput): Record<string, unknown> | undefined {
  const connectors = sortedConnectors(input);
  if (connectors.length === 0) return undefined;
  return {
    name: 'sts-clients',
    projected: {
      sources: connectors.map((c) => ({
        secret: { name: walletTokenSecretName(c), optional: true, items: [{ key: WALLET_CLIENT_SECRET_KEY, path: `${c}/${WALLET_CLIENT_SECRET_KEY}` }] },
      })),
    },
  };
}

/** The wallet's configuration, credentials Secret, Deployment and Service, in apply order. */
export function renderWallet(input: WalletRenderInput): KubeObject[] {
  const { owner, namespace } = input;
  const labels = () => childLabels(owner, WALLET_COMPONENT);
  const selector = () => selectorLabels(owner, WALLET_COMPONENT);
  const meta = (name: string) => ({ name, namespace, labels: labels() });
  const configJson = JSON.stringify(renderWalletConfig(input), null, 2) + '\n';
  const name = walletName(owner.name);
  const stsClients = stsClientsVolume(input);
  return [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(walletConfigName(owner.name)), data: { [WALLET_CONFIG_FILE]: configJson } },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: meta(credentialsSecretName(owner.name)),
      type: 'Opaque',
      data: Object.fromEntries(Object.entries(input.credentials).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(name),
      spec: {
        replicas: 1,
        selector: { matchLabels: selector() },
        template: {
          // Credentials and client secrets are re-read from the mounted Secrets; only a configuration change
          // (including the set of STS clients and the connectors' event-signing keys) restarts the wallet.
          metadata: { labels: labels(), annotations: { [CONFIG_HASH_ANNOTATION]: createHash('sha256').update(configJson).digest('hex').slice(0, 16) } },
          spec: {
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: RESTRICTED_POD_SECURITY,
            containers: [{
              name: WALLET_COMPONENT,
              image: input.image,
              imagePullPolicy: input.imagePullPolicy,
              args: ['wallet', '--config', `${CONFIG_DIR}/${WALLET_CONFIG_FILE}`],
              ports: [{ name: 'http', containerPort: WALLET_PORT, protocol: 'TCP' }],
              startupProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 2, failureThreshold: 60 },
              livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10, failureThreshold: 3 },
              readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 5, failureThreshold: 2 },
              resources: input.spec.wallet?.resources ?? { requests: { cpu: '50m', memory: '96Mi' }, limits: { memory: '256Mi' } },
              securityContext: RESTRICTED_CONTAINER_SECURITY,
              volumeMounts: [
                { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
                { name: 'key', mountPath: KEY_DIR, readOnly: true },
                { name: 'credentials', mountPath: CREDENTIALS_DIR, readOnly: true },
                { name: 'data', mountPath: DATA_DIR },
                { name: 'tmp', mountPath: '/tmp' },
                ...(stsClients ? [{ name: 'sts-clients', mountPath: STS_CLIENTS_DIR, readOnly: true }] : []),
              ],
            }],
            volumes: [
              { name: 'config', configMap: { name: walletConfigName(owner.name) } },
              { name: 'key', secret: { secretName: walletKeySecretName(owner.name), items: [{ key: SIGNING_KEY_FILE, path: SIGNING_KEY_FILE }] } },
              { name: 'credentials', secret: { secretName: credentialsSecretName(owner.name) } },
              { name: 'data', emptyDir: {} },
              { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
              ...(stsClients ? [stsClients] : []),
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(name),
      spec: { type: 'ClusterIP', selector: selector(), ports: [{ name: 'http', port: WALLET_PORT, targetPort: 'http', protocol: 'TCP' }] },
    },
  ];
}

/** The participant's key: created once, never rewritten (see ensureCreated). */
export function renderWalletKeySecret(owner: OwnerIdentity, namespace: string, privateJwk: object, publicJwk: object, thumbprint: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: walletKeySecretName(owner.name), namespace, labels: childLabels(owner, WALLET_COMPONENT), annotations: { 'musubi.dev/key-id': thumbprint } },
    type: 'Opaque',
    data: {
      [SIGNING_KEY_FILE]: Buffer.from(JSON.stringify(privateJwk)).toString('base64'),
      [PUBLIC_KEY_FILE]: Buffer.from(JSON.stringify(publicJwk)).toString('base64'),
    },
  };
}
