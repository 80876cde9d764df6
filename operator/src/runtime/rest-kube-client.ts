import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject, ObjectRef, ResourceType } from './objects.js';
import { describeRef, refOf } from './objects.js';
import type { ApplyOptions, DeleteOptions, KubeClient, ListOptions, ObjectList, WatchEvent, WatchOptions } from './kube-client.js';
import { FIELD_MANAGER } from './kube-client.js';
import { Discovery, parseStatus, resourcePath } from './discovery.js';
import { KubeConfigTransport, type Transport, type TransportRequest } from './kubeconfig-transport.js';
import { kubeErrorFromStatus, type ApiStatus } from './errors.js';
import { formatLabelSelector } from './label-selector.js';
import { readWatchStream } from './watch-stream.js';

const DEFAULT_PAGE_SIZE = 500;
const MAX_PAGES = 10_000;

/** KubeClient over the API server's REST interface. */
export class RestKubeClient implements KubeClient {
  private readonly discovery: Discovery;

  constructor(
    private readonly transport: Transport,
    private readonly fieldManager = FIELD_MANAGER,
  ) {
    this.discovery = new Discovery(transport);
  }

  static fromKubeConfig(kubeConfig: KubeConfig): RestKubeClient {
    return new RestKubeClient(new KubeConfigTransport(kubeConfig));
  }

  /** Forget discovered kinds (call after installing CRDs). */
  invalidateDiscovery(): void {
    this.discovery.invalidate();
  }

  async get<T extends KubeObject>(ref: ObjectRef): Promise<T> {
    return this.call<T>(ref, { method: 'GET' }, `get ${describeRef(ref)}`);
  }

  async list<T extends KubeObject>(type: ResourceType, options: ListOptions = {}): Promise<ObjectList<T>> {
    const info = await this.discovery.resolve(type);
    const path = resourcePath(info, options.namespace);
    const items: T[] = [];
    let continueToken: string | undefined;
    let resourceVersion = '';
    for (let page = 0; page < MAX_PAGES; page++) {
      const text = await this.expectOk(
        {
          method: 'GET',
          path,
          signal: options.signal,
          query: {
            labelSelector: formatLabelSelector(options.labelSelector) || undefined,
            fieldSelector: options.fieldSelector,
            limit: options.pageSize ?? DEFAULT_PAGE_SIZE,
            continue: continueToken,
          },
        },
        `list ${type.kind}${options.namespace ? ` in ${options.namespace}` : ''}`,
      );
      const body = JSON.parse(text) as { items?: T[]; metadata?: { resourceVersion?: string; continue?: string } };
      // List items come without apiVersion/kind; restore them so cached objects are complete.
      for (const item of body.items ?? []) items.push({ ...item, apiVersion: type.apiVersion, kind: type.kind });
      resourceVersion = body.metadata?.resourceVersion ?? resourceVersion;
      continueToken = body.metadata?.continue || undefined;
      if (!continueToken) return { items, resourceVersion };
    }
    throw new Error(`list ${type.kind}: more than ${MAX_PAGES} pages; raise pageSize`);
  }

  async *watch<T extends KubeObject>(type: ResourceType, options: WatchOptions): AsyncIterable<WatchEvent<T>> {
    const info = await this.discovery.resolve(type);
    const context = `watch ${type.kind}${options.namespace ? ` in ${options.namespace}` : ''}`;
    let stream;
    try {
      stream = await this.transport.stream({
        method: 'GET',
        path: resourcePath(info, options.namespace),
        signal: options.signal,
        query: {
          watch: true,
          resourceVersion: options.resourceVersion,
          allowWatchBookmarks: options.allowWatchBookmarks ?? true,
          timeoutSeconds: options.timeoutSeconds,
          labelSelector: formatLabelSelector(options.labelSelector) || undefined,
          fieldSelector: options.fieldSelector,
        },
      });
    } catch (err) {
      if (options.signal?.aborted) return;
      throw err;
    }
    try {
      if (stream.statusCode !== 200) {
        const chunks: Buffer[] = [];
        for await (const chunk of stream.body) chunks.push(chunk);
        throw kubeErrorFromStatus(stream.statusCode, parseStatus(Buffer.concat(chunks).toString('utf8')), context);
      }
      for await (const event of readWatchStream(stream.body)) {
        if (event.type === 'ERROR') throw kubeErrorFromStatus(500, event.object as ApiStatus, context);
        yield event as WatchEvent<T>;
      }
    } catch (err) {
      if (options.signal?.aborted) return;
      throw err;
    } finally {
      stream.close();
    }
  }

  async create<T extends KubeObject>(obj: T): Promise<T> {
    const ref = refOf(withName(obj));
    const info = await this.discovery.resolve(ref);
    if (info.namespaced && !ref.namespace) throw new Error(`create ${describeRef(ref)}: ${ref.kind} is namespaced; set metadata.namespace`);
    const path = resourcePath(info, ref.namespace);
    const text = await this.expectOk(
      { method: 'POST', path, body: obj, query: { fieldManager: this.fieldManager, fieldValidation: 'Strict' } },
      `create ${describeRef(ref)}`,
    );
    return JSON.parse(text) as T;
  }

  async update<T extends KubeObject>(obj: T): Promise<T> {
    const ref = refOf(obj);
    return this.call<T>(ref, { method: 'PUT', body: obj, query: { fieldManager: this.fieldManager, fieldValidation: 'Strict' } }, `update ${describeRef(ref)}`);
  }

  async apply<T extends KubeObject>(obj: T, options: ApplyOptions = {}): Promise<T> {
    return this.applyTo<T>(obj, undefined, options);
  }

  async applyStatus<T extends KubeObject>(obj: T, options: ApplyOptions = {}): Promise<T> {
    return this.applyTo<T>(obj, 'status', options);
  }

  async updateStatus<T extends KubeObject>(obj: T): Promise<T> {
    const ref = refOf(obj);
    return this.call<T>(ref, { method: 'PUT', body: obj, query: { fieldManager: this.fieldManager } }, `update status of ${describeRef(ref)}`, 'status');
  }

  async mergePatch<T extends KubeObject>(ref: ObjectRef, patch: Record<string, unknown>, options: { subresource?: 'status' } = {}): Promise<T> {
    return this.call<T>(
      ref,
      { method: 'PATCH', body: patch, contentType: 'application/merge-patch+json', query: { fieldManager: this.fieldManager } },
      `merge-patch ${describeRef(ref)}`,
      options.subresource,
    );
  }

  async delete(ref: ObjectRef, options: DeleteOptions = {}): Promise<void> {
    const body = { apiVersion: 'v1', kind: 'DeleteOptions', ...options };
    await this.call(ref, { method: 'DELETE', body }, `delete ${describeRef(ref)}`);
  }

  private async applyTo<T extends KubeObject>(obj: T, subresource: 'status' | undefined, options: ApplyOptions): Promise<T> {
    const ref = refOf(obj);
    // Server-side apply rejects managedFields and a stale resourceVersion would turn it into a conditional write.
    const { managedFields: _mf, resourceVersion: _rv, ...metadata } = obj.metadata;
    return this.call<T>(
      ref,
      {
        method: 'PATCH',
        body: { ...obj, metadata },
        contentType: 'application/apply-patch+yaml',
        query: {
          fieldManager: options.fieldManager ?? this.fieldManager,
          force: options.force ?? true,
          fieldValidation: 'Strict',
          dryRun: options.dryRun ? 'All' : undefined,
        },
      },
      `apply ${subresource ? 'status of ' : ''}${describeRef(ref)}`,
      subresource,
    );
  }

  private async call<T>(ref: ObjectRef, request: Omit<TransportRequest, 'path'>, context: string, subresource?: string): Promise<T> {
    const info = await this.discovery.resolve(ref);
    const path = resourcePath(info, ref.namespace, ref.name, subresource);
    return JSON.parse(await this.expectOk({ ...request, path }, context)) as T;
  }

  private async expectOk(request: TransportRequest, context: string): Promise<string> {
    const response = await this.transport.send(request);
    if (response.statusCode >= 200 && response.statusCode < 300) return response.text;
    throw kubeErrorFromStatus(response.statusCode, parseStatus(response.text), context);
  }
}

function withName<T extends KubeObject>(obj: T): T {
  // generateName objects have no name yet; describe them by the prefix.
  if (obj.metadata.name || !obj.metadata.generateName) return obj;
  return { ...obj, metadata: { ...obj.metadata, name: `${obj.metadata.generateName}*` } };
}
