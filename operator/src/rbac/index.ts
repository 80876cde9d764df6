import { CONNECTOR_RULES } from '../controllers/connector/rbac.js';
import { PARTICIPANT_RULES } from '../controllers/participant/rbac.js';
import { PLACEMENT_RULES } from '../controllers/placement/rbac.js';
import { POLICY_RULES } from '../controllers/policy/rbac.js';
import { TRUST_ANCHOR_RULES } from '../controllers/trustanchor/rbac.js';
import type { PolicyRule } from './types.js';

// The operator's ClusterRole, assembled from the rules each controller declares beside its reconciler
// plus what the manager itself needs (leader election). Rules are merged per API group and resource,
// so the role lists each resource once with the union of its verbs; the Helm chart renders this object.

export type { PolicyRule } from './types.js';

/** Leader election: the Lease the replicas compete for. */
export const MANAGER_RULES: PolicyRule[] = [
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch'] },
];

export const CONTROLLER_RULES: Record<string, PolicyRule[]> = {
  trustanchor: TRUST_ANCHOR_RULES,
  participant: PARTICIPANT_RULES,
  connector: CONNECTOR_RULES,
  policy: POLICY_RULES,
  placement: PLACEMENT_RULES,
};

const VERB_ORDER = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'bind'];

/** Merges rules: one rule per (group, resource, resourceNames), verbs united and in a fixed order. */
export function mergeRules(rules: readonly PolicyRule[]): PolicyRule[] {
  const merged = new Map<string, { group: string; resource: string; names?: string[]; verbs: Set<string> }>();
  for (const rule of rules) {
    for (const group of rule.apiGroups) {
      for (const resource of rule.resources) {
        const names = rule.resourceNames?.length ? [...rule.resourceNames].sort() : undefined;
        const id = `${group}|${resource}|${names?.join(',') ?? ''}`;
        const entry = merged.get(id) ?? { group, resource, ...(names ? { names } : {}), verbs: new Set<string>() };
        for (const verb of rule.verbs) entry.verbs.add(verb);
        merged.set(id, entry);
      }
    }
  }
  // Resources of one group with the same verbs share a rule, as people write them by hand.
  const grouped = new Map<string, PolicyRule>();
  for (const entry of [...merged.values()].sort((a, b) => `${a.group}|${a.resource}`.localeCompare(`${b.group}|${b.resource}`))) {
    const verbs = [...entry.verbs].sort((a, b) => VERB_ORDER.indexOf(a) - VERB_ORDER.indexOf(b));
    const id = `${entry.group}|${verbs.join(',')}|${entry.names?.join(',') ?? ''}`;
    const rule = grouped.get(id);
    if (rule) rule.resources.push(entry.resource);
    else grouped.set(id, { apiGroups: [entry.group], resources: [entry.resource], verbs, ...(entry.names ? { resourceNames: entry.names } : {}) });
  }
  return [...grouped.values()];
}

export function operatorRules(): PolicyRule[] {
  return mergeRules([...MANAGER_RULES, ...Object.values(CONTROLLER_RULES).flat()]);
}

/** The operator's ClusterRole (least privilege: exactly what the controllers and the manager use). */
export function operatorClusterRole(name = 'musubi-operator') {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name, labels: { 'app.kubernetes.io/name': 'musubi-operator', 'app.kubernetes.io/part-of': 'musubi' } },
    rules: operatorRules(),
  };
}

/** Whether `rules` allow `verb` on `resource` (e.g. `deployments` or `participants/status`) of `apiGroup`. */
export function allows(rules: readonly PolicyRule[], apiGroup: string, resource: string, verb: string, name?: string): boolean {
  return rules.some((r) =>
    (r.apiGroups.includes(apiGroup) || r.apiGroups.includes('*')) &&
    (r.resources.includes(resource) || r.resources.includes('*')) &&
    (r.verbs.includes(verb) || r.verbs.includes('*')) &&
    (!r.resourceNames?.length || (name !== undefined && r.resourceNames.includes(name))));
}
