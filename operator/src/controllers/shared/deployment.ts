import type { ConditionStatus, KubeObject } from '../../runtime/index.js';

// Whether a managed Deployment serves: the verdict the Ready conditions of anchors, participants and
// connectors rest on, read from the Deployment's own status as kube-controller-manager reports it.

export interface Availability {
  status: ConditionStatus;
  reason: string;
  message: string;
  readyReplicas: number;
}

interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
}

export function deploymentAvailability(deployment: KubeObject | undefined, describe: string): Availability {
  if (!deployment) return { status: 'Unknown', reason: 'DeploymentPending', message: `${describe} has not been created yet.`, readyReplicas: 0 };
  const status = (deployment.status ?? {}) as DeploymentStatus;
  const desired = Number((deployment.spec as { replicas?: number } | undefined)?.replicas ?? 1);
  const ready = status.readyReplicas ?? 0;
  const generation = deployment.metadata.generation ?? 0;
  if ((status.observedGeneration ?? 0) < generation) {
    return { status: 'Unknown', reason: 'DeploymentProgressing', message: `${describe} is rolling out generation ${generation}; the deployment controller has not observed it yet.`, readyReplicas: ready };
  }
  const available = status.conditions?.find((c) => c.type === 'Available');
  const progressing = status.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded') {
    return { status: 'False', reason: 'DeploymentUnavailable', message: `${describe} failed to roll out: ${progressing.message ?? 'progress deadline exceeded'}. Check its pods with kubectl describe.`, readyReplicas: ready };
  }
  if (available?.status === 'True' && (status.updatedReplicas ?? 0) >= desired && (status.availableReplicas ?? 0) >= 1) {
    return { status: 'True', reason: 'DeploymentAvailable', message: `${describe} has ${ready}/${desired} ready replicas.`, readyReplicas: ready };
  }
  const detail = available?.message ? ` (${available.message})` : '';
  return {
    status: 'False',
    reason: 'DeploymentUnavailable',
    message: `${describe} has ${ready}/${desired} ready replicas${detail}; check its pods with kubectl describe.`,
    readyReplicas: ready,
  };
}

/** The restricted Pod Security profile: non-root, no privilege escalation, no capabilities, read-only root. */
export const RESTRICTED_POD_SECURITY = {
  runAsNonRoot: true,
  runAsUser: 65532,
  runAsGroup: 65532,
  fsGroup: 65532,
  seccompProfile: { type: 'RuntimeDefault' },
};

export const RESTRICTED_CONTAINER_SECURITY = {
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};
