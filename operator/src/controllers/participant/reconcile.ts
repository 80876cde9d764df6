import { buildEmployeeCredential, buildRelationshipCredential, generateKeyPair, issueCredentialJwt, type KeyPair, type KeyResolver } from '@musubi/core/trust';
import { validateIdentifier } from '@musubi/core/identifiers';
import { TRUST_LIST_CONFIG_FILE, TrustListConfig, parseServiceConfig, type IssueCredentialRequest, type TrustedAnchor } from '@musubi/core/service-config';
import { CREDENTIALS_V2_CONTEXT, MUSUBI_CREDENTIALS_CONTEXT } from '@musubi/core/trust';
import { API_VERSION, ParticipantSpec, type Connector, type Participant, type ParticipantStatus, type TrustAnchor } from '../../api/v1alpha1/index.js';
import {
  ignoreNotFound, isNotFound, keyOf, ownerLabels, reconcileFinalizer, refOf,
  type ReadonlyStore, type ReconcileContext, type ReconcileResult, type ResourceType,
} from '../../runtime/index.js';
import { ChildCache, ChildRejectedError, applyOwned, ensureCreated, pruneOwned } from '../shared/children.js';
import { ConditionSet, writeStatus } from '../shared/conditions.js';
import { currentObject, errorMessage, parseSpec, requeueIn, type ReconcilerContext, type Stored } from '../shared/context.js';
import { deploymentAvailability } from '../shared/deployment.js';
import { parseDuration } from '../shared/duration.js';
import { IssuerRefusedError, IssuerUnavailableError, type IssuerClient } from '../shared/issuer-client.js';
import {
  CONFIG_MAP, DEPLOYMENT, LIMIT_RANGE, NAMESPACE, NETWORK_POLICY, RESOURCE_QUOTA, ROLE_BINDING, SECRET, SERVICE,
} from '../shared/kinds.js';
import { OWNER_KIND_LABEL, OWNER_NAME_LABEL, OWNER_NAMESPACE_LABEL, type OwnerIdentity } from '../shared/labels.js';
import { StoredKeyError, keyPairFromSecret, publicKeyFromSecret } from '../trustanchor/keys.js';
import { API_TOKEN_KEY, apiTokenSecretName, issuerEndpoint, trustListConfigMapName } from '../trustanchor/names.js';
import {
  anchorCredentialFile, anchorKeys, decodeSecretData, grantedCredentialFile, memberCredentialFile, relationshipCredentialFile, renewalTime, resolverFor, verifyHeld,
  type HeldCredential,
} from './credentials.js';
import { connectorEventKeys } from './connector-keys.js';
import { isManagedTenant, memberDid, participantDid, walletEndpoint, walletName, workloadNamespaceOf } from './identity.js';
import { credentialsSecretName, renderTenant, renderWallet, renderWalletKeySecret, walletKeySecretName } from './render.js';

// Participant → a company in the dataspace: its managed tenant (when asked for), its wallet, and its
// credentials — the legal-person and membership credentials its TrustAnchor issues after checking its
// identifiers, its employees' credentials chained to the legal-person one, and the relationship
// credentials it grants — renewed before they expire and revoked when the Participant is deleted.
// Status only ever reports credentials the operator holds and has verified.

export const PARTICIPANT_FINALIZER = 'musubi.dev/participant-cleanup';
export const TENANT_READY = 'TenantReady';
export const CREDENTIALS_ISSUED = 'CredentialsIssued';
export const WALLET_AVAILABLE = 'WalletAvailable';

/** How soon an unreachable issuer is asked again. */
export const ISSUER_RETRY_MS = 30_000;
/** How soon a refused request is tried again (the registry may have been corrected meanwhile). */
export const REFUSED_RETRY_MS = 5 * 60_000;
/** How long deletion waits for an unreachable issuer to revoke credentials before giving up. */
export const REVOCATION_GRACE_MS = 10 * 60_000;
const EMPLOYEE_VALIDITY_MS = 365 * 86_400_000;

const ANCHOR_ISSUED = new Set(['LegalPersonCredential', 'DataspaceMembershipCredential']);

export const PARTICIPANT_CHILD_TYPES: readonly ResourceType[] = [
  NAMESPACE, RESOURCE_QUOTA, LIMIT_RANGE, NETWORK_POLICY, ROLE_BINDING, CONFIG_MAP, SECRET, DEPLOYMENT, SERVICE,
];

export interface ParticipantReconcilerDeps extends ReconcilerContext {
  participants: ReadonlyStore<Stored<Participant>>;
  anchors: ReadonlyStore<Stored<TrustAnchor>>;
  children: ChildCache;
  issuer: IssuerClient;
  /** Keys of the participants that grant `key` a relationship. */
  grantorsOf(key: string): string[];
  /** Keys of the Connectors whose participantRef names the participant `key` (their STS clients). */
  connectorsOf(key: string): string[];
  /** The Connectors, for the event-signing keys their status publishes. */
  connectors: ReadonlyStore<Stored<Connector>>;
}

interface AnchorAccess {
  ref: string;
  endpoint: string;
  token: string;
  trusted: TrustedAnchor;
  spec: Stored<TrustAnchor>['spec'];
}

type Problem = { reason: string; message: string; retryMs?: number };

export class ParticipantReconciler {
  constructor(private readonly deps: ParticipantReconcilerDeps) {}

  async reconcile(key: string, ctx?: Pick<ReconcileContext, 'signal'>): Promise<ReconcileResult | void> {
    const cached = await this.current(this.deps.participants.get(key), PARTICIPANT_FINALIZER);
    if (!cached) return;
    const outcome = await reconcileFinalizer(this.deps.client, structuredClone(cached), PARTICIPANT_FINALIZER, () => this.cleanup(cached, ctx?.signal));
    if (outcome.deleting) return;
    const participant = outcome.object;
    const { name, namespace = 'default', generation } = participant.metadata;
    const now = this.deps.now();
    const conditions = new ConditionSet(participant.status?.conditions, generation, now);
    const status: ParticipantStatus = { observedGeneration: generation };
    const managed = isManagedTenant(participant);
    const required = managed ? [TENANT_READY, CREDENTIALS_ISSUED, WALLET_AVAILABLE] : [CREDENTIALS_ISSUED, WALLET_AVAILABLE];
    const finish = async (result?: ReconcileResult) => {
      await writeStatus(this.deps.client, participant, { ...status, conditions: conditions.withReady(required) });
      return result;
    };

    const parsed = parseSpec(ParticipantSpec, participant);
    if (!parsed.ok) {
      conditions.set(CREDENTIALS_ISSUED, 'Unknown', 'InvalidSpec', parsed.message);
      return finish();
    }
    const spec = parsed.spec;
    let did: string;
    try {
      did = participantDid(participant, this.deps.config.clusterDomain);
    } catch (err) {
      conditions.set(CREDENTIALS_ISSUED, 'False', 'InvalidWalletURL', `spec.wallet.publicURL: ${errorMessage(err)}; the participant's DID is did:web of an https URL.`);
      return finish();
    }
    const workloadNamespace = workloadNamespaceOf(participant);
    const owner: OwnerIdentity = { apiVersion: API_VERSION, kind: 'Participant', name, namespace, uid: participant.metadata.uid ?? '' };
    Object.assign(status, { did, walletEndpoint: walletEndpoint(participant, this.deps.config.clusterDomain) });

    try {
      if (managed) {
        const conflict = await this.tenantConflict(participant, workloadNamespace);
        if (conflict) {
          conditions.set(TENANT_READY, 'False', 'TenantNamespaceConflict', conflict);
          return finish();
        }
        const tenant = await applyOwned(this.deps.client, participant, renderTenant(owner, spec, workloadNamespace), this.deps.children);
        await pruneOwned(this.deps.client, this.deps.children, participant, [ROLE_BINDING], tenant);
        conditions.set(TENANT_READY, 'True', 'TenantReady', `Namespace ${workloadNamespace} is set up with its quota, limits and network isolation.`);
      }
      status.tenantNamespace = workloadNamespace;

      const walletKey = await this.walletKey(participant, owner, workloadNamespace);
      const anchor = this.anchorAccess(participant, spec, conditions);
      if (!anchor) {
        conditions.set(WALLET_AVAILABLE, 'Unknown', 'TrustAnchorPending', 'The wallet is configured once the trust anchor has published its keys.');
        status.credentials = participant.status?.credentials;
        return finish();
      }
      const credentials = await this.credentials(participant, spec, did, walletKey, anchor, now, ctx?.signal);
      const held = Object.values(credentials.held).sort((a, b) => (a.file < b.file ? -1 : 1));
      status.credentials = held.map((c) => ({
        id: c.id, type: c.type, issuer: c.issuer, ...(c.subject !== did ? { holder: c.subject } : {}), expiresAt: c.validUntil.toISOString(), state: 'Active' as const,
      }));
      const problem = credentials.problems[0];
      if (problem) {
        const others = credentials.problems.slice(1).map((p) => p.message);
        conditions.set(CREDENTIALS_ISSUED, 'False', problem.reason, [problem.message, ...others].join(' '));
      } else {
        conditions.set(CREDENTIALS_ISSUED, 'True', 'CredentialsIssued', `Holding ${held.length} verified credential(s); the next renewal is due ${new Date(credentials.nextRenewal).toISOString()}.`);
      }

      const connectorKeys = this.deps.connectorsOf(keyOf(namespace, name));
      const eventKeys = connectorEventKeys(connectorKeys.flatMap((key) => this.deps.connectors.get(key) ?? []));
      const wallet = await applyOwned(this.deps.client, participant, renderWallet({
        owner, spec, namespace: workloadNamespace, did,
        anchor: { ...anchor.trusted, issuerURL: anchor.endpoint },
        credentials: Object.fromEntries(held.map((c) => [c.file, c.jwt])),
        image: this.deps.config.images.wallet, imagePullPolicy: this.deps.config.images.pullPolicy,
        connectors: connectorKeys.map((key) => key.slice(key.indexOf('/') + 1)),
        connectorEventKeys: eventKeys.keys,
      }), this.deps.children);
      const availability = deploymentAvailability(wallet.find((c) => c.kind === 'Deployment'), `Wallet Deployment ${workloadNamespace}/${walletName(name)}`);
      const unpublished = eventKeys.refused.length ? ` Event-signing keys not published in the DID document: ${eventKeys.refused.join('; ')}.` : '';
      conditions.set(WALLET_AVAILABLE, availability.status, availability.reason, `${availability.message}${unpublished}`);

      const retry = Math.min(...credentials.problems.map((p) => p.retryMs ?? Number.POSITIVE_INFINITY));
      const wait = Math.min(retry, credentials.nextRenewal - now.getTime());
      return finish(Number.isFinite(wait) ? requeueIn(wait) : undefined);
    } catch (err) {
      if (err instanceof ChildRejectedError) {
        conditions.set(managed && !status.tenantNamespace ? TENANT_READY : WALLET_AVAILABLE, 'False', 'ChildRejected', err.message);
        return finish();
      }
      if (err instanceof StoredKeyError) {
        conditions.set(CREDENTIALS_ISSUED, 'False', 'WalletKeyInvalid', `${err.message}. The operator does not replace a damaged key; restore the Secret from a backup, or delete it to start over with a new key (and new credentials).`);
        return finish();
      }
      throw err;
    }
  }

  private current(cached: Stored<Participant> | undefined, finalizer: string): Promise<Stored<Participant> | undefined> {
    return currentObject(this.deps.client, cached, finalizer);
  }

  /** Why the tenant namespace cannot be used, when it exists and belongs to someone else. */
  private async tenantConflict(participant: Stored<Participant>, namespace: string): Promise<string | undefined> {
    const existing = this.deps.children.get(NAMESPACE, undefined, namespace) ?? (await ignoreNotFound(this.deps.client.get({ ...NAMESPACE, name: namespace })));
    if (!existing) return undefined;
    const labels = existing.metadata.labels ?? {};
    const ours = labels[OWNER_KIND_LABEL] === 'Participant' && labels[OWNER_NAME_LABEL] === participant.metadata.name && labels[OWNER_NAMESPACE_LABEL] === participant.metadata.namespace;
    if (ours) return undefined;
    const holder = labels[OWNER_KIND_LABEL] ? ` (it belongs to ${labels[OWNER_KIND_LABEL]} ${labels[OWNER_NAMESPACE_LABEL]}/${labels[OWNER_NAME_LABEL]})` : '';
    return `Namespace ${namespace} already exists and was not created for this Participant${holder}; the operator does not take over namespaces. Choose another spec.tenant.namespace for a new Participant.`;
  }

  private async walletKey(participant: Stored<Participant>, owner: OwnerIdentity, namespace: string): Promise<KeyPair> {
    const name = walletKeySecretName(owner.name);
    const { object, created } = await ensureCreated(this.deps.client, participant, { ...SECRET, namespace, name }, this.deps.children.get(SECRET, namespace, name), async () => {
      const key = await generateKeyPair({ algorithm: 'Ed25519' });
      return renderWalletKeySecret(owner, namespace, key.exportPrivateJwk(), key.publicJwk, key.thumbprint);
    });
    const key = await keyPairFromSecret(object);
    if (created) await this.deps.events.record(participant, 'Normal', 'KeyCreated', 'CreateKey', `Generated the wallet key ${key.thumbprint} in Secret ${namespace}/${name}.`);
    return key;
  }

  /** The participant's TrustAnchor as far as credentials need it; sets CredentialsIssued when it is not usable. */
  private anchorAccess(participant: Stored<Participant>, spec: ParticipantSpec, conditions: ConditionSet): AnchorAccess | undefined {
    const anchorNamespace = spec.trustAnchorRef.namespace ?? participant.metadata.namespace ?? 'default';
    const ref = `${anchorNamespace}/${spec.trustAnchorRef.name}`;
    const anchor = this.deps.anchors.getByName(anchorNamespace, spec.trustAnchorRef.name);
    if (!anchor) {
      conditions.set(CREDENTIALS_ISSUED, 'False', 'TrustAnchorNotFound', `TrustAnchor ${ref} (spec.trustAnchorRef) does not exist; create it or fix the reference.`);
      return undefined;
    }
    const trustListMap = this.deps.children.get(CONFIG_MAP, anchorNamespace, trustListConfigMapName(anchor.metadata.name));
    const tokenSecret = this.deps.children.get(SECRET, anchorNamespace, apiTokenSecretName(anchor.metadata.name));
    const text = (trustListMap?.data as Record<string, string> | undefined)?.[TRUST_LIST_CONFIG_FILE];
    const token = (tokenSecret?.data as Record<string, string> | undefined)?.[API_TOKEN_KEY];
    if (!text || !token) {
      conditions.set(CREDENTIALS_ISSUED, 'Unknown', 'TrustAnchorNotReady', `TrustAnchor ${ref} has not set up its issuer yet (signing key and API token).`);
      return undefined;
    }
    const trustList = parseServiceConfig(TrustListConfig, text, `ConfigMap ${anchorNamespace}/${trustListMap!.metadata.name}`);
    return {
      ref,
      endpoint: issuerEndpoint(anchor.metadata.name, anchorNamespace, this.deps.config.clusterDomain),
      token: Buffer.from(token, 'base64').toString(),
      trusted: { ...(trustList.anchor.name ? { name: trustList.anchor.name } : {}), did: trustList.anchor.did, jurisdiction: trustList.anchor.jurisdiction, keys: trustList.anchor.keys, trustListURL: trustList.anchor.trustListURL },
      spec: anchor.spec,
    };
  }

  private async credentials(
    participant: Stored<Participant>, spec: ParticipantSpec, did: string, walletKey: KeyPair, anchor: AnchorAccess, now: Date, signal?: AbortSignal,
  ): Promise<{ held: Record<string, HeldCredential>; problems: Problem[]; nextRenewal: number }> {
    const workloadNamespace = workloadNamespaceOf(participant);
    const secretName = credentialsSecretName(participant.metadata.name);
    let stored = decodeSecretData(this.deps.children.get(SECRET, workloadNamespace, secretName));
    // The cache may not have seen the Secret this controller wrote a moment ago (watches of different
    // kinds are not ordered); before issuing anything, read it once from the API server, so a
    // credential is never requested twice.
    let readLive = false;
    const freshStored = async (): Promise<Record<string, string>> => {
      if (!readLive) {
        stored = decodeSecretData(await ignoreNotFound(this.deps.client.get({ ...SECRET, namespace: workloadNamespace, name: secretName })));
        readLive = true;
      }
      return stored;
    };
    const renewBefore = parseDuration(spec.credentialRenewBefore, 'spec.credentialRenewBefore');
    const anchorResolver = await resolverFor(anchor.trusted.did, anchorKeys(anchor.trusted.did, anchor.trusted.keys));
    const signer = walletKey.forDid(did);
    const walletResolver = await resolverFor(did, [{ ...walletKey.publicJwk, kid: signer.kid }]);
    const held: Record<string, HeldCredential> = {};
    const problems: Problem[] = [];
    const due = (c: HeldCredential) => now.getTime() >= renewalTime(c, renewBefore);

    // Anchor-issued credentials, after checking locally what the anchor will check against its registry.
    const identifierProblems = this.identifierProblems(spec, anchor);
    problems.push(...identifierProblems);
    for (const type of spec.requestedCredentials) {
      if (!ANCHOR_ISSUED.has(type)) {
        problems.push({ reason: 'CredentialTypeNotIssued', message: `spec.requestedCredentials: ${type} is not issued by a trust anchor (employee and relationship credentials come from spec.members and spec.relationships); remove it.` });
        continue;
      }
      if (!anchor.spec.credentials.some((c) => c.type === type)) {
        problems.push({ reason: 'CredentialTypeNotIssued', message: `TrustAnchor ${anchor.ref} does not issue ${type} (its spec.credentials); remove it from spec.requestedCredentials or use another anchor.` });
        continue;
      }
      const file = anchorCredentialFile(type);
      const expected = { type, subject: did, issuer: anchor.trusted.did, keys: anchorResolver, now };
      let existing = stored[file] ? await verifyHeld(file, stored[file], expected) : undefined;
      if (!existing || due(existing)) {
        const live = (await freshStored())[file];
        existing = live ? await verifyHeld(file, live, expected) : undefined;
      }
      if (existing) held[file] = existing;
      if (existing && !due(existing)) continue;
      if (identifierProblems.length) continue; // asking would only be refused
      const request: IssueCredentialRequest = {
        credential: {
          '@context': [CREDENTIALS_V2_CONTEXT, MUSUBI_CREDENTIALS_CONTEXT],
          type: ['VerifiableCredential', type],
          credentialSubject: type === 'LegalPersonCredential'
            ? { id: did, legalName: spec.legalName, country: spec.country, identifiers: spec.identifiers.map((i) => ({ scheme: i.scheme, value: normalized(i.scheme, i.value) })) }
            : { id: did },
        },
        options: { format: 'vc+jwt', requestedBy: `${participant.metadata.namespace}/${participant.metadata.name}` },
      };
      try {
        const jwt = await this.deps.issuer.requestCredential(anchor.endpoint, anchor.token, request, signal);
        let reason = '';
        const issued = await verifyHeld(file, jwt, { type, subject: did, issuer: anchor.trusted.did, keys: anchorResolver, now }, (why) => (reason = why));
        if (!issued) {
          problems.push({ reason: 'CredentialRejected', message: `The ${type} from TrustAnchor ${anchor.ref} did not verify against its published key (${reason}); it was not stored.`, retryMs: REFUSED_RETRY_MS });
          continue;
        }
        held[file] = issued;
        await this.deps.events.record(participant, 'Normal', existing ? 'CredentialRenewed' : 'CredentialIssued', 'Issue',
          `${type} ${issued.id} issued by ${issued.issuer}, valid until ${issued.validUntil.toISOString()}.`);
      } catch (err) {
        if (err instanceof IssuerUnavailableError) {
          problems.push({ reason: 'IssuerUnavailable', message: `The issuer of TrustAnchor ${anchor.ref} at ${anchor.endpoint} did not answer (${err.message.replace(/^.*unavailable: /, '')}); the ${type} is requested again in ${ISSUER_RETRY_MS / 1000} s.`, retryMs: ISSUER_RETRY_MS });
        } else if (err instanceof IssuerRefusedError) {
          problems.push({ reason: 'CredentialRefused', message: `TrustAnchor ${anchor.ref} refused the ${type}: ${err.message.replace(/^.*refused the request /, '')}. Check spec.legalName and spec.identifiers against the registry.`, retryMs: REFUSED_RETRY_MS });
        } else {
          throw err;
        }
      }
    }

    // Employees: chained to the legal-person credential, signed with the company's wallet key.
    const legalPerson = held[anchorCredentialFile('LegalPersonCredential')];
    for (const [i, member] of (spec.members ?? []).entries()) {
      const badRole = member.roles.findIndex((r) => !/^[a-z][a-z0-9-]{0,62}$/.test(r));
      if (badRole >= 0) {
        problems.push({ reason: 'MemberRoleInvalid', message: `spec.members[${i}].roles[${badRole}] "${member.roles[badRole]}": credentials carry lower-case role names (a-z, 0-9, "-"); write it in lower case.` });
        continue;
      }
      if (!legalPerson) continue; // reported by the anchor-issued part
      const file = memberCredentialFile(member.id);
      const subject = memberDid(did, member.id);
      const roles = [...member.roles].sort();
      const expected = { type: 'EmployeeCredential', subject, issuer: did, keys: walletResolver, now };
      const current = (c: HeldCredential | undefined): c is HeldCredential =>
        !!c && !due(c) && c.claims.employerCredential === legalPerson.id && sameList(c.claims.roles, roles) && c.claims.displayName === member.displayName;
      let existing = stored[file] ? await verifyHeld(file, stored[file], expected) : undefined;
      if (!current(existing) && (await freshStored())[file]) existing = await verifyHeld(file, stored[file]!, expected);
      if (current(existing)) {
        held[file] = existing;
        continue;
      }
      const validUntil = new Date(Math.min(legalPerson.validUntil.getTime(), now.getTime() + EMPLOYEE_VALIDITY_MS));
      const credential = buildEmployeeCredential({
        issuer: did, validFrom: now, validUntil,
        subject: { id: subject, employerCredential: legalPerson.id, roles, ...(member.displayName ? { displayName: member.displayName } : {}) },
      });
      held[file] = { file, jwt: await issueCredentialJwt(credential, signer), id: credential.id!, type: 'EmployeeCredential', issuer: did, subject, validFrom: now, validUntil, claims: credential.credentialSubject };
      await this.deps.events.record(participant, 'Normal', existing ? 'CredentialRenewed' : 'CredentialIssued', 'Issue', `EmployeeCredential for member ${member.id} (${subject}), valid until ${validUntil.toISOString()}.`);
    }

    // Relationships this participant grants: signed with its wallet key, held for the grantee. Like
    // employees' credentials, only once the company itself is verified.
    for (const [i, relationship] of (legalPerson ? spec.relationships ?? [] : []).entries()) {
      let subject = relationship.did;
      if (relationship.participantRef) {
        const ns = relationship.participantRef.namespace ?? participant.metadata.namespace;
        const other = this.deps.participants.getByName(ns, relationship.participantRef.name);
        if (!other) {
          problems.push({ reason: 'RelationshipSubjectNotFound', message: `Participant ${ns}/${relationship.participantRef.name} (spec.relationships[${i}].participantRef) does not exist; create it or fix the reference.` });
          continue;
        }
        try {
          subject = participantDid(other, this.deps.config.clusterDomain);
        } catch (err) {
          problems.push({ reason: 'RelationshipSubjectNotFound', message: `Participant ${ns}/${relationship.participantRef.name} has no valid DID: ${errorMessage(err)}.` });
          continue;
        }
      }
      if (!subject) continue;
      const file = relationshipCredentialFile(relationship.type, subject);
      const expected = { type: 'RelationshipCredential', subject, issuer: did, keys: walletResolver, now };
      const current = (c: HeldCredential | undefined): c is HeldCredential => !!c && !due(c) && (c.claims.relationship as { type?: string } | undefined)?.type === relationship.type;
      let existing = stored[file] ? await verifyHeld(file, stored[file], expected) : undefined;
      if (!current(existing) && (await freshStored())[file]) existing = await verifyHeld(file, stored[file]!, expected);
      if (current(existing)) {
        held[file] = existing;
        continue;
      }
      const validUntil = new Date(now.getTime() + parseDuration(relationship.validity, `spec.relationships[${i}].validity`));
      const credential = buildRelationshipCredential({ issuer: did, validFrom: now, validUntil, type: relationship.type, subject });
      held[file] = { file, jwt: await issueCredentialJwt(credential, signer), id: credential.id!, type: 'RelationshipCredential', issuer: did, subject, validFrom: now, validUntil, claims: credential.credentialSubject };
      await this.deps.events.record(participant, 'Normal', existing ? 'CredentialRenewed' : 'CredentialIssued', 'Issue', `RelationshipCredential: ${subject} is ${relationship.type} ${did}; valid until ${validUntil.toISOString()}.`);
    }

    // Renewal is due for what this participant obtains or signs; what others granted it, they renew.
    const renewals = Object.values(held).map((c) => renewalTime(c, renewBefore));
    Object.assign(held, await this.grantedToMe(participant, did, now));
    return { held, problems, nextRenewal: renewals.length ? Math.min(...renewals) : Number.POSITIVE_INFINITY };
  }

  /**
   * Relationship credentials other participants of the cluster granted this one, copied from their
   * credentials Secrets into its own so its wallet can present them. Each is verified against the
   * grantor's wallet key first; one the grantor has not signed yet arrives when it does.
   */
  private async grantedToMe(participant: Stored<Participant>, did: string, now: Date): Promise<Record<string, HeldCredential>> {
    const granted: Record<string, HeldCredential> = {};
    const me = keyOf(participant.metadata.namespace, participant.metadata.name);
    for (const grantorKey of this.deps.grantorsOf(me)) {
      const grantor = this.deps.participants.get(grantorKey);
      if (!grantor) continue;
      const namespace = workloadNamespaceOf(grantor);
      const keySecret = this.deps.children.get(SECRET, namespace, walletKeySecretName(grantor.metadata.name));
      const theirs = decodeSecretData(this.deps.children.get(SECRET, namespace, credentialsSecretName(grantor.metadata.name)));
      if (!keySecret) continue;
      let grantorDid: string;
      let keys: KeyResolver;
      try {
        grantorDid = participantDid(grantor, this.deps.config.clusterDomain);
        keys = await resolverFor(grantorDid, [publicKeyFromSecret(keySecret, grantorDid)]);
      } catch {
        continue; // the grantor reports its own problem
      }
      const types = new Set((grantor.spec.relationships ?? [])
        .filter((r) => r.participantRef && keyOf(r.participantRef.namespace ?? grantor.metadata.namespace, r.participantRef.name) === me)
        .map((r) => r.type));
      for (const type of types) {
        const jwt = theirs[relationshipCredentialFile(type, did)];
        if (!jwt) continue;
        const file = grantedCredentialFile(grantorKey, type);
        const verified = await verifyHeld(file, jwt, { type: 'RelationshipCredential', subject: did, issuer: grantorDid, keys, now });
        if (verified) granted[file] = verified;
      }
    }
    return granted;
  }

  /** Identifiers checked before asking: check digits, and that the anchor verifies the scheme at all. */
  private identifierProblems(spec: ParticipantSpec, anchor: AnchorAccess): Problem[] {
    const problems: Problem[] = [];
    spec.identifiers.forEach((identifier, i) => {
      const check = validateIdentifier(identifier.scheme, identifier.value);
      if (!check.valid) {
        problems.push({ reason: 'IdentifierInvalid', message: `spec.identifiers[${i}].value: ${check.message}.` });
      } else if (!anchor.spec.identifierSchemes.includes(identifier.scheme)) {
        problems.push({ reason: 'IdentifierSchemeNotVerified', message: `spec.identifiers[${i}].scheme: TrustAnchor ${anchor.ref} does not verify ${identifier.scheme} (it verifies ${anchor.spec.identifierSchemes.join(', ')}); choose an anchor that does.` });
      }
    });
    return problems;
  }

  /**
   * Deletion: revoke what the anchor issued (as long as its issuer can be reached, up to a grace
   * period), then remove what owner references cannot: the tenant namespace and children in it.
   */
  private async cleanup(participant: Stored<Participant>, signal?: AbortSignal): Promise<void> {
    await this.revokeAll(participant, signal);
    for (const type of PARTICIPANT_CHILD_TYPES) {
      const { items } = await this.deps.client.list(type, { labelSelector: { matchLabels: ownerLabels(participant) } });
      for (const child of items) {
        if (child.metadata.namespace === participant.metadata.namespace) continue; // garbage collected through owner references
        try {
          await this.deps.client.delete(refOf(child));
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
    }
  }

  private async revokeAll(participant: Stored<Participant>, signal?: AbortSignal): Promise<void> {
    const spec = participant.spec;
    const anchorNamespace = spec.trustAnchorRef.namespace ?? participant.metadata.namespace ?? 'default';
    const toRevoke = (participant.status?.credentials ?? []).filter((c) => ANCHOR_ISSUED.has(c.type) && c.state === 'Active');
    if (toRevoke.length === 0) return;
    const tokenSecret = this.deps.children.get(SECRET, anchorNamespace, apiTokenSecretName(spec.trustAnchorRef.name));
    const token = (tokenSecret?.data as Record<string, string> | undefined)?.[API_TOKEN_KEY];
    if (!this.deps.anchors.getByName(anchorNamespace, spec.trustAnchorRef.name) || !token) {
      await this.deps.events.record(participant, 'Warning', 'CredentialsNotRevoked', 'Revoke',
        `TrustAnchor ${anchorNamespace}/${spec.trustAnchorRef.name} is gone; ${toRevoke.map((c) => c.id).join(', ')} could not be revoked and stay valid until they expire.`);
      return;
    }
    const endpoint = issuerEndpoint(spec.trustAnchorRef.name, anchorNamespace, this.deps.config.clusterDomain);
    for (const credential of toRevoke) {
      try {
        await this.deps.issuer.revoke(endpoint, Buffer.from(token, 'base64').toString(), credential.id, signal);
        await this.deps.events.record(participant, 'Normal', 'CredentialRevoked', 'Revoke', `${credential.type} ${credential.id} revoked at ${endpoint}.`);
      } catch (err) {
        const deletedAt = Date.parse(participant.metadata.deletionTimestamp ?? '') || this.deps.now().getTime();
        if (this.deps.now().getTime() - deletedAt < REVOCATION_GRACE_MS) throw err;
        await this.deps.events.record(participant, 'Warning', 'CredentialsNotRevoked', 'Revoke',
          `${credential.type} ${credential.id} could not be revoked within ${REVOCATION_GRACE_MS / 60_000} minutes (${errorMessage(err)}); it stays valid until ${credential.expiresAt}.`);
      }
    }
  }
}

function sameList(value: unknown, list: string[]): boolean {
  return Array.isArray(value) && value.length === list.length && [...value].sort().every((v, i) => v === list[i]);
}

function normalized(scheme: string, value: string): string {
  const check = validateIdentifier(scheme, value);
  return check.valid ? check.normalized : value;
}
