import type { ResourceType } from './objects.js';
import { splitApiVersion } from './objects.js';
import type { Transport } from './kubeconfig-transport.js';
import { kubeErrorFromStatus, type ApiStatus } from './errors.js';

// Maps apiVersion/kind to the REST path (plural, scope) the way kubectl does, by asking the server's
// discovery endpoint. Cached per group/version; a miss refreshes once because CRDs appear at run time.

export interface ResourceInfo {
  apiVersion: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

interface ApiResourceList {
  resources?: Array<{ name: string; kind: string; namespaced: boolean }>;
}

export class Discovery {
  private readonly cache = new Map<string, Map<string, ResourceInfo>>();

  constructor(private readonly transport: Transport) {}

  async resolve(type: ResourceType): Promise<ResourceInfo> {
    const cached = this.cache.get(type.apiVersion)?.get(type.kind);
    if (cached) return cached;
    const fresh = await this.load(type.apiVersion);
    const info = fresh.get(type.kind);
    if (!info) {
      const known = [...fresh.keys()].sort().join(', ') || 'none';
      throw new Error(`discovery: the API server serves no kind ${type.kind} in ${type.apiVersion} (it serves: ${known}); is the CRD installed?`);
    }
    return info;
  }

  /** Forgets what was learned, e.g. after CRDs were installed or removed. */
  invalidate(): void {
    this.cache.clear();
  }

  private async load(apiVersion: string): Promise<Map<string, ResourceInfo>> {
    const { group, version } = splitApiVersion(apiVersion);
    const path = group ? `/apis/${group}/${version}` : `/api/${version}`;
    const response = await this.transport.send({ method: 'GET', path });
    if (response.statusCode !== 200) {
      throw kubeErrorFromStatus(response.statusCode, parseStatus(response.text), `discovery of ${apiVersion}`);
    }
    const list = JSON.parse(response.text) as ApiResourceList;
    const byKind = new Map<string, ResourceInfo>();
    for (const r of list.resources ?? []) {
      if (r.name.includes('/')) continue; // subresources such as leases/status
      byKind.set(r.kind, { apiVersion, kind: r.kind, plural: r.name, namespaced: r.namespaced });
    }
    this.cache.set(apiVersion, byKind);
    return byKind;
  }
}

export function resourcePath(info: ResourceInfo, namespace: string | undefined, name?: string, subresource?: string): string {
  const { group, version } = splitApiVersion(info.apiVersion);
  let path = group ? `/apis/${group}/${version}` : `/api/${version}`;
  if (info.namespaced && namespace) path += `/namespaces/${encodeURIComponent(namespace)}`;
  if (!info.namespaced && namespace) {
    throw new Error(`${info.kind} is cluster-scoped; remove metadata.namespace ("${namespace}")`);
  }
  if (info.namespaced && !namespace && name) {
    throw new Error(`${info.kind} ${name} is namespaced; set metadata.namespace`);
  }
  path += `/${info.plural}`;
  if (name) path += `/${encodeURIComponent(name)}`;
  if (subresource) path += `/${subresource}`;
  return path;
}

export function parseStatus(text: string): ApiStatus | undefined {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === 'object' && (parsed as { kind?: unknown }).kind === 'Status') return parsed as ApiStatus;
  } catch {
    // not JSON: a proxy or load balancer answered
  }
  return text ? { message: text.slice(0, 500) } : undefined;
}
