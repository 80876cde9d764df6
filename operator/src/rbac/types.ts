// An RBAC rule as in rbac.authorization.k8s.io/v1. Each controller declares the rules it needs next
// to its reconciler (controllers/<kind>/rbac.ts); rbac/index.ts assembles the operator's ClusterRole.
export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

export const READ = ['get', 'list', 'watch'];
/** Children are written with server-side apply (a PATCH that may create) and created once (keys, tokens). */
export const WRITE = ['create', 'patch', 'delete'];
/** Status is written with a PUT conditional on the resourceVersion read. */
export const STATUS = ['update'];
