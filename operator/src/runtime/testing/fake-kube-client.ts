import type { KubeObject, ObjectRef, ResourceType } from '../objects.js';
import { describeRef, keyOf } from '../objects.js';
import type { ApplyOptions, DeleteOptions, KubeClient, ListOptions, ObjectList, WatchEvent, WatchOptions } from '../kube-client.js';
import { matchesLabelSelector } from '../label-selector.js';
import { ConflictError, GoneError, KubeApiError, NotFoundError } from '../errors.js';

// An in-memory API server for unit tests: resourceVersions, generation, optimistic concurrency,
// finalizers with deletionTimestamp, the status subresource split, watch history with 410 Gone after
// compaction, and fault injection. Server-side apply is approximated by a deep merge (no field
// ownership): enough for controller logic, not for testing field-manager conflicts — the itests do that.

export type FakeVerb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'apply' | 'applyStatus' | 'updateStatus' | 'mergePatch' | 'delete';

export interface FakeRequest {
  verb: FakeVerb;
  kind: string;
  key: string;
}

interface Watcher {
  type: ResourceType;
  options: WatchOptions;
  queue: WatchEvent[];
  wake: (() => void) | undefined;
  closed: boolean;
  error: Error | undefined;
}

interface HistoryEntry {
  rv: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
  previous: KubeObject | undefined;
}

export class FakeKubeClient implements KubeClient {
  readonly requests: FakeRequest[] = [];
  private readonly objects = new Map<string, KubeObject>();
  private readonly history: HistoryEntry[] = [];
  private readonly watchers = new Set<Watcher>();
  private readonly faults: Array<{ verb: FakeVerb; error: Error; remaining: number }> = [];
  private rv = 100;
  private compactedRv = 0;
  private uidSeq = 0;

  /** The next `times` calls of `verb` throw `error`. */
  failNext(verb: FakeVerb, error: Error, times = 1): void {
    this.faults.push({ verb, error, remaining: times });
  }

  /** Forgets history: watches from an older resourceVersion get 410 Gone, as after etcd compaction. */
  compact(): void {
    this.compactedRv = this.rv;
  }

  /** Ends every open watch normally (as the server's timeoutSeconds does). */
  closeWatches(): void {
    for (const w of this.watchers) {
      w.closed = true;
      w.wake?.();
    }
  }

  /** Fails every open watch with `error` (e.g. a GoneError, as an ERROR event with code 410). */
  breakWatches(error: Error): void {
    for (const w of this.watchers) {
      w.error = error;
      w.wake?.();
    }
  }

  sendBookmark(): void {
    for (const w of this.watchers) {
      w.queue.push({ type: 'BOOKMARK', object: { apiVersion: w.type.apiVersion, kind: w.type.kind, metadata: { resourceVersion: String(this.rv) } } });
      w.wake?.();
    }
  }

  get openWatches(): number {
    return this.watchers.size;
  }

  get currentResourceVersion(): string {
    return String(this.rv);
  }

  count(verb: FakeVerb, kind?: string): number {
    return this.requests.filter((r) => r.verb === verb && (kind === undefined || r.kind === kind)).length;
  }

  /** Seeds or overwrites an object directly, producing the watch event a real write would. */
  seed<T extends KubeObject>(obj: T): T {
    const existing = this.objects.get(storeKey(obj));
    const stored = this.write(obj, existing);
    return clone(stored) as T;
  }

  async get<T extends KubeObject>(ref: ObjectRef): Promise<T> {
    this.record('get', ref);
    return clone(this.mustGet(ref)) as T;
  }

  async list<T extends KubeObject>(type: ResourceType, options: ListOptions = {}): Promise<ObjectList<T>> {
    this.record('list', { ...type, name: '', namespace: options.namespace });
    const items = [...this.objects.values()].filter((o) => matches(o, type, options.namespace, options));
    return { items: items.map((o) => clone(o) as T), resourceVersion: String(this.rv) };
  }

  async *watch<T extends KubeObject>(type: ResourceType, options: WatchOptions): AsyncIterable<WatchEvent<T>> {
    this.record('watch', { ...type, name: '', namespace: options.namespace });
    const from = Number(options.resourceVersion || 0);
    if (from < this.compactedRv) throw new GoneError(`watch ${type.kind}: too old resource version: ${from} (${this.compactedRv})`, 410, 'Expired');
    const watcher: Watcher = { type, options, queue: [], wake: undefined, closed: false, error: undefined };
    for (const entry of this.history) if (entry.rv > from) this.offer(watcher, entry);
    this.watchers.add(watcher);
    const onAbort = () => watcher.wake?.();
    options.signal?.addEventListener('abort', onAbort);
    try {
      for (;;) {
        if (options.signal?.aborted) return;
        const next = watcher.queue.shift();
        if (next) {
          yield clone(next) as WatchEvent<T>;
          continue;
        }
        if (watcher.error) throw watcher.error;
        if (watcher.closed) return;
        await new Promise<void>((resolve) => (watcher.wake = resolve));
        watcher.wake = undefined;
      }
    } finally {
      this.watchers.delete(watcher);
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  async create<T extends KubeObject>(obj: T): Promise<T> {
    const named = obj.metadata.name ? obj : { ...obj, metadata: { ...obj.metadata, name: `${obj.metadata.generateName ?? 'obj-'}${++this.uidSeq}` } };
    this.record('create', refFor(named));
    if (this.objects.has(storeKey(named))) {
      throw new ConflictError(`create ${describeRef(refFor(named))}: already exists`, 409, 'AlreadyExists');
    }
    return clone(this.write(named, undefined)) as T;
  }

  async update<T extends KubeObject>(obj: T): Promise<T> {
    const ref = refFor(obj);
    this.record('update', ref);
    const live = this.mustGet(ref);
    this.checkResourceVersion(ref, live, obj.metadata.resourceVersion);
    return clone(this.write({ ...obj, status: live.status }, live)) as T;
  }

  async apply<T extends KubeObject>(obj: T, _options: ApplyOptions = {}): Promise<T> {
    const ref = refFor(obj);
    this.record('apply', ref);
    const live = this.objects.get(storeKey(obj));
    const { status: _ignored, ...withoutStatus } = obj;
    const merged = live ? (deepMerge(live, withoutStatus) as KubeObject) : (withoutStatus as unknown as KubeObject);
    return clone(this.write(merged, live)) as T;
  }

  async applyStatus<T extends KubeObject>(obj: T, _options: ApplyOptions = {}): Promise<T> {
    const ref = refFor(obj);
    this.record('applyStatus', ref);
    const live = this.mustGet(ref);
    const status = deepMerge(live.status ?? {}, obj.status ?? {});
    return clone(this.write({ ...live, status }, live)) as T;
  }

  async updateStatus<T extends KubeObject>(obj: T): Promise<T> {
    const ref = refFor(obj);
    this.record('updateStatus', ref);
    const live = this.mustGet(ref);
    this.checkResourceVersion(ref, live, obj.metadata.resourceVersion);
    return clone(this.write({ ...live, status: obj.status }, live)) as T;
  }

  async mergePatch<T extends KubeObject>(ref: ObjectRef, patch: Record<string, unknown>, options: { subresource?: 'status' } = {}): Promise<T> {
    this.record('mergePatch', ref);
    const live = this.mustGet(ref);
    const patchMeta = patch.metadata as { resourceVersion?: string } | undefined;
    this.checkResourceVersion(ref, live, patchMeta?.resourceVersion);
    const patched = mergePatch(live, patch) as KubeObject;
    const result = options.subresource === 'status' ? { ...live, status: patched.status } : { ...patched, status: live.status };
    return clone(this.write(result, live)) as T;
  }

  async delete(ref: ObjectRef, options: DeleteOptions = {}): Promise<void> {
    this.record('delete', ref);
    const live = this.mustGet(ref);
    const pre = options.preconditions;
    if (pre?.uid && pre.uid !== live.metadata.uid) throw new ConflictError(`delete ${describeRef(ref)}: precondition failed: uid`, 409, 'Conflict');
    this.checkResourceVersion(ref, live, pre?.resourceVersion);
    if (live.metadata.finalizers?.length) {
      if (!live.metadata.deletionTimestamp) this.write({ ...live, metadata: { ...live.metadata, deletionTimestamp: new Date().toISOString() } }, live);
      return;
    }
    this.remove(live);
  }

  private mustGet(ref: ObjectRef): KubeObject {
    const live = this.objects.get(storeKey(ref));
    if (!live) throw new NotFoundError(`${describeRef(ref)} not found`, 404, 'NotFound');
    return live;
  }

  private checkResourceVersion(ref: ObjectRef, live: KubeObject, expected: string | undefined): void {
    if (expected && expected !== live.metadata.resourceVersion) {
      throw new ConflictError(
        `${describeRef(ref)}: the object has been modified; please apply your changes to the latest version and try again`,
        409,
        'Conflict',
      );
    }
  }

  private record(verb: FakeVerb, ref: ObjectRef): void {
    this.requests.push({ verb, kind: ref.kind, key: keyOf(ref.namespace, ref.name) });
    const fault = this.faults.find((f) => f.verb === verb && f.remaining > 0);
    if (fault) {
      fault.remaining -= 1;
      throw fault.error;
    }
  }

  /** Stores `next` unless it equals `live` (a no-op write keeps its resourceVersion, as the API server does). */
  private write(next: KubeObject, live: KubeObject | undefined): KubeObject {
    if (live && sameContent(live, next)) return live;
    const specChanged = !live || JSON.stringify(stripVolatile(live)) !== JSON.stringify(stripVolatile(next));
    const stored = clone(next);
    stored.metadata = {
      ...stored.metadata,
      uid: live?.metadata.uid ?? `uid-${++this.uidSeq}`,
      creationTimestamp: live?.metadata.creationTimestamp ?? new Date().toISOString(),
      generation: (live?.metadata.generation ?? 0) + (specChanged ? 1 : 0),
      resourceVersion: String(++this.rv),
    };
    if (live?.metadata.deletionTimestamp) stored.metadata.deletionTimestamp = live.metadata.deletionTimestamp;
    this.objects.set(storeKey(stored), stored);
    this.publish({ rv: this.rv, type: live ? 'MODIFIED' : 'ADDED', object: stored, previous: live });
    // A deleting object whose last finalizer was just removed goes away, as on a real server.
    if (stored.metadata.deletionTimestamp && !stored.metadata.finalizers?.length) {
      this.remove(stored);
      return stored;
    }
    return stored;
  }

  private remove(live: KubeObject): void {
    this.objects.delete(storeKey(live));
    const gone = clone(live);
    gone.metadata.resourceVersion = String(++this.rv);
    this.publish({ rv: this.rv, type: 'DELETED', object: gone, previous: live });
  }

  private publish(entry: HistoryEntry): void {
    this.history.push(entry);
    for (const w of this.watchers) this.offer(w, entry);
  }

  private offer(w: Watcher, entry: HistoryEntry): void {
    const selector = { labelSelector: w.options.labelSelector, fieldSelector: w.options.fieldSelector };
    const now = matches(entry.object, w.type, w.options.namespace, selector);
    const before = entry.previous !== undefined && matches(entry.previous, w.type, w.options.namespace, selector);
    let type: WatchEvent['type'] | undefined;
    if (entry.type === 'DELETED') type = before || now ? 'DELETED' : undefined;
    else if (now) type = before ? 'MODIFIED' : 'ADDED';
    else if (before) type = 'DELETED'; // left the selector
    if (!type) return;
    w.queue.push({ type, object: entry.object });
    w.wake?.();
  }
}

/** A 500 the way the API server reports an internal error, for fault injection. */
export function serverError(message = 'etcdserver: request timed out'): KubeApiError {
  return new KubeApiError(message, 500, 'InternalError');
}

function storeKey(ref: { apiVersion: string; kind: string; metadata?: { namespace?: string; name?: string }; namespace?: string; name?: string }): string {
  const namespace = ref.metadata ? ref.metadata.namespace : ref.namespace;
  const name = ref.metadata ? ref.metadata.name : ref.name;
  return `${ref.apiVersion}|${ref.kind}|${namespace ?? ''}|${name ?? ''}`;
}

function refFor(obj: KubeObject): ObjectRef {
  return { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name ?? '', namespace: obj.metadata.namespace };
}

function matches(
  obj: KubeObject,
  type: ResourceType,
  namespace: string | undefined,
  filter: { labelSelector?: ListOptions['labelSelector']; fieldSelector?: string },
): boolean {
  if (obj.apiVersion !== type.apiVersion || obj.kind !== type.kind) return false;
  if (namespace !== undefined && obj.metadata.namespace !== namespace) return false;
  if (!matchesLabelSelector(filter.labelSelector, obj.metadata.labels)) return false;
  if (filter.fieldSelector) {
    for (const term of filter.fieldSelector.split(',')) {
      const [path, value] = term.split('=');
      if (path === 'metadata.name' && obj.metadata.name !== value) return false;
      if (path === 'metadata.namespace' && obj.metadata.namespace !== value) return false;
    }
  }
  return true;
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

function stripVolatile(obj: KubeObject): unknown {
  const { metadata: _m, status: _s, ...rest } = obj;
  return rest;
}

function sameContent(a: KubeObject, b: KubeObject): boolean {
  const norm = (o: KubeObject) => {
    const { resourceVersion: _rv, generation: _g, uid: _u, creationTimestamp: _c, managedFields: _mf, ...meta } = o.metadata;
    return JSON.stringify(sortKeys({ ...o, metadata: meta }));
  };
  return norm(a) === norm(b);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, sortKeys(v)]));
  }
  return value;
}

function deepMerge(base: unknown, patch: unknown): unknown {
  if (!isRecord(base) || !isRecord(patch)) return clone(patch);
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) out[k] = deepMerge(base[k], v);
  return out;
}

/** RFC 7386: null deletes, objects merge, anything else replaces. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return clone(patch);
  const out: Record<string, unknown> = isRecord(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
