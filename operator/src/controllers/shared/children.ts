import {
  applyChildren, describeRef, isAlreadyExists, isInvalid, ignoreNotFound, ownerLabels, refOf, withAppliedHash, withOwner,
  type KubeClient, type KubeObject, type ObjectRef, type ReadonlyStore, type ResourceType,
} from '../../runtime/index.js';
import { MANAGED_BY } from './labels.js';

// Reading and writing an owner's children: lookups in the informer caches of managed objects, applies
// that name the child a rejection was about, create-only objects (keys, tokens) that are never
// overwritten, and pruning of children the owner no longer wants.

/** Informers of children only cache what the operator manages (labelled by childLabels). */
export const MANAGED_SELECTOR = { matchLabels: { 'app.kubernetes.io/managed-by': MANAGED_BY } };

export class ChildCache {
  private readonly stores = new Map<string, ReadonlyStore<KubeObject>>();

  add(type: ResourceType, store: ReadonlyStore<KubeObject>): this {
    this.stores.set(typeKey(type), store);
    return this;
  }

  get<T extends KubeObject = KubeObject>(type: ResourceType, namespace: string | undefined, name: string): T | undefined {
    return this.stores.get(typeKey(type))?.getByName(namespace, name) as T | undefined;
  }

  readonly lookup = (ref: ObjectRef): KubeObject | undefined => this.get(ref, ref.namespace, ref.name);

  /** Cached children of `type` carrying `owner`'s owner labels, in any namespace. */
  owned(type: ResourceType, owner: KubeObject): KubeObject[] {
    return this.stores.get(typeKey(type))?.list({ labelSelector: { matchLabels: ownerLabels(owner) } }) ?? [];
  }
}

function typeKey(type: ResourceType): string {
  return `${type.apiVersion}|${type.kind}`;
}

/** The API server refused a child (an immutable field changed, a quota, an admission policy). */
export class ChildRejectedError extends Error {
  constructor(readonly child: ObjectRef, cause: unknown) {
    super(`${describeRef(child)} was rejected by the API server: ${(cause as Error).message}`, { cause });
  }
}

/** Applies `children` in order; a rejection (422) becomes a ChildRejectedError naming the child. */
export async function applyOwned(client: Pick<KubeClient, 'apply'>, owner: KubeObject, children: readonly KubeObject[], cache: ChildCache): Promise<KubeObject[]> {
  const applied: KubeObject[] = [];
  for (const child of children) {
    try {
      const [result] = await applyChildren(owner, [child], { client, lookup: cache.lookup });
      applied.push(result!.object);
    } catch (err) {
      if (isInvalid(err)) throw new ChildRejectedError(refOf(child), err);
      throw err;
    }
  }
  return applied;
}

/**
 * An object the operator creates once and never rewrites (signing keys, tokens): what exists is kept,
 * even when the cache has not seen it yet (a create that finds it taken reads it back). `generate` runs
 * only when the object has to be created.
 */
export async function ensureCreated(
  client: Pick<KubeClient, 'create' | 'get'>,
  owner: KubeObject,
  ref: ObjectRef,
  cached: KubeObject | undefined,
  generate: () => Promise<KubeObject>,
): Promise<{ object: KubeObject; created: boolean }> {
  if (cached) return { object: cached, created: false };
  const desired = withAppliedHash(withOwner(owner, await generate()));
  try {
    return { object: await client.create(desired), created: true };
  } catch (err) {
    if (isAlreadyExists(err)) return { object: await client.get(ref), created: false };
    if (isInvalid(err)) throw new ChildRejectedError(ref, err);
    throw err;
  }
}

/** Deletes `owner`'s cached children of `types` that are not in `keep`. */
export async function pruneOwned(client: Pick<KubeClient, 'delete'>, cache: ChildCache, owner: KubeObject, types: readonly ResourceType[], keep: readonly KubeObject[]): Promise<ObjectRef[]> {
  const wanted = new Set(keep.map((k) => describeRef(refOf(k))));
  const removed: ObjectRef[] = [];
  for (const type of types) {
    for (const child of cache.owned(type, owner)) {
      const ref = refOf(child);
      if (wanted.has(describeRef(ref))) continue;
      await ignoreNotFound(client.delete(ref, { preconditions: { uid: child.metadata.uid } }));
      removed.push(ref);
    }
  }
  return removed;
}
