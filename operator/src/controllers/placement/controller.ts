import { WATTS_RESOURCE, type PlacementConfig } from '../../placement/index.js';
import type { KubeObject, Manager } from '../../runtime/index.js';
import type { EventSink } from '../shared/context.js';
import { RackPowerGauges } from './metrics.js';
import { PLACEMENT_KEY, PlacementReconciler } from './reconcile.js';

// Registers the placement controller: every node and pod change that can move a share maps to one key,
// so a burst of pod creations coalesces into one pass over the cluster. It runs on the leader only (the
// manager starts controllers on the leader), and does nothing but publish an empty summary when no
// node is ORv3-class.

export interface PlacementControllerContext {
  client: ConstructorParameters<typeof PlacementReconciler>[0]['client'];
  placement: PlacementConfig;
  namespace: string;
  events: EventSink;
}

const NODE = { apiVersion: 'v1', kind: 'Node' } as const;
const POD = { apiVersion: 'v1', kind: 'Pod' } as const;

interface PodShape {
  spec?: { nodeName?: string; containers?: Array<{ resources?: { requests?: Record<string, unknown> } }>; initContainers?: Array<{ resources?: { requests?: Record<string, unknown> } }> };
  status?: { phase?: string; nominatedNodeName?: string };
}

interface NodeShape {
  spec?: { unschedulable?: boolean };
  status?: { capacity?: Record<string, unknown>; allocatable?: Record<string, unknown>; conditions?: Array<{ type?: string; status?: string }> };
}

function requestsWatts(pod: KubeObject): boolean {
  const spec = (pod as PodShape).spec;
  return [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])].some((c) => c.resources?.requests?.[WATTS_RESOURCE] !== undefined);
}

/** Pods that matter: bound ones (they draw power on their node) and pending ones that request watts. */
export function podMatters(pod: KubeObject): boolean {
  return Boolean((pod as PodShape).spec?.nodeName) || requestsWatts(pod);
}

// What of a pod the model reads; kwok and kubelets rewrite status often, most of it irrelevant here.
function podFingerprint(pod: KubeObject): string {
  const p = pod as PodShape;
  return `${p.spec?.nodeName ?? ''}|${p.status?.phase ?? ''}|${p.status?.nominatedNodeName ?? ''}|${pod.metadata.annotations ? 'a' : ''}`;
}

// Node heartbeats change every few seconds; only labels, annotations, schedulability, readiness and
// resources feed the model.
function nodeFingerprint(node: KubeObject): string {
  const n = node as NodeShape;
  const ready = n.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? '';
  return JSON.stringify([node.metadata.labels ?? {}, node.metadata.annotations ?? {}, n.spec?.unschedulable ?? false, ready, n.status?.capacity ?? {}, n.status?.allocatable ?? {}]);
}

export function setupPlacementController(manager: Manager, context: PlacementControllerContext) {
  const nodes = manager.informer(NODE);
  const pods = manager.informer(POD);
  const reconciler = new PlacementReconciler({
    client: context.client,
    config: context.placement,
    namespace: context.namespace,
    nodes: nodes.store,
    pods: pods.store,
    events: context.events,
    gauges: new RackPowerGauges(manager.registry),
  });
  const toKey = () => [PLACEMENT_KEY];
  return manager.addController({
    name: 'placement',
    // One pass at a time: two concurrent passes could interleave their patches and break the ordering.
    workers: 1,
    reconcile: async (_key, ctx) => {
      await reconciler.reconcile(ctx.logger);
    },
    watches: [
      { informer: nodes, mapToKeys: toKey, predicate: (event, obj, old) => event !== 'update' || !old || nodeFingerprint(obj) !== nodeFingerprint(old) },
      {
        informer: pods,
        mapToKeys: toKey,
        predicate: (event, obj, old) => {
          if (!podMatters(obj) && !(old && podMatters(old))) return false;
          return event !== 'update' || !old || podFingerprint(obj) !== podFingerprint(old);
        },
      },
    ],
  });
}
