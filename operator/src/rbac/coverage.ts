import type { PolicyRule } from './types.js';
import { allows } from './index.js';

// Test support: the RBAC permissions a recorded sequence of API requests needed, so a test can show that
// the declared rules cover everything the reconcilers actually did.

/** API group and plural of every kind the operator touches. */
export const RESOURCES: Record<string, { group: string; resource: string }> = {
  TrustAnchor: { group: 'musubi.dev', resource: 'trustanchors' },
  Participant: { group: 'musubi.dev', resource: 'participants' },
  Connector: { group: 'musubi.dev', resource: 'connectors' },
  Policy: { group: 'musubi.dev', resource: 'policies' },
  Namespace: { group: '', resource: 'namespaces' },
  ConfigMap: { group: '', resource: 'configmaps' },
  Secret: { group: '', resource: 'secrets' },
  Service: { group: '', resource: 'services' },
  ServiceAccount: { group: '', resource: 'serviceaccounts' },
  PersistentVolumeClaim: { group: '', resource: 'persistentvolumeclaims' },
  ResourceQuota: { group: '', resource: 'resourcequotas' },
  LimitRange: { group: '', resource: 'limitranges' },
  Deployment: { group: 'apps', resource: 'deployments' },
  NetworkPolicy: { group: 'networking.k8s.io', resource: 'networkpolicies' },
  PodDisruptionBudget: { group: 'policy', resource: 'poddisruptionbudgets' },
  RoleBinding: { group: 'rbac.authorization.k8s.io', resource: 'rolebindings' },
  Event: { group: 'events.k8s.io', resource: 'events' },
  Lease: { group: 'coordination.k8s.io', resource: 'leases' },
  Node: { group: '', resource: 'nodes' },
  Pod: { group: '', resource: 'pods' },
};

/** What each client call is in RBAC terms: server-side apply is a PATCH that may create. */
const VERBS: Record<string, Array<{ verb: string; subresource?: string }>> = {
  get: [{ verb: 'get' }],
  list: [{ verb: 'list' }],
  watch: [{ verb: 'watch' }],
  create: [{ verb: 'create' }],
  update: [{ verb: 'update' }],
  apply: [{ verb: 'patch' }, { verb: 'create' }],
  applyStatus: [{ verb: 'patch', subresource: 'status' }],
  updateStatus: [{ verb: 'update', subresource: 'status' }],
  mergePatch: [{ verb: 'patch' }],
  delete: [{ verb: 'delete' }],
};

export interface Permission {
  apiGroup: string;
  resource: string;
  verb: string;
}

export function permissionsFor(requests: ReadonlyArray<{ verb: string; kind: string }>): Permission[] {
  const seen = new Map<string, Permission>();
  for (const request of requests) {
    const target = RESOURCES[request.kind];
    if (!target) throw new Error(`no RBAC resource known for kind ${request.kind}: add it to RESOURCES`);
    for (const { verb, subresource } of VERBS[request.verb] ?? []) {
      const resource = subresource ? `${target.resource}/${subresource}` : target.resource;
      seen.set(`${target.group}|${resource}|${verb}`, { apiGroup: target.group, resource, verb });
    }
  }
  return [...seen.values()];
}

export function uncovered(rules: readonly PolicyRule[], needed: readonly Permission[]): Permission[] {
  return needed.filter((p) => !allows(rules, p.apiGroup, p.resource, p.verb));
}
