import type { Connector, Participant, Policy, TrustAnchor } from '../../api/v1alpha1/index.js';
import { generationChanged, keyOf, mapToOwner, mapToSelf, type KubeObject, type Manager } from '../../runtime/index.js';
import { ChildCache, MANAGED_SELECTOR } from '../shared/children.js';
import type { ReconcilerContext, Stored } from '../shared/context.js';
import { CONNECTOR, PARTICIPANT, POLICY, TRUST_ANCHOR } from '../shared/kinds.js';
import { OWNER_KIND_LABEL, OWNER_NAME_LABEL, OWNER_NAMESPACE_LABEL } from '../shared/labels.js';
import { ReferenceIndex } from '../shared/reference-index.js';
import { CONNECTOR_CHILD_TYPES, ConnectorReconciler, type PlacementRenderer } from './reconcile.js';
import { participantKeyOf, policyKeysOf } from './references.js';

/** Until operator/src/placement provides a renderer, pods carry no placement constraints. */
export const noPlacement: PlacementRenderer = () => ({});

function anchorKeyOf(participant: KubeObject): string[] {
  const ref = (participant as Stored<Participant>).spec?.trustAnchorRef;
  return ref?.name ? [keyOf(ref.namespace ?? participant.metadata.namespace, ref.name)] : [];
}

/**
 * Registers the Connector controller. Besides its own children it watches what its configuration is
 * made of: Policies (and their compiled ConfigMaps), Participants (readiness, credentials) and the
 * trust anchors' published keys, each mapped to the connectors that refer to them.
 */
export function setupConnectorController(manager: Manager, context: ReconcilerContext, options: { workers?: number; placement?: PlacementRenderer } = {}) {
  const connectors = manager.informer<Stored<Connector>>(CONNECTOR);
  const participants = manager.informer<Stored<Participant>>(PARTICIPANT);
  const policies = manager.informer<Stored<Policy>>(POLICY);
  const anchors = manager.informer<Stored<TrustAnchor>>(TRUST_ANCHOR);
  const children = new ChildCache();
  const childInformers = CONNECTOR_CHILD_TYPES.map((type) => {
    const informer = manager.informer(type, { labelSelector: MANAGED_SELECTOR });
    children.add(type, informer.store);
    return informer;
  });
  const byPolicy = new ReferenceIndex(connectors, policyKeysOf);
  const byParticipant = new ReferenceIndex(connectors, participantKeyOf);
  const participantsByAnchor = new ReferenceIndex(participants, anchorKeyOf);
  const connectorsOfAnchor = (anchorKey: string) => participantsByAnchor.referrers(anchorKey).flatMap((p) => byParticipant.referrers(p));

  const reconciler = new ConnectorReconciler({
    ...context,
    connectors: connectors.store,
    participants: participants.store,
    policies: policies.store,
    anchors: anchors.store,
    children,
    placement: options.placement ?? noPlacement,
  });
  const toOwner = mapToOwner(CONNECTOR);
  // ConfigMaps of other owners matter too: a Policy's compiled document, an anchor's published keys.
  const configMapToConnectors = (configMap: KubeObject): string[] => {
    const labels = configMap.metadata.labels ?? {};
    const owner = keyOf(labels[OWNER_NAMESPACE_LABEL] ?? configMap.metadata.namespace, labels[OWNER_NAME_LABEL] ?? '');
    switch (labels[OWNER_KIND_LABEL]) {
      case 'Policy':
        return byPolicy.referrers(owner);
      case 'TrustAnchor':
        return connectorsOfAnchor(owner);
      default:
        return toOwner(configMap);
    }
  };
  return manager.addController({
    name: 'connector',
    workers: options.workers,
    reconcile: (key) => reconciler.reconcile(key),
    watches: [
      { informer: connectors, mapToKeys: mapToSelf, predicate: generationChanged },
      ...childInformers.map((informer) => ({ informer, mapToKeys: informer.type.kind === 'ConfigMap' ? configMapToConnectors : toOwner })),
      { informer: policies, mapToKeys: (p: KubeObject) => byPolicy.referrers(keyOf(p.metadata.namespace, p.metadata.name ?? '')) },
      { informer: participants, mapToKeys: (p: KubeObject) => byParticipant.referrers(keyOf(p.metadata.namespace, p.metadata.name ?? '')) },
      { informer: anchors, mapToKeys: (a: KubeObject) => connectorsOfAnchor(keyOf(a.metadata.namespace, a.metadata.name ?? '')) },
    ],
  });
}
