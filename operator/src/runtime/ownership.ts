import type { KubeObject, OwnerReference } from './objects.js';
import { keyOf, splitApiVersion } from './objects.js';
import { OWNER_KIND_LABEL, OWNER_NAME_LABEL, OWNER_NAMESPACE_LABEL } from '../controllers/shared/labels.js';

// Maps a child's events back to the owner to reconcile. Owner references only work inside one
// namespace (the garbage collector's rule), so children elsewhere carry owner labels instead.

export interface OwnerType {
  apiVersion: string;
  kind: string;
  /** Whether the owner kind is namespaced (default true); cluster-scoped owners have name-only keys. */
  namespaced?: boolean;
}

export function controllerReference(owner: KubeObject): OwnerReference {
  const { name, uid } = owner.metadata;
  if (!name || !uid) throw new Error(`controllerReference: ${owner.kind} needs metadata.name and metadata.uid (use the object read from the API server)`);
  return { apiVersion: owner.apiVersion, kind: owner.kind, name, uid, controller: true, blockOwnerDeletion: true };
}

export function ownerLabels(owner: KubeObject): Record<string, string> {
  const name = owner.metadata.name;
  if (!name) throw new Error(`ownerLabels: ${owner.kind} has no metadata.name`);
  return {
    [OWNER_KIND_LABEL]: owner.kind,
    [OWNER_NAME_LABEL]: name,
    ...(owner.metadata.namespace ? { [OWNER_NAMESPACE_LABEL]: owner.metadata.namespace } : {}),
  };
}

/** Keys of owners of `owner`'s type named in the child's owner references (controller refs only by default). */
export function ownerKeysFromReferences(child: KubeObject, owner: OwnerType, onlyController = true): string[] {
  const group = splitApiVersion(owner.apiVersion).group;
  return (child.metadata.ownerReferences ?? [])
    .filter((ref) => ref.kind === owner.kind && splitApiVersion(ref.apiVersion).group === group && (!onlyController || ref.controller === true))
    .map((ref) => keyOf(owner.namespaced === false ? undefined : child.metadata.namespace, ref.name));
}

/** The owner key from the musubi.dev/owner-* labels, for children outside their owner's namespace. */
export function ownerKeysFromLabels(child: KubeObject, owner: OwnerType): string[] {
  const labels = child.metadata.labels ?? {};
  const name = labels[OWNER_NAME_LABEL];
  if (labels[OWNER_KIND_LABEL] !== owner.kind || !name) return [];
  if (owner.namespaced === false) return [name];
  const namespace = labels[OWNER_NAMESPACE_LABEL] || child.metadata.namespace;
  return namespace ? [keyOf(namespace, name)] : [];
}

/** A `mapToKeys` for Controller watches on children: owner references first, then owner labels. */
export function mapToOwner(owner: OwnerType, options: { onlyController?: boolean } = {}): (child: KubeObject) => string[] {
  return (child) => [...new Set([...ownerKeysFromReferences(child, owner, options.onlyController ?? true), ...ownerKeysFromLabels(child, owner)])];
}

/** A `mapToKeys` for the primary kind: the object's own key. */
export function mapToSelf(obj: KubeObject): string[] {
  return obj.metadata.name ? [keyOf(obj.metadata.namespace, obj.metadata.name)] : [];
}
