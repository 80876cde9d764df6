import type { Connector, Participant, TrustAnchor } from '../../api/v1alpha1/index.js';
import { generationChanged, keyOf, mapToOwner, mapToSelf, type KubeObject, type Manager, type WatchEventKind } from '../../runtime/index.js';
import { ChildCache, MANAGED_SELECTOR } from '../shared/children.js';
import type { ReconcilerContext, Stored } from '../shared/context.js';
import type { IssuerClient } from '../shared/issuer-client.js';
import { CONNECTOR, PARTICIPANT, TRUST_ANCHOR } from '../shared/kinds.js';
import { participantKeyOf } from '../connector/references.js';
import { OWNER_KIND_LABEL, OWNER_NAME_LABEL, OWNER_NAMESPACE_LABEL } from '../shared/labels.js';
import { ReferenceIndex } from '../shared/reference-index.js';
import { PARTICIPANT_CHILD_TYPES, ParticipantReconciler } from './reconcile.js';

export function anchorKeyOf(participant: KubeObject): string[] {
  const ref = (participant as Stored<Participant>).spec?.trustAnchorRef;
  return ref?.name ? [keyOf(ref.namespace ?? participant.metadata.namespace, ref.name)] : [];
}

/** A Connector's spec changed, or the event-signing key its status publishes (the wallet lists it in the DID document). */
export function connectorChanged(event: WatchEventKind, obj: KubeObject, oldObj?: KubeObject): boolean {
  const signingKey = (connector?: KubeObject) => JSON.stringify((connector as Stored<Connector> | undefined)?.status?.eventSigningKey ?? null);
  return generationChanged(event, obj, oldObj) || signingKey(obj) !== signingKey(oldObj);
}

export function relationshipKeysOf(participant: KubeObject): string[] {
  const relationships = (participant as Stored<Participant>).spec?.relationships ?? [];
  return relationships.flatMap((r) => (r.participantRef ? [keyOf(r.participantRef.namespace ?? participant.metadata.namespace, r.participantRef.name)] : []));
}

/**
 * Registers the Participant controller: participants and their children, their trust anchors (and the
 * keys and tokens those publish), the participants they grant relationships to (whose DIDs the
 * relationship credentials name), and their connectors (the clients of their wallet's STS).
 */
export function setupParticipantController(manager: Manager, context: ReconcilerContext & { issuer: IssuerClient }, options: { workers?: number } = {}) {
  const participants = manager.informer<Stored<Participant>>(PARTICIPANT);
  const anchors = manager.informer<Stored<TrustAnchor>>(TRUST_ANCHOR);
  const connectors = manager.informer<Stored<Connector>>(CONNECTOR);
  const children = new ChildCache();
  const childInformers = PARTICIPANT_CHILD_TYPES.map((type) => {
    const informer = manager.informer(type, { labelSelector: MANAGED_SELECTOR });
    children.add(type, informer.store);
    return informer;
  });
  const byAnchor = new ReferenceIndex(participants, anchorKeyOf);
  const grantors = new ReferenceIndex(participants, relationshipKeysOf);
  // The participant's connectors are its wallet's STS clients.
  const connectorsByParticipant = new ReferenceIndex(connectors, participantKeyOf);
  const toOwner = mapToOwner(PARTICIPANT);
  // An anchor's trust list and API token are what credentials are requested with.
  const childToParticipants = (child: KubeObject): string[] => {
    const labels = child.metadata.labels ?? {};
    const owner = keyOf(labels[OWNER_NAMESPACE_LABEL] ?? child.metadata.namespace, labels[OWNER_NAME_LABEL] ?? '');
    if (labels[OWNER_KIND_LABEL] === 'TrustAnchor') return byAnchor.referrers(owner);
    // A participant's credentials are what the participants it grants relationships to copy.
    const grantor = child.kind === 'Secret' && labels[OWNER_KIND_LABEL] === 'Participant' ? participants.store.get(owner) : undefined;
    return [...toOwner(child), ...(grantor ? relationshipKeysOf(grantor) : [])];
  };
  const reconciler = new ParticipantReconciler({
    ...context, participants: participants.store, anchors: anchors.store, children, grantorsOf: (key) => grantors.referrers(key), connectorsOf: (key) => connectorsByParticipant.referrers(key), connectors: connectors.store,
  });
  return manager.addController({
    name: 'participant',
    workers: options.workers,
    reconcile: (key, ctx) => reconciler.reconcile(key, ctx),
    watches: [
      { informer: participants, mapToKeys: mapToSelf, predicate: generationChanged },
      { informer: participants, mapToKeys: (p: KubeObject) => grantors.referrers(keyOf(p.metadata.namespace, p.metadata.name ?? '')), predicate: generationChanged },
      { informer: anchors, mapToKeys: (a: KubeObject) => byAnchor.referrers(keyOf(a.metadata.namespace, a.metadata.name ?? '')), predicate: generationChanged },
      // A Connector created, deleted or pointed at another participant changes the wallet's STS clients;
      // its event-signing key appearing in its status changes the DID document.
      { informer: connectors, mapToKeys: participantKeyOf, predicate: connectorChanged },
      ...childInformers.map((informer) => ({ informer, mapToKeys: childToParticipants })),
    ],
  });
}
