import type { ConditionInput } from '../runtime/conditions.js';
import type { PlacementProblem } from './facts.js';

// What the operator shows about each rack: budget, what is drawn and requested, what the shares add up to,
// and the headroom left. The same numbers feed the headroom labels, a ConfigMap and (later) metrics.

export interface RackSummary {
  rack: string;
  nodes: number;
  /** Nodes that can take new pods (not cordoned, Ready). */
  schedulableNodes: number;
  /** Deliverable watts of the rack (after power factor, rectifier efficiency, derating and reserve). */
  budgetWatts: number;
  /** Watts drawn but not shareable: idle power of the CPU no pod requests, plus pods that request no watts. */
  baselineWatts: number;
  /** The part of the baseline estimated for pods that request no watts. */
  unmeteredWatts: number;
  /** Watts requested by the metered pods bound to the rack's nodes. */
  requestedWatts: number;
  /** Watts held on nodes for pending pods. */
  reservedWatts: number;
  /** Sum of the nodes' target shares. */
  allocatedWatts: number;
  /** budget - baseline - requested - reserved: what new pods can still be given; negative when over-committed. */
  headroomWatts: number;
  /** budget - baseline - allocated: watts in no node's share. */
  unallocatedWatts: number;
  overCommitted: boolean;
  /** The RackOverCommitted condition (status True with reason RequestsExceedBudget, or False). */
  condition: ConditionInput;
}

export interface RackSummaryTotals {
  racks: number;
  nodes: number;
  budgetWatts: number;
  baselineWatts: number;
  requestedWatts: number;
  reservedWatts: number;
  allocatedWatts: number;
  headroomWatts: number;
  overCommittedRacks: string[];
}

export function totalsOf(summaries: readonly RackSummary[]): RackSummaryTotals {
  const totals: RackSummaryTotals = { racks: 0, nodes: 0, budgetWatts: 0, baselineWatts: 0, requestedWatts: 0, reservedWatts: 0, allocatedWatts: 0, headroomWatts: 0, overCommittedRacks: [] };
  for (const s of summaries) {
    totals.racks += 1;
    totals.nodes += s.nodes;
    totals.budgetWatts += s.budgetWatts;
    totals.baselineWatts += s.baselineWatts;
    totals.requestedWatts += s.requestedWatts;
    totals.reservedWatts += s.reservedWatts;
    totals.allocatedWatts += s.allocatedWatts;
    totals.headroomWatts += Math.max(0, s.headroomWatts);
    if (s.overCommitted) totals.overCommittedRacks.push(s.rack);
  }
  return totals;
}

export interface SummaryConfigMapOptions {
  name?: string;
  namespace: string;
  labels?: Record<string, string>;
  /** Problems found reading the cluster (e.g. a node without its rack label); written as `problems.json` when given. */
  problems?: readonly PlacementProblem[];
}

/**
 * A ConfigMap carrying the summaries (`racks.json`, one object per rack in rack order) and their totals
 * (`totals.json`), for `kubectl get cm -o yaml` and dashboards. Pure: same summaries, same bytes.
 */
export function rackSummaryConfigMap(summaries: readonly RackSummary[], options: SummaryConfigMapOptions) {
  const ordered = [...summaries].sort((a, b) => (a.rack < b.rack ? -1 : a.rack > b.rack ? 1 : 0));
  return {
    apiVersion: 'v1' as const,
    kind: 'ConfigMap' as const,
    metadata: {
      name: options.name ?? 'musubi-rack-power',
      namespace: options.namespace,
      labels: { 'app.kubernetes.io/part-of': 'musubi', 'app.kubernetes.io/component': 'rack-power', ...options.labels },
    },
    data: {
      'racks.json': `${JSON.stringify(ordered, null, 2)}\n`,
      'totals.json': `${JSON.stringify(totalsOf(ordered), null, 2)}\n`,
      ...(options.problems ? { 'problems.json': `${JSON.stringify(options.problems, null, 2)}\n` } : {}),
    },
  };
}
