import { READ, type PolicyRule } from '../../rbac/types.js';

// What the placement reconciler does with the API: read nodes and pods cluster-wide, set each ORv3
// node's power share (status subresource) and headroom label, publish the rack summary ConfigMap in the
// operator namespace, and record Events about nodes and racks.
export const PLACEMENT_RULES: PolicyRule[] = [
  { apiGroups: [''], resources: ['nodes'], verbs: [...READ, 'patch'] },
  { apiGroups: [''], resources: ['nodes/status'], verbs: ['patch'] },
  { apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch'] },
  { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'create', 'patch'] },
  { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create'] },
];
