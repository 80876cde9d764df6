import { randomBytes } from 'node:crypto';
import { parseCompiledPolicy, type CompiledPolicy } from '@musubi/core/policy';
import { TRUST_LIST_CONFIG_FILE, TrustListConfig, parseServiceConfig } from '@musubi/core/service-config';
import { verifyTrustList } from '@musubi/core/trust';
import { API_VERSION, ConnectorSpec, type Connector, type ConnectorStatus, type Participant, type Policy, type TrustAnchor } from '../../api/v1alpha1/index.js';
import {
  getCondition, ignoreNotFound, isNotFound, ownerLabels, reconcileFinalizer, refOf,
  type KubeObject, type ReadonlyStore, type ReconcileResult, type ResourceType,
} from '../../runtime/index.js';
import { ChildCache, ChildRejectedError, applyOwned, ensureCreated, pruneOwned } from '../shared/children.js';
import { ConditionSet, writeStatus } from '../shared/conditions.js';
import { currentObject, errorMessage, parseSpec, type ReconcilerContext, type Stored } from '../shared/context.js';
import { deploymentAvailability } from '../shared/deployment.js';
import { HttpIssuerClient, type IssuerClient } from '../shared/issuer-client.js';
import {
  CONFIG_MAP, DEPLOYMENT, NETWORK_POLICY, PERSISTENT_VOLUME_CLAIM, POD_DISRUPTION_BUDGET, SECRET, SERVICE, SERVICE_ACCOUNT,
} from '../shared/kinds.js';
import { selectorLabels, type OwnerIdentity } from '../shared/labels.js';
import { compiledPolicyConfigMapName, COMPILED_POLICY_KEY } from '../policy/render.js';
import { participantDid, walletEndpoint, workloadNamespaceOf, isManagedTenant } from '../participant/identity.js';
import { issuerEndpoint, trustListConfigMapName } from '../trustanchor/names.js';
import {
  COMPONENT, DEFAULT_CONNECTOR_RESOURCES, TRUST_LIST_FILE, ConnectorRenderError, configMapName, connectorName, managementSecretName, renderConnector,
  renderManagementSecret, renderWalletTokenSecret, walletTokenSecretName, type PodPlacement, type Resources,
} from './render.js';
import { PODS_SCHEDULED, podScheduling, type PodScheduling } from './scheduling.js';
import { isOptionalSource, sourceReferences, type SourceReference } from './sources.js';
import { trustListToStore } from './trust-list-copy.js';
import { ensureEventSigningKey } from './event-signing-key.js';
import { StoredKeyError } from '../trustanchor/keys.js';

// Connector → its configuration and workload, in the namespace its Participant's workloads run in.
// Ready only when the Participant is Ready, every Policy its offers use is valid, the trust anchor's
// keys and signed trust list are known, the source data exists and the Deployment is available.
// PodsScheduled says where the pods run, or why the scheduler refused one (InsufficientPower when no
// rack has the watts left).

export const CONNECTOR_FINALIZER = 'musubi.dev/connector-cleanup';
export const PARTICIPANT_READY = 'ParticipantReady';
export const POLICIES_READY = 'PoliciesReady';
export const TRUST_ANCHOR_RESOLVED = 'TrustAnchorResolved';
export const DATA_SOURCES_READY = 'DataSourcesReady';
export const DEPLOYMENT_AVAILABLE = 'DeploymentAvailable';
const REQUIRED = [PARTICIPANT_READY, POLICIES_READY, TRUST_ANCHOR_RESOLVED, DATA_SOURCES_READY, DEPLOYMENT_AVAILABLE];
// A pod the scheduler has not tried yet is no verdict, but one it refused is: Ready then names the
// scheduler's reason (InsufficientPower) rather than only that replicas are missing.
const REQUIRED_WHEN_REFUSED = [PARTICIPANT_READY, POLICIES_READY, TRUST_ANCHOR_RESOLVED, DATA_SOURCES_READY, PODS_SCHEDULED, DEPLOYMENT_AVAILABLE];

/**
 * Copied source values and the anchor's signed trust list are re-read this often: the operator watches
 * neither users' ConfigMaps and Secrets nor the issuer re-signing its list.
 */
export const SOURCES_RESYNC_MS = 5 * 60_000;
/** How soon to ask again for a trust list the issuer did not hand out. */
export const TRUST_LIST_RETRY_MS = 30_000;
/** A trust list fetched this recently serves every reconcile (the issuer lets it be cached for a minute). */
const TRUST_LIST_CACHE_MS = 60_000;

/** Child kinds of a Connector, in the namespace its pods run in. */
export const CONNECTOR_CHILD_TYPES: readonly ResourceType[] = [
  SERVICE_ACCOUNT, CONFIG_MAP, SECRET, PERSISTENT_VOLUME_CLAIM, DEPLOYMENT, SERVICE, NETWORK_POLICY, POD_DISRUPTION_BUDGET,
];

export interface PlacementRequest {
  connector: { name: string; namespace: string };
  placement: ConnectorSpec['placement'];
  /** The container resources before placement adds its own (spec.resources or the defaults). */
  resources: Resources;
  /** Labels selecting the connector's pods. */
  selectorLabels: Record<string, string>;
  replicas: number;
}

export type PlacementRenderer = (request: PlacementRequest) => PodPlacement;

export interface ConnectorReconcilerDeps extends ReconcilerContext {
  connectors: ReadonlyStore<Stored<Connector>>;
  participants: ReadonlyStore<Stored<Participant>>;
  policies: ReadonlyStore<Stored<Policy>>;
  anchors: ReadonlyStore<Stored<TrustAnchor>>;
  children: ChildCache;
  placement: PlacementRenderer;
  /** Managed pods (the Connector's among them) and nodes: PodsScheduled and status.placement.racks. */
  pods: ReadonlyStore<KubeObject>;
  nodes: ReadonlyStore<KubeObject>;
  /** Where the anchors' signed trust lists come from; HTTP to the issuers when not given. */
  issuer?: IssuerClient;
}

/** The participant's anchor: what its TrustAnchor publishes and the signed list connectors verify. */
interface ResolvedAnchor {
  published: TrustListConfig;
  signedTrustList: string;
}

type ReadyState = { status: 'True' | 'False' | 'Unknown'; reason: string; message: string };

export class ConnectorReconciler {
  // The refusal last reported per Connector: the cached status can lag a write, and one Event per refusal is enough.
  private readonly refusals = new Map<string, string>();
  private readonly trustLists = new Map<string, { jwt: string; fetchedAt: number }>();
  private readonly issuer: IssuerClient;

  constructor(private readonly deps: ConnectorReconcilerDeps) {
    this.issuer = deps.issuer ?? new HttpIssuerClient({ timeoutMs: deps.config.issuerTimeoutSeconds * 1000 });
  }

  async reconcile(key: string): Promise<ReconcileResult | void> {
    const cached = await currentObject(this.deps.client, this.deps.connectors.get(key), CONNECTOR_FINALIZER);
    if (!cached) return;
    const outcome = await reconcileFinalizer(this.deps.client, structuredClone(cached), CONNECTOR_FINALIZER, () => this.cleanup(cached));
    if (outcome.deleting) return;
    const connector = outcome.object;
    const { name, namespace = 'default', generation } = connector.metadata;
    const conditions = new ConditionSet(connector.status?.conditions, generation, this.deps.now());
    const previous = connector.status ?? {};
    // The event-signing key stays published while the connector waits on something else: dropping it would roll the wallet for nothing.
    const status: ConnectorStatus = {
      observedGeneration: generation, endpoint: connector.spec.publicURL, ...(previous.eventSigningKey ? { eventSigningKey: previous.eventSigningKey } : {}),
    };
    const finish = async (result?: ReconcileResult) => {
      const required = conditions.get(PODS_SCHEDULED)?.status === 'False' ? REQUIRED_WHEN_REFUSED : REQUIRED;
      await writeStatus(this.deps.client, connector, { ...status, conditions: conditions.withReady(required) });
      return result;
    };

    const parsed = parseSpec(ConnectorSpec, connector);
    if (!parsed.ok) {
      conditions.set(PARTICIPANT_READY, 'Unknown', 'InvalidSpec', parsed.message);
      return finish();
    }
    const spec = parsed.spec;

    const participant = this.deps.participants.getByName(namespace, spec.participantRef.name);
    if (!participant) {
      conditions.set(PARTICIPANT_READY, 'False', 'ParticipantNotFound',
        `Participant ${namespace}/${spec.participantRef.name} (spec.participantRef.name) does not exist; create it or fix the reference.`);
      this.policyConditions(spec, namespace, conditions);
      return finish();
    }
    const participantReady = this.participantReadiness(participant);
    conditions.set(PARTICIPANT_READY, participantReady.status, participantReady.reason, participantReady.message);
    const policies = this.policyConditions(spec, namespace, conditions);

    const workloadNamespace = workloadNamespaceOf(participant);
    const anchor = await this.trustAnchorOf(participant, conditions, workloadNamespace, name);
    let did: string;
    try {
      did = participantDid(participant, this.deps.config.clusterDomain);
    } catch (err) {
      conditions.set(PARTICIPANT_READY, 'False', 'ParticipantDIDInvalid', `Participant ${participant.metadata.name}: ${errorMessage(err)}; fix spec.wallet.publicURL.`);
      return finish();
    }
    status.did = did;
    const tenantPending = isManagedTenant(participant) && participant.status?.tenantNamespace !== workloadNamespace;
    if (tenantPending || !anchor) {
      const [reason, message] = tenantPending
        ? ['TenantNamespacePending', `Waiting for Participant ${participant.metadata.name} to set up its tenant namespace ${workloadNamespace}.`]
        : ['TrustAnchorPending', 'The connector is deployed once its trust anchor\'s keys and signed trust list are known.'];
      conditions.set(DATA_SOURCES_READY, 'Unknown', reason, `${message} Source data is copied then.`);
      conditions.set(DEPLOYMENT_AVAILABLE, 'Unknown', reason, message);
      // An issuer coming up is seen through the TrustAnchor's status, but one that merely recovers is not.
      return finish(conditions.get(TRUST_ANCHOR_RESOLVED)?.reason === 'TrustListPending' ? { requeueAfter: TRUST_LIST_RETRY_MS } : undefined);
    }

    const sourceRefs = sourceReferences(spec);
    const sources = await this.copySources(namespace, sourceRefs, conditions);
    const owner: OwnerIdentity = { apiVersion: API_VERSION, kind: 'Connector', name, namespace, uid: connector.metadata.uid ?? '' };
    const keep: KubeObject[] = [];
    try {
      if (!spec.managementAuthSecretRef) {
        const secretName = managementSecretName(name);
        const token = await ensureCreated(
          this.deps.client, connector, { ...SECRET, namespace: workloadNamespace, name: secretName },
          this.deps.children.get(SECRET, workloadNamespace, secretName),
          async () => renderManagementSecret(owner, workloadNamespace, randomBytes(32).toString('base64url')),
        );
        keep.push(token.object);
        if (token.created) await this.deps.events.record(connector, 'Normal', 'ManagementTokenCreated', 'Create', `Generated the management API token in Secret ${workloadNamespace}/${token.object.metadata.name}.`);
      }
      const walletSecret = walletTokenSecretName(name);
      const walletToken = await ensureCreated(
        this.deps.client, connector, { ...SECRET, namespace: workloadNamespace, name: walletSecret },
        this.deps.children.get(SECRET, workloadNamespace, walletSecret),
        async () => renderWalletTokenSecret(owner, workloadNamespace, randomBytes(32).toString('base64url')),
      );
      keep.push(walletToken.object);
      if (walletToken.created) await this.deps.events.record(connector, 'Normal', 'WalletTokenCreated', 'Create', `Generated the connector's wallet STS token in Secret ${workloadNamespace}/${walletSecret}.`);
      const signingKey = await ensureEventSigningKey(this.deps.client, this.deps.children, connector, owner, workloadNamespace);
      keep.push(signingKey.secret);
      status.eventSigningKey = signingKey.publicKey;
      if (signingKey.created) await this.deps.events.record(connector, 'Normal', 'EventSigningKeyCreated', 'CreateKey', `Generated the event-signing key ${signingKey.publicKey.kid} in Secret ${workloadNamespace}/${signingKey.secret.metadata.name}.`);
      let placement: PodPlacement;
      try {
        placement = this.deps.placement({
          connector: { name, namespace },
          placement: spec.placement,
          resources: spec.resources ?? DEFAULT_CONNECTOR_RESOURCES,
          selectorLabels: selectorLabels(owner, COMPONENT),
          replicas: spec.replicas,
        });
      } catch (err) {
        conditions.set(DEPLOYMENT_AVAILABLE, 'False', 'PlacementInvalid', `The pods cannot be placed: ${errorMessage(err)}.`);
        return finish();
      }
      const rendered = renderConnector({
        owner,
        spec,
        namespace: workloadNamespace,
        participant: {
          name: participant.metadata.name,
          did,
          walletURL: walletEndpoint(participant, this.deps.config.clusterDomain),
          credentialsFingerprint: credentialsFingerprint(participant),
        },
        anchor: anchor.published,
        signedTrustList: anchor.signedTrustList,
        policies,
        sources,
        clusterDomain: this.deps.config.clusterDomain,
        image: spec.image ?? this.deps.config.images.connector,
        imagePullPolicy: this.deps.config.images.pullPolicy,
        placement,
        eventSigningKid: signingKey.publicKey.kid,
      });
      const applied = await applyOwned(this.deps.client, connector, rendered.children, this.deps.children);
      keep.push(...applied);
      await pruneOwned(this.deps.client, this.deps.children, connector, CONNECTOR_CHILD_TYPES.filter((t) => t !== PERSISTENT_VOLUME_CLAIM), keep);
      const deployment = applied.find((c) => c.kind === 'Deployment');
      const availability = deploymentAvailability(deployment, `Deployment ${workloadNamespace}/${connectorName(name)}`);
      conditions.set(DEPLOYMENT_AVAILABLE, availability.status, availability.reason, availability.message);
      const scheduling = await this.schedulingOf(connector, workloadNamespace, conditions);
      const where = {
        ...(scheduling.racks.length > 0 ? { racks: scheduling.racks } : {}),
        ...(placement.estimatedWatts !== undefined ? { estimatedWatts: placement.estimatedWatts } : {}),
      };
      Object.assign(status, {
        offers: rendered.config.offers.length,
        readyReplicas: availability.readyReplicas,
        configHash: rendered.configHash,
        ...(Object.keys(where).length > 0 ? { placement: where } : {}),
      });
      if (previous.configHash !== rendered.configHash) {
        await this.deps.events.record(connector, 'Normal', 'ConfigurationRendered', 'Render',
          `Rendered configuration ${rendered.configHash} with ${rendered.config.offers.length} offer(s)${previous.configHash ? '; the pods roll' : ''}.`);
      }
    } catch (err) {
      if (err instanceof ConnectorRenderError) {
        conditions.set(DEPLOYMENT_AVAILABLE, 'False', 'ConfigurationInvalid', err.message);
      } else if (err instanceof StoredKeyError) {
        conditions.set(DEPLOYMENT_AVAILABLE, 'False', 'EventSigningKeyInvalid', `${err.message}. The operator does not replace a damaged key; restore the Secret, or delete it to have a new key generated (and published in the participant's DID document).`);
      } else if (err instanceof ChildRejectedError) {
        conditions.set(DEPLOYMENT_AVAILABLE, 'False', 'ChildRejected', `${err.message}. Fix the Connector spec (some fields, e.g. persistence, cannot change once created).`);
      } else {
        throw err;
      }
    }
    return finish({ requeueAfter: SOURCES_RESYNC_MS });
  }

  /** Sets PodsScheduled from the Connector's pods; a new refusal is also an Event. */
  private async schedulingOf(connector: Stored<Connector>, workloadNamespace: string, conditions: ConditionSet): Promise<PodScheduling> {
    const scheduling = podScheduling({
      pods: this.deps.pods.list({ namespace: workloadNamespace, labelSelector: { matchLabels: ownerLabels(connector) } }),
      nodeLabels: (node) => this.deps.nodes.getByName(undefined, node)?.metadata.labels,
      rackLabel: this.deps.config.placement.rackLabel,
      workload: `Deployment ${workloadNamespace}/${connectorName(connector.metadata.name)}`,
    });
    const key = `${connector.metadata.namespace}/${connector.metadata.name}`;
    const before = getCondition(connector.status?.conditions, PODS_SCHEDULED);
    conditions.set(PODS_SCHEDULED, scheduling.status, scheduling.reason, scheduling.message);
    if (scheduling.status !== 'False') {
      this.refusals.delete(key);
    } else if (this.refusals.get(key) !== scheduling.reason && (before?.status !== 'False' || before.reason !== scheduling.reason)) {
      this.refusals.set(key, scheduling.reason);
      await this.deps.events.record(connector, 'Warning', scheduling.reason, 'Schedule', scheduling.message);
    }
    return scheduling;
  }

  private participantReadiness(participant: Stored<Participant>): ReadyState {
    const ready = getCondition(participant.status?.conditions, 'Ready');
    const who = `Participant ${participant.metadata.name}`;
    if (ready?.status === 'True') return { status: 'True', reason: 'ParticipantReady', message: `${who} is Ready.` };
    if (ready?.status === 'False') return { status: 'False', reason: 'ParticipantNotReady', message: `${who} is not Ready (${ready.reason}): ${ready.message}` };
    return { status: 'Unknown', reason: 'ParticipantNotReady', message: `${who} has not reported Ready yet.` };
  }

  /** Sets PoliciesReady and returns the compiled documents of the offers' policies that have one. */
  private policyConditions(spec: ConnectorSpec, namespace: string, conditions: ConditionSet): Record<string, CompiledPolicy> {
    const compiled: Record<string, CompiledPolicy> = {};
    const missing: string[] = [];
    const invalid: string[] = [];
    const pending: string[] = [];
    const names = [...new Set((spec.offers ?? []).map((o) => o.policyRef.name))];
    for (const policyName of names) {
      const at = (spec.offers ?? []).findIndex((o) => o.policyRef.name === policyName);
      const policy = this.deps.policies.getByName(namespace, policyName);
      if (!policy) {
        missing.push(`Policy ${namespace}/${policyName} (spec.offers[${at}].policyRef.name) does not exist`);
        continue;
      }
      const ready = getCondition(policy.status?.conditions, 'Ready');
      if (ready?.status === 'False') invalid.push(`Policy ${policyName} is not valid: ${ready.message}`);
      else if (ready?.status !== 'True' || policy.status?.observedGeneration !== policy.metadata.generation) pending.push(policyName);
      const document = this.compiledPolicy(namespace, policyName);
      if (document) compiled[policyName] = document;
    }
    const unpublished = (spec.offers ?? []).filter((o) => !compiled[o.policyRef.name]).map((o) => o.assetId);
    const note = unpublished.length ? ` Offers not published until their policy compiles: ${unpublished.join(', ')}.` : '';
    if (missing.length) conditions.set(POLICIES_READY, 'False', 'PolicyNotFound', `${missing.join('; ')}; create it or fix the reference.${note}`);
    else if (invalid.length) conditions.set(POLICIES_READY, 'False', 'PolicyInvalid', `${invalid.join('; ')}.${note}`);
    else if (pending.length) conditions.set(POLICIES_READY, 'Unknown', 'PolicyPending', `Waiting for Policy ${pending.join(', ')} to be compiled.${note}`);
    else conditions.set(POLICIES_READY, 'True', 'PoliciesValid', names.length ? `Policies ${names.join(', ')} are valid.` : 'The connector publishes no offers.');
    return compiled;
  }

  private compiledPolicy(namespace: string, policyName: string): CompiledPolicy | undefined {
    const configMap = this.deps.children.get(CONFIG_MAP, namespace, compiledPolicyConfigMapName(policyName));
    const text = (configMap?.data as Record<string, string> | undefined)?.[COMPILED_POLICY_KEY];
    if (!text) return undefined;
    try {
      return parseCompiledPolicy(JSON.parse(text), `ConfigMap ${namespace}/${configMap!.metadata.name}`);
    } catch {
      return undefined; // a damaged ConfigMap is restored by the Policy controller, which wakes us again
    }
  }

  /**
   * Sets TrustAnchorResolved; returns the participant's anchor as published (keys, recognitions) with
   * its signed trust list, once both are there and the list verifies against the published keys.
   */
  private async trustAnchorOf(participant: Stored<Participant>, conditions: ConditionSet, workloadNamespace: string, connector: string): Promise<ResolvedAnchor | undefined> {
    const ref = participant.spec.trustAnchorRef;
    const anchorNamespace = ref.namespace ?? participant.metadata.namespace ?? 'default';
    const anchor = this.deps.anchors.getByName(anchorNamespace, ref.name);
    const who = `TrustAnchor ${anchorNamespace}/${ref.name}`;
    if (!anchor) {
      conditions.set(TRUST_ANCHOR_RESOLVED, 'False', 'TrustAnchorNotFound',
        `${who}, the anchor of Participant ${participant.metadata.name}, does not exist; create it or fix the Participant's spec.trustAnchorRef.`);
      return undefined;
    }
    const configMap = this.deps.children.get(CONFIG_MAP, anchorNamespace, trustListConfigMapName(ref.name));
    const text = (configMap?.data as Record<string, string> | undefined)?.[TRUST_LIST_CONFIG_FILE];
    if (!text) {
      conditions.set(TRUST_ANCHOR_RESOLVED, 'Unknown', 'TrustAnchorPending', `${who} has not published its keys yet.`);
      return undefined;
    }
    const published = parseServiceConfig(TrustListConfig, text, `ConfigMap ${anchorNamespace}/${configMap!.metadata.name}`);
    const pinned = { did: published.anchor.did, jurisdiction: published.anchor.jurisdiction, keys: published.anchor.keys, ...(published.anchor.name ? { name: published.anchor.name } : {}) };
    const verifies = async (jwt: string) => verifyTrustList(jwt, pinned, { clock: () => this.deps.now() }).then(() => undefined, (err: unknown) => errorMessage(err));
    const endpoint = issuerEndpoint(ref.name, anchorNamespace, this.deps.config.clusterDomain);
    // The copy the pods already mount: kept when the issuer merely re-signed the same list.
    const copy = (this.deps.children.get(CONFIG_MAP, workloadNamespace, configMapName(connector))?.data as Record<string, string> | undefined)?.[TRUST_LIST_FILE]?.trim();
    let problem: string;
    try {
      const jwt = await this.fetchTrustList(endpoint);
      const refused = await verifies(jwt);
      if (!refused) {
        conditions.set(TRUST_ANCHOR_RESOLVED, 'True', 'TrustAnchorResolved', `Trusting ${published.anchor.did} (${who}) and the anchors its signed trust list recognises.`);
        const stored = copy && !(await verifies(copy)) ? copy : undefined;
        return { published, signedTrustList: trustListToStore(jwt, stored, this.deps.now()) };
      }
      this.trustLists.delete(endpoint);
      problem = `the trust list its issuer at ${endpoint} serves does not verify against the keys the TrustAnchor publishes: ${refused}`;
    } catch (err) {
      problem = `its issuer at ${endpoint} did not hand out the trust list: ${errorMessage(err)}`;
    }
    // The copy the pods already mount keeps them running through an issuer's restart, while it is valid.
    if (copy && !(await verifies(copy))) {
      conditions.set(TRUST_ANCHOR_RESOLVED, 'True', 'TrustAnchorResolved', `Trusting ${published.anchor.did} (${who}) with the trust list copied earlier; ${problem}.`);
      return { published, signedTrustList: copy };
    }
    conditions.set(TRUST_ANCHOR_RESOLVED, 'Unknown', 'TrustListPending', `${who}: ${problem}. The connector is deployed once its issuer serves a trust list signed with the published keys.`);
    return undefined;
  }

  private async fetchTrustList(endpoint: string): Promise<string> {
    const now = this.deps.now().getTime();
    const cached = this.trustLists.get(endpoint);
    if (cached && now - cached.fetchedAt < TRUST_LIST_CACHE_MS && now >= cached.fetchedAt) return cached.jwt;
    const jwt = await this.issuer.trustList(endpoint);
    this.trustLists.set(endpoint, { jwt, fetchedAt: now });
    return jwt;
  }

  /** Reads the referenced values (live: users' objects are not cached) and sets DataSourcesReady. */
  private async copySources(namespace: string, refs: SourceReference[], conditions: ConditionSet): Promise<Record<string, string>> {
    const values: Record<string, string> = {};
    const problems: string[] = [];
    const objects = new Map<string, KubeObject | undefined>();
    for (const ref of refs) {
      const id = `${ref.from.kind}/${ref.from.name}`;
      if (!objects.has(id)) {
        objects.set(id, await ignoreNotFound(this.deps.client.get({ apiVersion: 'v1', kind: ref.from.kind, namespace, name: ref.from.name })));
      }
      const obj = objects.get(id);
      const value = obj ? valueOf(obj, ref.from.key) : undefined;
      if (value !== undefined) values[ref.key] = value;
      else if (!isOptionalSource(ref)) problems.push(`${ref.from.kind} ${namespace}/${ref.from.name}${obj ? ` has no key "${ref.from.key}"` : ' does not exist'} (${ref.path})`);
    }
    if (problems.length) conditions.set(DATA_SOURCES_READY, 'False', 'DataSourceNotFound', `${problems.join('; ')}; create it or fix the reference.`);
    else conditions.set(DATA_SOURCES_READY, 'True', 'DataSourcesFound', refs.length ? `Copied ${refs.length} referenced value(s) for the connector pods.` : 'The connector references no ConfigMaps or Secrets.');
    return values;
  }

  /** Deletes children in other namespaces (a managed tenant's), which owner references cannot reach. */
  private async cleanup(connector: KubeObject): Promise<void> {
    this.refusals.delete(`${connector.metadata.namespace}/${connector.metadata.name}`);
    for (const type of CONNECTOR_CHILD_TYPES) {
      const { items } = await this.deps.client.list(type, { labelSelector: { matchLabels: ownerLabels(connector) } });
      for (const child of items) {
        if (child.metadata.namespace === connector.metadata.namespace) continue; // owner reference: garbage collected
        try {
          await this.deps.client.delete(refOf(child));
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
    }
  }
}

function valueOf(obj: KubeObject, key: string): string | undefined {
  if (obj.kind === 'Secret') return (obj.data as Record<string, string> | undefined)?.[key];
  const text = (obj.data as Record<string, string> | undefined)?.[key];
  if (text !== undefined) return Buffer.from(text).toString('base64');
  return (obj.binaryData as Record<string, string> | undefined)?.[key];
}

/** What the pods must restart for when it changes: the participant's credentials. */
export function credentialsFingerprint(participant: Stored<Participant>): string {
  return (participant.status?.credentials ?? [])
    .map((c) => `${c.id}|${c.expiresAt}|${c.state}`)
    .sort()
    .join('\n');
}
