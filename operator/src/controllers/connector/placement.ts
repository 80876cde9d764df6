import { placementDefaults, referenceEstimator, renderPlacement, type PlacementConfig } from '../../placement/index.js';
import type { PlacementRenderer } from './reconcile.js';

/**
 * Connector pods placed by the ORv3 rack power model: required or preferred ORv3 nodes, racks with
 * headroom preferred, replicas spread over hosts and racks, and a watts request the scheduler counts.
 */
export function orv3Placement(config: PlacementConfig, requireORv3Default: boolean): PlacementRenderer {
  const defaults = placementDefaults(config, requireORv3Default);
  const estimateWatts = referenceEstimator(config);
  return (request) => {
    const rendered = renderPlacement({
      workload: 'connector',
      ...(request.placement ? { placement: request.placement } : {}),
      resources: request.resources,
      selectorLabels: request.selectorLabels,
      defaults,
      estimateWatts,
    });
    return {
      affinity: rendered.affinity,
      topologySpreadConstraints: rendered.topologySpreadConstraints,
      priorityClassName: rendered.priorityClassName,
      resources: rendered.resources,
      podAnnotations: rendered.annotations,
      ...(rendered.wattsPerPod !== undefined ? { estimatedWatts: rendered.wattsPerPod } : {}),
    };
  };
}
