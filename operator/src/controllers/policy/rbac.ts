import { READ, STATUS, WRITE, type PolicyRule } from '../../rbac/types.js';

// What the Policy controller does with the API: compile Policies, write their status, own their
// compiled ConfigMaps, read Connectors for usedBy, record Events.
export const POLICY_RULES: PolicyRule[] = [
  { apiGroups: ['musubi.dev'], resources: ['policies'], verbs: READ },
  { apiGroups: ['musubi.dev'], resources: ['policies/status'], verbs: STATUS },
  // Children carry blockOwnerDeletion, which OwnerReferencesPermissionEnforcement allows only with this.
  { apiGroups: ['musubi.dev'], resources: ['policies/finalizers'], verbs: ['update'] },
  { apiGroups: ['musubi.dev'], resources: ['connectors'], verbs: READ },
  { apiGroups: [''], resources: ['configmaps'], verbs: [...READ, ...WRITE] },
  { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create'] },
];
