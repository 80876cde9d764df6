import { API_VERSION } from '../../api/v1alpha1/common.js';
import type { ResourceType } from '../../runtime/index.js';

// The resource types the controllers read and write, named once.

export const TRUST_ANCHOR: ResourceType = { apiVersion: API_VERSION, kind: 'TrustAnchor' };
export const PARTICIPANT: ResourceType = { apiVersion: API_VERSION, kind: 'Participant' };
export const CONNECTOR: ResourceType = { apiVersion: API_VERSION, kind: 'Connector' };
export const POLICY: ResourceType = { apiVersion: API_VERSION, kind: 'Policy' };

export const NAMESPACE: ResourceType = { apiVersion: 'v1', kind: 'Namespace' };
export const CONFIG_MAP: ResourceType = { apiVersion: 'v1', kind: 'ConfigMap' };
export const SECRET: ResourceType = { apiVersion: 'v1', kind: 'Secret' };
export const SERVICE: ResourceType = { apiVersion: 'v1', kind: 'Service' };
export const SERVICE_ACCOUNT: ResourceType = { apiVersion: 'v1', kind: 'ServiceAccount' };
export const PERSISTENT_VOLUME_CLAIM: ResourceType = { apiVersion: 'v1', kind: 'PersistentVolumeClaim' };
export const RESOURCE_QUOTA: ResourceType = { apiVersion: 'v1', kind: 'ResourceQuota' };
export const LIMIT_RANGE: ResourceType = { apiVersion: 'v1', kind: 'LimitRange' };
export const DEPLOYMENT: ResourceType = { apiVersion: 'apps/v1', kind: 'Deployment' };
export const NETWORK_POLICY: ResourceType = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' };
export const POD_DISRUPTION_BUDGET: ResourceType = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' };
export const ROLE_BINDING: ResourceType = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding' };
