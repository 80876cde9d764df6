import type { TrustAnchor } from '../../api/v1alpha1/index.js';
import { generationChanged, keyOf, mapToOwner, mapToSelf, type KubeObject, type Manager } from '../../runtime/index.js';
import { ChildCache, MANAGED_SELECTOR } from '../shared/children.js';
import type { ReconcilerContext, Stored } from '../shared/context.js';
import type { IssuerClient } from '../shared/issuer-client.js';
import { TRUST_ANCHOR } from '../shared/kinds.js';
import { ReferenceIndex } from '../shared/reference-index.js';
import { TRUST_ANCHOR_CHILD_TYPES, TrustAnchorReconciler } from './reconcile.js';

/** Keys of the in-cluster anchors `anchor` recognises. */
export function recognisedKeysOf(anchor: KubeObject): string[] {
  const recognises = (anchor as Stored<TrustAnchor>).spec?.recognises ?? [];
  return recognises.flatMap((r) => (r.anchorRef ? [keyOf(r.anchorRef.namespace ?? anchor.metadata.namespace, r.anchorRef.name)] : []));
}

/**
 * Registers the TrustAnchor controller: anchors and their children, plus the anchors they recognise
 * (a recognised anchor that appears, or whose key or URL changes, updates the trust lists naming it).
 */
export function setupTrustAnchorController(manager: Manager, context: ReconcilerContext & { issuer: IssuerClient }, options: { workers?: number } = {}) {
  const anchors = manager.informer<Stored<TrustAnchor>>(TRUST_ANCHOR);
  const children = new ChildCache();
  const childInformers = TRUST_ANCHOR_CHILD_TYPES.map((type) => {
    const informer = manager.informer(type, { labelSelector: MANAGED_SELECTOR });
    children.add(type, informer.store);
    return informer;
  });
  const recognisedBy = new ReferenceIndex(anchors, recognisedKeysOf);
  const toOwner = mapToOwner(TRUST_ANCHOR);
  // A child event wakes its own anchor and the anchors that recognise it (its key Secret's public half).
  const toOwnerAndRecognisers = (child: KubeObject) => {
    const owners = toOwner(child);
    return [...new Set([...owners, ...owners.flatMap((o) => recognisedBy.referrers(o))])];
  };
  const reconciler = new TrustAnchorReconciler({ ...context, anchors: anchors.store, children });
  return manager.addController({
    name: 'trustanchor',
    workers: options.workers,
    reconcile: (key, ctx) => reconciler.reconcile(key, ctx),
    watches: [
      { informer: anchors, mapToKeys: mapToSelf, predicate: generationChanged },
      { informer: anchors, mapToKeys: (a: KubeObject) => recognisedBy.referrers(keyOf(a.metadata.namespace, a.metadata.name ?? '')), predicate: generationChanged },
      ...childInformers.map((informer) => ({ informer, mapToKeys: toOwnerAndRecognisers })),
    ],
  });
}
