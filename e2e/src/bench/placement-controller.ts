import { WATTS_RESOURCE, type PlacementConfig } from '@musubi/operator/placement';
import { Manager, type KubeClient, type KubeObject, type Logger, type ReadonlyStore } from '@musubi/operator/runtime';
import { setupPlacementController } from '@musubi/operator/controllers';

// The operator's placement controller run in-process, as the integration tests do: a Manager without
// leader election (one replica) with just that controller, publishing every ORv3 node's watts share.

export interface RunningPlacementController {
  /** The controller's node cache (the view its shares are computed from). */
  nodes: ReadonlyStore<KubeObject>;
  /** Node share and headroom label changes seen so far (what the controller wrote, as its watch saw it). */
  nodeChanges(): { shares: number; headroomLabels: number };
  /** True while a pass runs or one is queued. */
  busy(): Promise<boolean>;
  /** Reconcile passes so far and their mean duration. */
  passes(): Promise<{ count: number; meanMs: number }>;
  stop(): Promise<void>;
}

const NODE = { apiVersion: 'v1', kind: 'Node' } as const;

export async function startPlacementController(client: KubeClient, placement: PlacementConfig, namespace: string, logger?: Logger): Promise<RunningPlacementController> {
  const manager = new Manager({ client, processMetrics: false, ...(logger ? { logger } : {}) });
  setupPlacementController(manager, { client, placement, namespace, events: manager.eventRecorder('musubi.dev/operator') });
  const informer = manager.informer(NODE);
  const changes = { shares: 0, headroomLabels: 0 };
  const share = (n: KubeObject) => (n as { status?: { capacity?: Record<string, unknown> } }).status?.capacity?.[WATTS_RESOURCE];
  informer.addEventHandler({
    onUpdate: (old, node) => {
      if (share(old) !== share(node)) changes.shares++;
      if (old.metadata.labels?.[placement.headroomLabel] !== node.metadata.labels?.[placement.headroomLabel]) changes.headroomLabels++;
    },
  });
  await manager.start();
  return {
    nodes: informer.store,
    nodeChanges: () => ({ ...changes }),
    busy: async () => {
      const gauge = async (name: string, label: string) => (await manager.registry.getSingleMetric(name)?.get())?.values.find((v) => v.labels[label] === 'placement')?.value ?? 0;
      return (await gauge('controller_runtime_active_workers', 'controller')) > 0 || (await gauge('workqueue_depth', 'name')) > 0;
    },
    passes: async () => {
      const metric = await manager.registry.getSingleMetric('controller_runtime_reconcile_time_seconds')?.get();
      const value = (suffix: string) => metric?.values.find((v) => (v as { metricName?: string }).metricName === `controller_runtime_reconcile_time_seconds_${suffix}` && v.labels.controller === 'placement')?.value ?? 0;
      const count = value('count');
      return { count, meanMs: count > 0 ? (value('sum') / count) * 1000 : Number.NaN };
    },
    stop: () => manager.stop(),
  };
}
