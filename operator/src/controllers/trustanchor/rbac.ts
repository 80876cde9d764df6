import { READ, STATUS, WRITE, type PolicyRule } from '../../rbac/types.js';

// What the TrustAnchor controller does with the API: run each anchor's issuer (key and token Secrets,
// configuration and trust list ConfigMaps, state PersistentVolumeClaim, Deployment, Service) and read the
// anchors it recognises.
export const TRUST_ANCHOR_RULES: PolicyRule[] = [
  { apiGroups: ['musubi.dev'], resources: ['trustanchors'], verbs: READ },
  { apiGroups: ['musubi.dev'], resources: ['trustanchors/status'], verbs: STATUS },
  // Children carry blockOwnerDeletion, which OwnerReferencesPermissionEnforcement allows only with this.
  { apiGroups: ['musubi.dev'], resources: ['trustanchors/finalizers'], verbs: ['update'] },
  { apiGroups: [''], resources: ['configmaps', 'secrets', 'services', 'persistentvolumeclaims'], verbs: [...READ, ...WRITE] },
  { apiGroups: ['apps'], resources: ['deployments'], verbs: [...READ, ...WRITE] },
  { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create'] },
];
