import { placementDefaults, referenceEstimator, renderPlacement, WATTS_RESOURCE, type PlacementConfig } from '@musubi/operator/placement';
import type { KubeObject } from '@musubi/operator/runtime';

// The pods the benchmark creates: shaped like the operator's managed connector pods (required ORv3 node
// affinity, headroom-weighted preferences, hard host and soft rack spread, the connector PriorityClass),
// rendered by the same renderer and estimator the connector controller uses. Unmetered pods are the same
// pods without the watts request: the baseline the power constraints are measured against.

export const BENCH_WORKLOAD_LABEL = 'bench.musubi.dev/workload';

export interface BenchPodShape {
  /** CPU and memory each pod requests, e.g. "2" and "4Gi". */
  cpu: string;
  memory: string;
}

export interface BenchPodInput {
  name: string;
  namespace: string;
  /** The connector the pod belongs to; its replicas are spread together. */
  workload: string;
  placement: PlacementConfig;
  shape: BenchPodShape;
  /** Request power.musubi.dev/watts (the estimate), or run unmetered. */
  metered: boolean;
}

export function benchPod(input: BenchPodInput): KubeObject {
  const labels = { [BENCH_WORKLOAD_LABEL]: input.workload };
  const rendered = renderPlacement({
    workload: 'connector',
    placement: { requireORv3: true },
    resources: { requests: { cpu: input.shape.cpu, memory: input.shape.memory }, limits: { memory: input.shape.memory } },
    selectorLabels: labels,
    defaults: placementDefaults(input.placement, true),
    estimateWatts: referenceEstimator(input.placement),
  });
  const { requests, limits } = rendered.resources;
  if (!input.metered) {
    delete requests[WATTS_RESOURCE];
    delete limits[WATTS_RESOURCE];
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: input.name, namespace: input.namespace, labels, annotations: rendered.annotations },
    spec: {
      affinity: rendered.affinity,
      topologySpreadConstraints: rendered.topologySpreadConstraints,
      priorityClassName: rendered.priorityClassName,
      // kwok runs nothing; a pod deleted at the end of a run should go at once.
      terminationGracePeriodSeconds: 0,
      containers: [{ name: 'connector', image: 'registry.k8s.io/pause:3.10', resources: { requests, limits } }],
    },
  } as KubeObject;
}

/** Watts one metered pod of this shape requests (the connector estimate against the reference node). */
export function wattsPerPod(placement: PlacementConfig, shape: BenchPodShape): number {
  const pod = benchPod({ name: 'probe', namespace: 'probe', workload: 'probe', placement, shape, metered: true }) as KubeObject & { spec: { containers: Array<{ resources: { requests: Record<string, string> } }> } };
  return Number(pod.spec.containers[0]?.resources.requests[WATTS_RESOURCE]);
}

/** Pod names and workloads of a batch: `pods` replicas dealt round-robin over `workloads` connectors. */
export function batchPlan(prefix: string, pods: number, workloads: number): Array<{ name: string; workload: string }> {
  if (!Number.isInteger(pods) || pods < 1) throw new RangeError(`batchPlan: pods must be a positive whole number, got ${pods}`);
  if (!Number.isInteger(workloads) || workloads < 1) throw new RangeError(`batchPlan: workloads must be a positive whole number, got ${workloads}`);
  const width = String(workloads - 1).length;
  return Array.from({ length: pods }, (_, i) => {
    const workload = `${prefix}-conn-${String(i % workloads).padStart(width, '0')}`;
    return { name: `${workload}-${Math.floor(i / workloads)}`, workload };
  });
}
