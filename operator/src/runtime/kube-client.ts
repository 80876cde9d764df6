import type { KubeObject, ObjectRef, ResourceType } from './objects.js';
import type { LabelSelector } from './label-selector.js';

// What controllers need from the API server, behind one interface so tests substitute an in-memory
// fake (testing/fake-kube-client.ts) and production uses RestKubeClient.

/** The field manager every server-side apply of the operator uses. */
export const FIELD_MANAGER = 'musubi-operator';

export interface ListOptions {
  /** Absent: all namespaces (or the cluster scope). */
  namespace?: string;
  labelSelector?: LabelSelector;
  fieldSelector?: string;
  /** Page size; the client follows `continue` tokens until the list is complete. */
  pageSize?: number;
  signal?: AbortSignal;
}

export interface ObjectList<T extends KubeObject = KubeObject> {
  items: T[];
  /** The collection's resourceVersion: where a watch continues from. */
  resourceVersion: string;
}

export interface WatchOptions {
  namespace?: string;
  labelSelector?: LabelSelector;
  fieldSelector?: string;
  resourceVersion: string;
  allowWatchBookmarks?: boolean;
  /** The server ends the watch after this long (normal end of the iteration). */
  timeoutSeconds?: number;
  /** Aborting ends the iteration quietly. */
  signal?: AbortSignal;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface WatchEvent<T extends KubeObject = KubeObject> {
  type: WatchEventType;
  object: T;
}

export interface ApplyOptions {
  fieldManager?: string;
  /** Take over fields other managers own (default true: the operator is the source of truth for what it applies). */
  force?: boolean;
  dryRun?: boolean;
}

export interface DeleteOptions {
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  gracePeriodSeconds?: number;
}

export interface KubeClient {
  /** Throws NotFoundError when absent. */
  get<T extends KubeObject = KubeObject>(ref: ObjectRef): Promise<T>;
  list<T extends KubeObject = KubeObject>(type: ResourceType, options?: ListOptions): Promise<ObjectList<T>>;
  /**
   * Streams changes after `resourceVersion`. The iteration ends when the server closes the watch or the
   * signal aborts; it throws a typed error otherwise (GoneError when the resourceVersion is too old).
   */
  watch<T extends KubeObject = KubeObject>(type: ResourceType, options: WatchOptions): AsyncIterable<WatchEvent<T>>;
  /** Throws ConflictError (reason AlreadyExists) when the name is taken. */
  create<T extends KubeObject = KubeObject>(obj: T): Promise<T>;
  /** Replaces the object; `metadata.resourceVersion` makes it conditional (ConflictError when stale). */
  update<T extends KubeObject = KubeObject>(obj: T): Promise<T>;
  /** Server-side apply (PATCH application/apply-patch+yaml, force, fieldValidation=Strict). */
  apply<T extends KubeObject = KubeObject>(obj: T, options?: ApplyOptions): Promise<T>;
  /** Server-side apply of `status` through the /status subresource. */
  applyStatus<T extends KubeObject = KubeObject>(obj: T, options?: ApplyOptions): Promise<T>;
  /** PUT of the /status subresource, conditional on `metadata.resourceVersion`. */
  updateStatus<T extends KubeObject = KubeObject>(obj: T): Promise<T>;
  /** JSON merge patch (RFC 7386); put `metadata.resourceVersion` in the patch to make it conditional. */
  mergePatch<T extends KubeObject = KubeObject>(ref: ObjectRef, patch: Record<string, unknown>, options?: { subresource?: 'status' }): Promise<T>;
  /** Throws NotFoundError when already gone (see ignoreNotFound). */
  delete(ref: ObjectRef, options?: DeleteOptions): Promise<void>;
}
