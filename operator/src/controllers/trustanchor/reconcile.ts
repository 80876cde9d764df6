import { randomBytes } from 'node:crypto';
import { didWebFromUrl, generateKeyPair, type KeyPair } from '@musubi/core/trust';
import type { PinnedJwk, RecognisedAnchor } from '@musubi/core/service-config';
import { API_VERSION, TrustAnchorSpec, type TrustAnchor, type TrustAnchorStatus } from '../../api/v1alpha1/index.js';
import { isAlreadyExists, ownerLabels, type KubeObject, type ReadonlyStore, type ReconcileContext, type ReconcileResult, type ResourceType } from '../../runtime/index.js';
import { ChildCache, ChildRejectedError, applyOwned, ensureCreated, pruneOwned } from '../shared/children.js';
import { ConditionSet, writeStatus } from '../shared/conditions.js';
import { errorMessage, parseSpec, type ReconcilerContext, type Stored } from '../shared/context.js';
import { deploymentAvailability } from '../shared/deployment.js';
import { durationSeconds } from '../shared/duration.js';
import type { IssuerClient } from '../shared/issuer-client.js';
import { CONFIG_MAP, DEPLOYMENT, PERSISTENT_VOLUME_CLAIM, SECRET, SERVICE } from '../shared/kinds.js';
import type { OwnerIdentity } from '../shared/labels.js';
import { StoredKeyError, keyPairFromSecret, publicKeyFromSecret } from './keys.js';
import { API_TOKEN_KEY, apiTokenSecretName, issuerDataClaimName, issuerEndpoint, issuerName, signingKeySecretName } from './names.js';
import { renderApiTokenSecret, renderIssuerDataClaim, renderSigningKeySecret, renderTrustAnchor } from './render.js';

// TrustAnchor → its VC issuer: a signing key created once and kept for the anchor's life, the issuer's
// configuration and workload, and the trust list published for the cluster's connectors and wallets
// (its own keys and the anchors it recognises). The freshness of recognised anchors is what the
// issuer reports; until it does, they are Pending.

export const SIGNING_KEY_READY = 'SigningKeyReady';
export const RECOGNISED_ANCHORS_RESOLVED = 'RecognisedAnchorsResolved';
export const DEPLOYMENT_AVAILABLE = 'DeploymentAvailable';
export const ISSUER_REPORTING = 'IssuerReporting';
const REQUIRED = [SIGNING_KEY_READY, RECOGNISED_ANCHORS_RESOLVED, DEPLOYMENT_AVAILABLE];

/** How often a running issuer is asked how fresh its recognised anchors are. */
export const ISSUER_POLL_MS = 60_000;

export const TRUST_ANCHOR_CHILD_TYPES: readonly ResourceType[] = [CONFIG_MAP, SECRET, PERSISTENT_VOLUME_CLAIM, DEPLOYMENT, SERVICE];

export interface TrustAnchorReconcilerDeps extends ReconcilerContext {
  anchors: ReadonlyStore<Stored<TrustAnchor>>;
  children: ChildCache;
  issuer: IssuerClient;
}

export class TrustAnchorReconciler {
  constructor(private readonly deps: TrustAnchorReconcilerDeps) {}

  async reconcile(key: string, ctx?: Pick<ReconcileContext, 'signal'>): Promise<ReconcileResult | void> {
    const cached = this.deps.anchors.get(key);
    if (!cached || cached.metadata.deletionTimestamp) return; // children carry owner references
    const anchor = structuredClone(cached);
    const { name, namespace = 'default', generation } = anchor.metadata;
    const conditions = new ConditionSet(anchor.status?.conditions, generation, this.deps.now());
    const previous = anchor.status ?? {};
    const endpoint = issuerEndpoint(name, namespace, this.deps.config.clusterDomain);
    const status: TrustAnchorStatus = { observedGeneration: generation, endpoint };
    const finish = async (result?: ReconcileResult) => {
      await writeStatus(this.deps.client, anchor, { ...status, conditions: conditions.withReady(REQUIRED) });
      return result;
    };

    const parsed = parseSpec(TrustAnchorSpec, anchor);
    if (!parsed.ok) {
      conditions.set(SIGNING_KEY_READY, 'Unknown', 'InvalidSpec', parsed.message);
      return finish();
    }
    const spec = parsed.spec;
    let did: string;
    try {
      did = didWebFromUrl(spec.publicURL);
    } catch (err) {
      conditions.set(SIGNING_KEY_READY, 'False', 'InvalidPublicURL', `spec.publicURL: ${errorMessage(err)}; the anchor's DID is did:web of an https URL.`);
      return finish();
    }
    status.did = did;
    const owner: OwnerIdentity = { apiVersion: API_VERSION, kind: 'TrustAnchor', name, namespace, uid: anchor.metadata.uid ?? '' };

    let signingKey: KeyPair;
    try {
      signingKey = await this.signingKey(anchor, owner, spec, previous.signingKeyID);
    } catch (err) {
      if (!(err instanceof StoredKeyError) && !(err instanceof ChildRejectedError)) throw err;
      conditions.set(SIGNING_KEY_READY, 'False', 'SigningKeyInvalid',
        `${err.message}. The operator does not replace a damaged key, because every credential signed with it would stop verifying: restore the Secret from a backup, or delete it to start over with a new key.`);
      status.signingKeyID = previous.signingKeyID;
      return finish();
    }
    status.signingKeyID = signingKey.thumbprint;
    conditions.set(SIGNING_KEY_READY, 'True', 'SigningKeyReady', `Signing with ${signingKey.alg} key ${signingKey.thumbprint} from Secret ${signingKeySecretName(name)}.`);
    const bound = signingKey.forDid(did);
    const publicKey: PinnedJwk = { ...signingKey.publicJwk, kid: bound.kid };

    const recognised = this.resolveRecognised(anchor, spec, conditions);
    try {
      const token = await ensureCreated(this.deps.client, anchor, { ...SECRET, namespace, name: apiTokenSecretName(name) },
        this.deps.children.get(SECRET, namespace, apiTokenSecretName(name)),
        async () => renderApiTokenSecret(owner, randomBytes(32).toString('base64url')));
      const rendered = renderTrustAnchor({
        owner, spec, did, endpoint, signingKey: publicKey, recognised: recognised.entries,
        dataspace: this.deps.config.dataspace, image: this.deps.config.images.issuer, imagePullPolicy: this.deps.config.images.pullPolicy,
      });
      await this.ensureDataClaim(anchor, owner, spec);
      const applied = await applyOwned(this.deps.client, anchor, rendered.children, this.deps.children);
      await pruneOwned(this.deps.client, this.deps.children, anchor, [CONFIG_MAP, SERVICE, DEPLOYMENT], applied);
      const availability = deploymentAvailability(applied.find((c) => c.kind === 'Deployment'), `Deployment ${namespace}/${issuerName(name)}`);
      conditions.set(DEPLOYMENT_AVAILABLE, availability.status, availability.reason, availability.message);
      status.recognisedAnchors = recognised.statuses;
      if (availability.status === 'True') {
        await this.askIssuer(endpoint, token.object, status, conditions, ctx?.signal);
        return finish({ requeueAfter: ISSUER_POLL_MS });
      }
      conditions.set(ISSUER_REPORTING, 'Unknown', 'IssuerNotRunning', 'The issuer is asked for the freshness of recognised anchors once its Deployment is available.');
    } catch (err) {
      if (!(err instanceof ChildRejectedError)) throw err;
      conditions.set(DEPLOYMENT_AVAILABLE, 'False', 'ChildRejected', err.message);
    }
    return finish();
  }

  /**
   * The issuer's state claim: created once and never rewritten (a claim's class and access mode are
   * fixed, and a retained claim of an earlier anchor of this name is picked up as it is); only its
   * owner reference follows spec.storage.whenDeleted, so deleting the anchor keeps or removes it.
   */
  private async ensureDataClaim(anchor: Stored<TrustAnchor>, owner: OwnerIdentity, spec: TrustAnchorSpec): Promise<void> {
    const desired = renderIssuerDataClaim(owner, spec);
    desired.metadata.labels = { ...desired.metadata.labels, ...ownerLabels(anchor) };
    const ref = { ...PERSISTENT_VOLUME_CLAIM, namespace: owner.namespace, name: issuerDataClaimName(owner.name) };
    let live = this.deps.children.get(PERSISTENT_VOLUME_CLAIM, owner.namespace, ref.name);
    if (!live) {
      try {
        await this.deps.client.create(desired);
        await this.deps.events.record(anchor, 'Normal', 'StorageClaimCreated', 'Create', `Created PersistentVolumeClaim ${ref.name} for the issuer's state (${spec.storage?.whenDeleted ?? 'Retain'} when the TrustAnchor is deleted).`);
        return;
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        live = await this.deps.client.get(ref);
      }
    }
    const others = (live.metadata.ownerReferences ?? []).filter((r) => r.uid !== owner.uid);
    const wanted = [...others, ...(desired.metadata.ownerReferences ?? [])];
    const owned = (refs: Array<{ uid: string }> | undefined) => (refs ?? []).some((r) => r.uid === owner.uid);
    if (owned(live.metadata.ownerReferences) !== owned(desired.metadata.ownerReferences)) {
      await this.deps.client.mergePatch(ref, { metadata: { ownerReferences: wanted.length > 0 ? wanted : null } });
    }
  }

  /** The anchor's signing key: read from its Secret, or generated and stored once if there is none. */
  private async signingKey(anchor: Stored<TrustAnchor>, owner: OwnerIdentity, spec: TrustAnchorSpec, previousKeyID: string | undefined): Promise<KeyPair> {
    const name = signingKeySecretName(owner.name);
    let generated: KeyPair | undefined;
    const { object, created } = await ensureCreated(this.deps.client, anchor, { ...SECRET, namespace: owner.namespace, name },
      this.deps.children.get(SECRET, owner.namespace, name),
      async () => {
        generated = await generateKeyPair({ algorithm: spec.keyAlgorithm });
        return renderSigningKeySecret(owner, generated.exportPrivateJwk(), generated.publicJwk, generated.thumbprint);
      });
    const key = await keyPairFromSecret(object);
    if (key.publicJwk.crv !== spec.keyAlgorithm) {
      throw new StoredKeyError(`Secret ${owner.namespace}/${name} holds a ${key.publicJwk.crv} key but spec.keyAlgorithm is ${spec.keyAlgorithm}`);
    }
    if (created) {
      await this.deps.events.record(anchor, 'Normal', 'KeyCreated', 'CreateKey', `Generated ${spec.keyAlgorithm} signing key ${key.thumbprint} in Secret ${name}.`);
      if (previousKeyID && previousKeyID !== key.thumbprint) {
        await this.deps.events.record(anchor, 'Warning', 'SigningKeyReplaced', 'CreateKey',
          `The Secret holding signing key ${previousKeyID} was deleted; signing with the new key ${key.thumbprint}. Credentials signed with the old key no longer verify.`);
      }
    }
    return key;
  }

  /** In-cluster anchors with their DID and published key; external ones with their pinned keys. */
  private resolveRecognised(anchor: Stored<TrustAnchor>, spec: TrustAnchorSpec, conditions: ConditionSet): { entries: RecognisedAnchor[]; statuses: NonNullable<TrustAnchorStatus['recognisedAnchors']> } {
    const entries: RecognisedAnchor[] = [];
    const statuses: NonNullable<TrustAnchorStatus['recognisedAnchors']> = [];
    const missing: string[] = [];
    const pending: string[] = [];
    const namespace = anchor.metadata.namespace ?? 'default';
    (spec.recognises ?? []).forEach((recognition, i) => {
      const base = { name: recognition.name, attributeMapping: recognition.attributeMapping ?? [], maxStalenessSeconds: durationSeconds(recognition.maxStaleness, 'maxStaleness') };
      if (recognition.external) {
        const did = recognition.external.did;
        entries.push({ ...base, did, jurisdiction: recognition.jurisdiction ?? '', keys: recognition.external.pinnedKeys.map((k) => pinned(did, k)), trustListURL: recognition.external.trustListURL ?? externalTrustListURL(did), inCluster: false });
        statuses.push({ name: recognition.name, did, state: 'Pending' });
        return;
      }
      const ref = recognition.anchorRef!;
      const refNamespace = ref.namespace ?? namespace;
      const other = this.deps.anchors.getByName(refNamespace, ref.name);
      if (!other) {
        missing.push(`TrustAnchor ${refNamespace}/${ref.name} (spec.recognises[${i}].anchorRef, "${recognition.name}")`);
        statuses.push({ name: recognition.name, state: 'Pending' });
        return;
      }
      let did: string;
      try {
        did = didWebFromUrl(other.spec.publicURL);
      } catch {
        pending.push(`TrustAnchor ${refNamespace}/${ref.name} has no valid publicURL`);
        statuses.push({ name: recognition.name, state: 'Pending' });
        return;
      }
      const secret = this.deps.children.get(SECRET, refNamespace, signingKeySecretName(ref.name));
      let key: PinnedJwk | undefined;
      try {
        key = secret ? publicKeyFromSecret(secret, did) : undefined;
      } catch {
        key = undefined;
      }
      if (!key) {
        pending.push(`TrustAnchor ${refNamespace}/${ref.name} has no signing key yet`);
        statuses.push({ name: recognition.name, did, state: 'Pending' });
        return;
      }
      entries.push({
        ...base, did, jurisdiction: recognition.jurisdiction ?? other.spec.jurisdiction, keys: [key],
        trustListURL: `${issuerEndpoint(ref.name, refNamespace, this.deps.config.clusterDomain)}/trust-list`, inCluster: true,
      });
      statuses.push({ name: recognition.name, did, state: 'Pending' });
    });
    if (missing.length) {
      conditions.set(RECOGNISED_ANCHORS_RESOLVED, 'False', 'RecognisedAnchorNotFound', `${missing.join('; ')} not found; create it or fix the reference. Until then its credentials are not accepted.`);
    } else if (pending.length) {
      conditions.set(RECOGNISED_ANCHORS_RESOLVED, 'Unknown', 'RecognisedAnchorPending', `${pending.join('; ')}.`);
    } else {
      conditions.set(RECOGNISED_ANCHORS_RESOLVED, 'True', 'RecognisedAnchorsResolved', entries.length ? `Recognising ${entries.map((e) => e.name).join(', ')}.` : 'The anchor recognises no other anchors.');
    }
    return { entries, statuses };
  }

  /** Fills the freshness of recognised anchors from the issuer's own report. */
  private async askIssuer(endpoint: string, tokenSecret: KubeObject, status: TrustAnchorStatus, conditions: ConditionSet, signal?: AbortSignal): Promise<void> {
    const token = Buffer.from((tokenSecret.data as Record<string, string>)[API_TOKEN_KEY] ?? '', 'base64').toString();
    try {
      const report = await this.deps.issuer.status(endpoint, token, signal);
      status.recognisedAnchors = (status.recognisedAnchors ?? []).map((entry) => {
        const seen = report.recognised.find((r) => r.name === entry.name);
        if (!seen) return entry;
        return {
          name: entry.name,
          did: seen.did,
          state: seen.state,
          ...(seen.lastRefreshTime ? { lastRefreshTime: seen.lastRefreshTime } : {}),
          ...(seen.validUntil ? { validUntil: seen.validUntil } : {}),
        };
      });
      if (report.trustListValidUntil) status.trustListValidUntil = report.trustListValidUntil;
      conditions.set(ISSUER_REPORTING, 'True', 'IssuerReporting', `The issuer at ${endpoint} reports its state.`);
    } catch (err) {
      conditions.set(ISSUER_REPORTING, 'False', 'IssuerUnavailable', `${errorMessage(err)}; recognised anchors stay Pending until it answers.`);
    }
  }
}

function pinned(did: string, key: { kid: string; kty: 'OKP' | 'EC'; crv: 'Ed25519' | 'P-256' | 'secp256k1'; x: string; y?: string }): PinnedJwk {
  return { ...key, kid: key.kid.startsWith('did:') ? key.kid : `${did}#${key.kid.replace(/^#/, '')}` };
}

/** An external anchor's trust list, by default beside its DID document: https://<host>[/<path>]/trust-list. */
function externalTrustListURL(did: string): string {
  const [host = '', ...path] = did.slice('did:web:'.length).split(':');
  return `https://${decodeURIComponent(host)}${path.map((p) => `/${decodeURIComponent(p)}`).join('')}/trust-list`;
}
