import type { z } from 'zod';
import { hasFinalizer, ignoreNotFound, refOf, type EventType, type KubeClient, type KubeObject, type ObjectMeta } from '../../runtime/index.js';
import type { OperatorConfig } from '../../config/index.js';

// What every reconciler is built with: the API client, the operator configuration, an event sink and
// the time. Passed in, so tests run the same reconcilers against the in-memory API server.

export interface EventSink {
  record(regarding: KubeObject, type: EventType, reason: string, action: string, note: string): Promise<void>;
}

export interface ReconcilerContext {
  client: KubeClient;
  config: OperatorConfig;
  events: EventSink;
  now(): Date;
}

export type SpecParse<T> = { ok: true; spec: T } | { ok: false; message: string };

/**
 * The spec as the controllers' types describe it, defaults applied. The API server has validated it
 * against the CRD already; this catches objects stored under an older schema and says which field.
 */
export function parseSpec<S extends z.ZodType>(schema: S, obj: KubeObject): SpecParse<z.infer<S>> {
  const result = schema.safeParse(obj.spec);
  if (result.success) return { ok: true, spec: result.data };
  const problems = result.error.issues.map((i) => `spec${i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}: ${i.message}`);
  return { ok: false, message: `${obj.kind} ${obj.metadata.name} does not match the musubi.dev/v1alpha1 schema (${problems.join('; ')}); fix these fields.` };
}

/** A short description of an error for a condition message, without stack or nested noise. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A custom resource as read from the API server: the typed spec plus the metadata the server sets. */
export type Stored<T extends { metadata: object }> = Omit<T, 'metadata'> & { metadata: T['metadata'] & ObjectMeta & { name: string } };

/**
 * Longest requeueAfter a reconciler asks for. Timers cannot be set further out than 2^31-1 ms (about
 * 24.8 days; Node fires longer ones at once), and a daily look costs nothing: due dates further away
 * (a credential's renewal months ahead) are reached by re-checking.
 */
export const MAX_REQUEUE_MS = 24 * 3_600_000;

export function requeueIn(ms: number, minimumMs = 1000): { requeueAfter: number } {
  return { requeueAfter: Math.min(MAX_REQUEUE_MS, Math.max(minimumMs, Math.ceil(ms))) };
}

/**
 * The object to reconcile: the cached one, except while it is being deleted. Cleanup has effects
 * outside Kubernetes (revocations) and the cache can still show an object whose finalizer the last
 * reconcile removed, so a deleting object is read again and left alone once its finalizer is gone.
 */
export async function currentObject<T extends KubeObject>(client: Pick<KubeClient, 'get'>, cached: T | undefined, finalizer: string): Promise<T | undefined> {
  if (!cached?.metadata.deletionTimestamp) return cached;
  const live = await ignoreNotFound(client.get<T>(refOf(cached)));
  return live && hasFinalizer(live, finalizer) ? live : undefined;
}
