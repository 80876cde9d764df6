import { READ, STATUS, WRITE, type PolicyRule } from '../../rbac/types.js';

// What the Connector controller does with the API: run connectors (their workload objects in the
// participant's namespace), read what their configuration is made of, copy referenced Secrets and
// ConfigMaps next to the pods, keep its finalizer on Connectors, and see where its pods were scheduled.
export const CONNECTOR_RULES: PolicyRule[] = [
  { apiGroups: ['musubi.dev'], resources: ['connectors'], verbs: [...READ, 'patch'] },
  { apiGroups: ['musubi.dev'], resources: ['connectors/status'], verbs: STATUS },
  // Children carry blockOwnerDeletion, which OwnerReferencesPermissionEnforcement allows only with this.
  { apiGroups: ['musubi.dev'], resources: ['connectors/finalizers'], verbs: ['update'] },
  { apiGroups: ['musubi.dev'], resources: ['participants', 'policies', 'trustanchors'], verbs: READ },
  { apiGroups: [''], resources: ['configmaps', 'secrets', 'services', 'serviceaccounts', 'persistentvolumeclaims'], verbs: [...READ, ...WRITE] },
  { apiGroups: ['apps'], resources: ['deployments'], verbs: [...READ, ...WRITE] },
  { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: [...READ, ...WRITE] },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: [...READ, ...WRITE] },
  // Where the pods are: the scheduler's verdict on them and the rack label of their nodes.
  { apiGroups: [''], resources: ['pods', 'nodes'], verbs: ['list', 'watch'] },
  { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create'] },
];
