// Labels and owner references every managed child carries, so `kubectl get -l` and garbage
// collection find them, and the operator can map a child event back to its owner.

export const MANAGED_BY = 'musubi-operator';

export const OWNER_KIND_LABEL = 'musubi.dev/owner-kind';
export const OWNER_NAME_LABEL = 'musubi.dev/owner-name';
export const OWNER_NAMESPACE_LABEL = 'musubi.dev/owner-namespace';

export interface OwnerIdentity {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
  uid: string;
}

export function childLabels(owner: OwnerIdentity, component: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': component,
    'app.kubernetes.io/instance': owner.name,
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/part-of': 'musubi',
    'app.kubernetes.io/managed-by': MANAGED_BY,
    [OWNER_KIND_LABEL]: owner.kind,
    [OWNER_NAME_LABEL]: owner.name,
    [OWNER_NAMESPACE_LABEL]: owner.namespace,
  };
}

/** Selector labels: the stable subset (a Deployment selector is immutable). */
export function selectorLabels(owner: OwnerIdentity, component: string): Record<string, string> {
  return { 'app.kubernetes.io/name': component, 'app.kubernetes.io/instance': owner.name };
}

export function controllerOwnerReference(owner: OwnerIdentity) {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.name, uid: owner.uid, controller: true, blockOwnerDeletion: true };
}
