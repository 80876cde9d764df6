import type { Connector, Participant, Policy, TrustAnchor } from '../../api/v1alpha1/index.js';
import { generationChanged, keyOf, mapToOwner, mapToSelf, type KubeObject, type Manager, type WatchEventKind } from '../../runtime/index.js';
import { ChildCache, MANAGED_SELECTOR } from '../shared/children.js';
import type { ReconcilerContext, Stored } from '../shared/context.js';
import type { IssuerClient } from '../shared/issuer-client.js';
import { CONNECTOR, PARTICIPANT, POLICY, TRUST_ANCHOR } from '../shared/kinds.js';
import { OWNER_KIND_LABEL, OWNER_NAME_LABEL, OWNER_NAMESPACE_LABEL } from '../shared/labels.js';
import { ReferenceIndex } from '../shared/reference-index.js';
import { CONNECTOR_CHILD_TYPES, ConnectorReconciler, type PlacementRenderer } from './reconcile.js';
import { participantKeyOf, policyKeysOf } from './references.js';

const POD = { apiVersion: 'v1', kind: 'Pod' } as const;
const NODE = { apiVersion: 'v1', kind: 'Node' } as const;

interface PodShape {
  spec?: { nodeName?: string };
  status?: { phase?: string; conditions?: Array<{ type?: string; status?: string; reason?: string; message?: string }> };
}

// What of a pod PodsScheduled and status.placement read; kubelets and kwok rewrite the rest often.
function podFingerprint(pod: KubeObject): string {
  const p = pod as PodShape;
  const scheduled = p.status?.conditions?.find((c) => c.type === 'PodScheduled');
  const ready = p.status?.conditions?.find((c) => c.type === 'Ready');
  return JSON.stringify([p.spec?.nodeName, p.status?.phase, scheduled?.status, scheduled?.reason, scheduled?.message, ready?.status, Boolean(pod.metadata.deletionTimestamp)]);
}

/** Pod creations, deletions and changes of binding, scheduler verdict or readiness. */
export function podSchedulingChanged(event: WatchEventKind, pod: KubeObject, old?: KubeObject): boolean {
  return event !== 'update' || !old || podFingerprint(pod) !== podFingerprint(old);
}

/** Until operator/src/placement provides a renderer, pods carry no placement constraints. */
export const noPlacement: PlacementRenderer = () => ({});

function anchorKeyOf(participant: KubeObject): string[] {
  const ref = (participant as Stored<Participant>).spec?.trustAnchorRef;
  return ref?.name ? [keyOf(ref.namespace ?? participant.metadata.namespace, ref.name)] : [];
}

/**
 * Registers the Connector controller. Besides its own children it watches what its configuration is
 * made of: Policies (and their compiled ConfigMaps), Participants (readiness, credentials) and the
 * trust anchors' published keys, each mapped to the connectors that refer to them. The anchors' signed
 * trust lists come from their issuers through `options.issuer` (HTTP when not given).
 */
export function setupConnectorController(manager: Manager, context: ReconcilerContext, options: { workers?: number; placement?: PlacementRenderer; issuer?: IssuerClient } = {}) {
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
  // The connector pods (by the owner labels they inherit from the Deployment's template) and the nodes
  // they are bound to, for PodsScheduled and the racks in status.placement.
  const pods = manager.informer(POD, { labelSelector: MANAGED_SELECTOR });
  const nodes = manager.informer(NODE);
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
    pods: pods.store,
    nodes: nodes.store,
    ...(options.issuer ? { issuer: options.issuer } : {}),
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
      { informer: pods, mapToKeys: toOwner, predicate: podSchedulingChanged },
      { informer: policies, mapToKeys: (p: KubeObject) => byPolicy.referrers(keyOf(p.metadata.namespace, p.metadata.name ?? '')) },
      { informer: participants, mapToKeys: (p: KubeObject) => byParticipant.referrers(keyOf(p.metadata.namespace, p.metadata.name ?? '')) },
      { informer: anchors, mapToKeys: (a: KubeObject) => connectorsOfAnchor(keyOf(a.metadata.namespace, a.metadata.name ?? '')) },
    ],
  });
}
