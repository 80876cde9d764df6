import { createHash } from 'node:crypto';
import type { KubeClient } from './kube-client.js';
import type { KubeObject, ObjectRef, OwnerReference } from './objects.js';
import { refOf } from './objects.js';
import { controllerReference, ownerLabels } from './ownership.js';

// Applies an owner's rendered children with server-side apply. Each child is tied to its owner:
// an owner reference where Kubernetes allows one (same namespace, or a cluster-scoped owner) so the
// garbage collector removes it with the owner, and owner labels always so a watch maps it back.
//
// A child is not sent again when the cached live object carries the hash of exactly this desired
// state (so no field we stopped setting is waiting to be removed) and still holds every value we set
// (nobody changed them). Both are needed: the hash alone misses drift, the values alone miss removals.
// The API server treats an identical apply as a no-op anyway; skipping it saves the round trip.

export const APPLIED_HASH_ANNOTATION = 'musubi.dev/applied-hash';

export interface ApplyChildrenOptions {
  client: Pick<KubeClient, 'apply'>;
  /** The live child as last seen (an informer's store); absent means always apply. */
  lookup?: (ref: ObjectRef) => KubeObject | undefined;
}

export interface AppliedChild {
  ref: ObjectRef;
  action: 'applied' | 'unchanged';
  object: KubeObject;
}

export async function applyChildren(owner: KubeObject, children: readonly KubeObject[], options: ApplyChildrenOptions): Promise<AppliedChild[]> {
  const results: AppliedChild[] = [];
  // In order: renderers list dependencies first (a ServiceAccount before the Deployment using it).
  for (const child of children) {
    const desired = withAppliedHash(withOwner(owner, child));
    const ref = refOf(desired);
    const live = options.lookup?.(ref);
    if (live && upToDate(desired, live)) {
      results.push({ ref, action: 'unchanged', object: live });
      continue;
    }
    results.push({ ref, action: 'applied', object: await options.client.apply(desired) });
  }
  return results;
}

/** `child` with the owner reference (where allowed) and owner labels of `owner`. */
export function withOwner(owner: KubeObject, child: KubeObject): KubeObject {
  const ownerNamespace = owner.metadata.namespace;
  const canReference = !ownerNamespace || ownerNamespace === child.metadata.namespace;
  const labels = { ...child.metadata.labels, ...ownerLabels(owner) };
  let ownerReferences: OwnerReference[] | undefined = child.metadata.ownerReferences;
  if (canReference) {
    const ref = controllerReference(owner);
    const otherController = ownerReferences?.find((r) => r.controller && r.uid !== ref.uid);
    if (otherController) {
      throw new Error(`${child.kind} ${child.metadata.name}: already controlled by ${otherController.kind} ${otherController.name}; a child has one controller`);
    }
    ownerReferences = [...(ownerReferences ?? []).filter((r) => r.uid !== ref.uid), ref];
  }
  return { ...child, metadata: { ...child.metadata, labels, ...(ownerReferences ? { ownerReferences } : {}) } };
}

export function withAppliedHash(child: KubeObject): KubeObject {
  const { [APPLIED_HASH_ANNOTATION]: _previous, ...annotations } = child.metadata.annotations ?? {};
  const content = { ...child, metadata: { ...child.metadata, annotations } };
  const hash = createHash('sha256').update(canonicalJson(content)).digest('hex').slice(0, 32);
  return { ...child, metadata: { ...child.metadata, annotations: { ...annotations, [APPLIED_HASH_ANNOTATION]: hash } } };
}

export function upToDate(desired: KubeObject, live: KubeObject): boolean {
  const hash = desired.metadata.annotations?.[APPLIED_HASH_ANNOTATION];
  return hash !== undefined && live.metadata.annotations?.[APPLIED_HASH_ANNOTATION] === hash && isSubset(desired, live);
}

/**
 * True when every value in `want` is present in `have`. Lists must match item by item: a list the server
 * extended or reordered counts as changed, which only costs a (no-op) apply.
 */
export function isSubset(want: unknown, have: unknown): boolean {
  if (Array.isArray(want)) {
    return Array.isArray(have) && have.length === want.length && want.every((w, i) => isSubset(w, have[i]));
  }
  if (want !== null && typeof want === 'object') {
    if (have === null || typeof have !== 'object' || Array.isArray(have)) return false;
    const h = have as Record<string, unknown>;
    return Object.entries(want as Record<string, unknown>).every(([k, v]) => v === undefined || isSubset(v, h[k]));
  }
  return want === have;
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  }
  return value;
}
