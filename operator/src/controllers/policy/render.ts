import type { CompiledPolicy } from '@musubi/core/policy';
import { API_VERSION } from '../../api/v1alpha1/common.js';
import { childLabels, controllerOwnerReference, type OwnerIdentity } from '../shared/labels.js';

export const COMPILED_POLICY_KEY = 'policy.json';

export function compiledPolicyConfigMapName(policyName: string): string {
  return `musubi-policy-${policyName}`;
}

/** The ConfigMap connectors mount to read a compiled policy. Pure. */
export function renderCompiledPolicy(owner: Omit<OwnerIdentity, 'apiVersion' | 'kind'>, compiled: CompiledPolicy) {
  const identity: OwnerIdentity = { ...owner, apiVersion: API_VERSION, kind: 'Policy' };
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: compiledPolicyConfigMapName(owner.name),
      namespace: owner.namespace,
      labels: childLabels(identity, 'policy'),
      annotations: { 'musubi.dev/policy-digest': compiled.digest },
      ownerReferences: [controllerOwnerReference(identity)],
    },
    data: { [COMPILED_POLICY_KEY]: JSON.stringify(compiled, null, 2) + '\n' },
  };
}
