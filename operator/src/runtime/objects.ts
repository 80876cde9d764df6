// The shapes of Kubernetes objects the runtime handles generically. Controllers narrow them with the
// zod schemas of operator/src/api; the runtime only needs identity, labels and ownership.

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: unknown[];
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** A kind of resource, optionally scoped to one namespace (absent: all namespaces or cluster-scoped). */
export interface ResourceType {
  apiVersion: string;
  kind: string;
}

export interface ObjectRef extends ResourceType {
  name: string;
  namespace?: string;
}

/** The cache and work-queue key: `namespace/name`, or `name` for cluster-scoped objects (as client-go). */
export function objectKey(obj: { metadata: Pick<ObjectMeta, 'name' | 'namespace'> }): string {
  const name = obj.metadata.name;
  if (!name) throw new Error('objectKey: metadata.name is empty; an object needs a name before it has a key');
  return obj.metadata.namespace ? `${obj.metadata.namespace}/${name}` : name;
}

export function keyOf(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

export function parseKey(key: string): { namespace?: string; name: string } {
  const parts = key.split('/');
  if (parts.length === 1 && parts[0]) return { name: parts[0] };
  if (parts.length === 2 && parts[0] && parts[1]) return { namespace: parts[0], name: parts[1] };
  throw new Error(`parseKey: "${key}" is not a key; expected "namespace/name" or "name"`);
}

export function refOf(obj: KubeObject): ObjectRef {
  const name = obj.metadata.name;
  if (!name) throw new Error(`refOf: ${obj.kind} has no metadata.name`);
  return obj.metadata.namespace
    ? { apiVersion: obj.apiVersion, kind: obj.kind, name, namespace: obj.metadata.namespace }
    : { apiVersion: obj.apiVersion, kind: obj.kind, name };
}

export function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${keyOf(ref.namespace, ref.name)}`;
}

/** Splits `group/version` (or the core `v1`) into its parts. */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  if (slash < 0) return { group: '', version: apiVersion };
  return { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}
