import type { KubeClient } from './kube-client.js';
import type { KubeObject } from './objects.js';
import { refOf } from './objects.js';
import { isNotFound } from './errors.js';

// Finalizers hold an object's deletion until the operator cleaned up what lies outside Kubernetes'
// garbage collection (cross-namespace children, registrations with a trust anchor). Writes are merge
// patches conditional on the resourceVersion read, so a concurrent change to the finalizer list by
// someone else fails with a Conflict (and a retry) instead of silently dropping their finalizer.

const FINALIZER_PATTERN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

export function validateFinalizer(finalizer: string): void {
  if (!FINALIZER_PATTERN.test(finalizer)) {
    throw new Error(`finalizer "${finalizer}" must be domain-qualified, e.g. "musubi.dev/cleanup"`);
  }
}

export function hasFinalizer(obj: KubeObject, finalizer: string): boolean {
  return obj.metadata.finalizers?.includes(finalizer) ?? false;
}

/** Adds `finalizer` unless present; returns the object as it now is. */
export async function addFinalizer<T extends KubeObject>(client: Pick<KubeClient, 'mergePatch'>, obj: T, finalizer: string): Promise<T> {
  validateFinalizer(finalizer);
  if (hasFinalizer(obj, finalizer)) return obj;
  const finalizers = [...(obj.metadata.finalizers ?? []), finalizer];
  return client.mergePatch<T>(refOf(obj), { metadata: { finalizers, resourceVersion: obj.metadata.resourceVersion } });
}

/** Removes `finalizer` if present; an object already gone counts as done. */
export async function removeFinalizer<T extends KubeObject>(client: Pick<KubeClient, 'mergePatch'>, obj: T, finalizer: string): Promise<T | undefined> {
  validateFinalizer(finalizer);
  if (!hasFinalizer(obj, finalizer)) return obj;
  const finalizers = (obj.metadata.finalizers ?? []).filter((f) => f !== finalizer);
  try {
    return await client.mergePatch<T>(refOf(obj), { metadata: { finalizers, resourceVersion: obj.metadata.resourceVersion } });
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export type FinalizerOutcome<T> = { deleting: false; object: T } | { deleting: true };

/**
 * The finalizer step of a reconcile: while the object lives, make sure it carries `finalizer`; once it
 * is being deleted, run `cleanup` and then let it go. `cleanup` must be idempotent: it runs again if
 * removing the finalizer fails afterwards.
 */
export async function reconcileFinalizer<T extends KubeObject>(
  client: Pick<KubeClient, 'mergePatch'>,
  obj: T,
  finalizer: string,
  cleanup: () => Promise<void>,
): Promise<FinalizerOutcome<T>> {
  if (obj.metadata.deletionTimestamp) {
    if (hasFinalizer(obj, finalizer)) {
      await cleanup();
      await removeFinalizer(client, obj, finalizer);
    }
    return { deleting: true };
  }
  return { deleting: false, object: await addFinalizer(client, obj, finalizer) };
}
