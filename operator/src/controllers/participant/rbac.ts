import { READ, STATUS, WRITE, type PolicyRule } from '../../rbac/types.js';

// What the Participant controller does with the API: managed tenants (namespaces and what isolates
// them, including binding the tenant's admin groups to the built-in `edit` ClusterRole, which RBAC
// only allows with `bind` on that role), wallets, reading anchors' published keys and tokens, and
// listing the participant's Connectors (its wallet's STS clients).
export const PARTICIPANT_RULES: PolicyRule[] = [
  { apiGroups: ['musubi.dev'], resources: ['participants'], verbs: [...READ, 'patch'] },
  { apiGroups: ['musubi.dev'], resources: ['participants/status'], verbs: STATUS },
  // Children carry blockOwnerDeletion, which OwnerReferencesPermissionEnforcement allows only with this.
  { apiGroups: ['musubi.dev'], resources: ['participants/finalizers'], verbs: ['update'] },
  { apiGroups: ['musubi.dev'], resources: ['trustanchors', 'connectors'], verbs: READ },
  { apiGroups: [''], resources: ['namespaces', 'resourcequotas', 'limitranges', 'configmaps', 'secrets', 'services'], verbs: [...READ, ...WRITE] },
  { apiGroups: ['apps'], resources: ['deployments'], verbs: [...READ, ...WRITE] },
  { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: [...READ, ...WRITE] },
  { apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings'], verbs: [...READ, ...WRITE] },
  { apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['bind'], resourceNames: ['edit'] },
  { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create'] },
];
