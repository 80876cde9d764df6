import { podFactsFromKube, WATTS_RESOURCE } from '../../placement/index.js';
import type { ConditionStatus, KubeObject } from '../../runtime/index.js';

// Where a Connector's pods are, read from the pods themselves: whether the scheduler refused any (and
// why, in its own words), and which racks the ready ones run in. Pure, so every verdict is unit-tested.

export const PODS_SCHEDULED = 'PodsScheduled';
/** The scheduler refused a pod for want of power.musubi.dev/watts on every node it may run on. */
export const INSUFFICIENT_POWER = 'InsufficientPower';
/** The scheduler refused a pod for another reason (no matching node, CPU, spread). */
export const UNSCHEDULABLE = 'Unschedulable';

interface PodShape {
  spec?: { nodeName?: string };
  status?: { phase?: string; conditions?: Array<{ type?: string; status?: string; reason?: string; message?: string }> };
}

export interface PodScheduling {
  status: ConditionStatus;
  reason: string;
  message: string;
  /** Values of the rack label on the nodes the ready pods are bound to, sorted; empty off ORv3 racks. */
  racks: string[];
}

export interface PodSchedulingInput {
  /** The Connector's pods (any revision); terminating and finished ones are ignored. */
  pods: readonly KubeObject[];
  /** Labels of a node by name, from the cache; undefined when the node is not known (yet). */
  nodeLabels: (node: string) => Readonly<Record<string, string>> | undefined;
  rackLabel: string;
  /** What runs the pods, for messages, e.g. "Deployment shop/jp-manufacturer-connector". */
  workload: string;
}

const conditionOf = (pod: KubeObject, type: string) => (pod as PodShape).status?.conditions?.find((c) => c.type === type);

export function podScheduling(input: PodSchedulingInput): PodScheduling {
  const live = input.pods
    .filter((p) => !p.metadata.deletionTimestamp && !['Succeeded', 'Failed'].includes((p as PodShape).status?.phase ?? ''))
    .sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
  const racks = new Set<string>();
  for (const pod of live) {
    const node = (pod as PodShape).spec?.nodeName;
    if (!node || conditionOf(pod, 'Ready')?.status !== 'True') continue;
    const rack = input.nodeLabels(node)?.[input.rackLabel];
    if (rack) racks.add(rack);
  }
  const placed = { racks: [...racks].sort() };

  const pending = live.filter((p) => !(p as PodShape).spec?.nodeName);
  const refused = pending.filter((p) => {
    const scheduled = conditionOf(p, 'PodScheduled');
    return scheduled?.status === 'False' && scheduled.reason === 'Unschedulable';
  });
  const first = refused[0];
  if (first) {
    const said = conditionOf(first, 'PodScheduled')?.message?.trim() || 'no reason given';
    const pod = `Pod ${first.metadata.namespace}/${first.metadata.name}`;
    const more = refused.length > 1 ? ` ${refused.length - 1} more pod(s) of ${input.workload} wait the same way.` : '';
    if (said.includes(`Insufficient ${WATTS_RESOURCE}`)) {
      const watts = podFactsFromKube(first).facts?.wattsRequest;
      const asks = watts ? `it requests ${watts} W of ${WATTS_RESOURCE} (the connector's estimated draw)` : `it requests ${WATTS_RESOURCE}`;
      return {
        ...placed,
        status: 'False',
        reason: INSUFFICIENT_POWER,
        message:
          `${pod} cannot be scheduled: ${asks} and no ORv3 node it may run on has that much of its rack's power budget left. ` +
          `The scheduler says: "${said}".${more} Free power in a rack (scale down or remove workloads there), raise the rack's budget ` +
          '(placement.racks.<rack> in the operator configuration), or lower spec.resources or spec.placement.powerProfile.',
      };
    }
    return {
      ...placed,
      status: 'False',
      reason: UNSCHEDULABLE,
      message:
        `${pod} cannot be scheduled. The scheduler says: "${said}".${more} Check the nodes the pod may run on ` +
        '(spec.placement.requireORv3 needs ORv3-class nodes) and what it requests (spec.resources).',
    };
  }
  if (live.length === 0) {
    return { ...placed, status: 'Unknown', reason: 'PodsPending', message: `${input.workload} has no pods yet.` };
  }
  if (pending.length > 0) {
    return { ...placed, status: 'Unknown', reason: 'SchedulingPending', message: `${pending.length} of ${live.length} pod(s) of ${input.workload} wait for the scheduler.` };
  }
  const where = placed.racks.length > 0 ? `; the ready ones run in rack(s) ${placed.racks.join(', ')}` : '';
  return { ...placed, status: 'True', reason: 'PodsScheduled', message: `All ${live.length} pod(s) of ${input.workload} are bound to nodes${where}.` };
}
