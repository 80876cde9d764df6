import type { LabelSelector } from '../runtime/label-selector.js';
import type { PlacementConfig } from './config.js';
import type { HeadroomClass } from './headroom.js';
import { CONNECTOR_PRIORITY_CLASS, HOSTNAME_LABEL, PREFERRED_RACKS_ANNOTATION, TRUST_CRITICAL_PRIORITY_CLASS, WATTS_RESOURCE } from './names.js';
import type { PodResourceRequest, PowerClass } from './power-model.js';
import { bytes, cpuMillis, wholeUnits } from './quantity.js';

// Placement hints for a managed workload's pod template: what the stock scheduler needs to honour the rack
// power model. Pure: same input, same output (golden-tested).
//
// The watts request goes only on pods required to run on ORv3-class nodes. Only those nodes advertise
// power.musubi.dev/watts, so a watts request on a pod free to run anywhere would pin it to ORv3 anyway;
// such a pod instead runs unmetered, and the share computation charges its estimate to its node's rack.

export type WorkloadKind = 'connector' | 'issuer' | 'wallet';

export interface WorkloadPlacement {
  requireORv3?: boolean;
  powerProfile?: PowerClass;
  preferredRacks?: readonly string[];
}

export type Quantity = string | number;

export interface WorkloadResources {
  requests?: Record<string, Quantity>;
  limits?: Record<string, Quantity>;
}

export interface PlacementDefaults {
  /** Whether a workload that does not say is required to run on ORv3-class nodes. */
  requireORv3: boolean;
  rackLabel: string;
  headroomLabel: string;
  /** The ORv3-class node selector; becomes the required node affinity. */
  nodeSelector: LabelSelector;
  affinityWeights: { high: number; medium: number; low: number; preferredRack: number };
}

/** The renderer's defaults from the placement configuration and the operator-wide requireORv3 default. */
export function placementDefaults(config: PlacementConfig, requireORv3: boolean): PlacementDefaults {
  return {
    requireORv3,
    rackLabel: config.rackLabel,
    headroomLabel: config.headroomLabel,
    nodeSelector: config.nodeSelector,
    affinityWeights: { ...config.affinityWeights },
  };
}

export interface RenderPlacementInput {
  workload: WorkloadKind;
  /** The resource's spec.placement (connectors); absent means every default. */
  placement?: WorkloadPlacement;
  /** The resource's spec.resources, carried into the result with the watts added. */
  resources?: WorkloadResources;
  /** Labels that select this workload's pods (the spread constraints count them). */
  selectorLabels: Readonly<Record<string, string>>;
  defaults: PlacementDefaults;
  /** Watts a pod with these requests and power class is expected to draw (see referenceEstimator). */
  estimateWatts: (request: PodResourceRequest, powerClass: PowerClass) => number;
}

interface NodeSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface RenderedPlacement {
  affinity: {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms: Array<{ matchExpressions: NodeSelectorRequirement[] }> };
      preferredDuringSchedulingIgnoredDuringExecution: Array<{ weight: number; preference: { matchExpressions: NodeSelectorRequirement[] } }>;
    };
  };
  topologySpreadConstraints: Array<{
    maxSkew: number;
    topologyKey: string;
    whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
    labelSelector: { matchLabels: Record<string, string> };
  }>;
  priorityClassName: string;
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  /** Pod template annotations; the preferred racks, so the share computation can steer a pending pod. */
  annotations: Record<string, string>;
  /** The watts each pod requests; absent when the pods run unmetered. */
  wattsPerPod?: number;
}

export class PlacementRenderError extends Error {}

export function renderPlacement(input: RenderPlacementInput): RenderedPlacement {
  const placement = input.placement ?? {};
  const defaults = input.defaults;
  const requireORv3 = placement.requireORv3 ?? defaults.requireORv3;
  const powerClass = placement.powerProfile ?? 'standard';
  const preferredRacks = [...new Set(placement.preferredRacks ?? [])];

  const preferred: RenderedPlacement['affinity']['nodeAffinity']['preferredDuringSchedulingIgnoredDuringExecution'] = [];
  if (preferredRacks.length > 0) {
    preferred.push({ weight: defaults.affinityWeights.preferredRack, preference: { matchExpressions: [{ key: defaults.rackLabel, operator: 'In', values: preferredRacks }] } });
  }
  const headroomWeights: Array<[HeadroomClass, number]> = [
    ['high', defaults.affinityWeights.high],
    ['medium', defaults.affinityWeights.medium],
    ['low', defaults.affinityWeights.low],
  ];
  for (const [cls, weight] of headroomWeights) {
    preferred.push({ weight, preference: { matchExpressions: [{ key: defaults.headroomLabel, operator: 'In', values: [cls] }] } });
  }

  const nodeAffinity: RenderedPlacement['affinity']['nodeAffinity'] = requireORv3
    ? {
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: selectorRequirements(defaults.nodeSelector) }] },
      preferredDuringSchedulingIgnoredDuringExecution: preferred,
    }
    : { preferredDuringSchedulingIgnoredDuringExecution: preferred };

  const matchLabels = { ...input.selectorLabels };
  if (Object.keys(matchLabels).length === 0) throw new PlacementRenderError('renderPlacement: selectorLabels is empty; the spread constraints need the labels that select this workload\'s pods');
  const topologySpreadConstraints: RenderedPlacement['topologySpreadConstraints'] = [
    // Hard across hosts: losing one node must not take out more than one replica.
    { maxSkew: 1, topologyKey: HOSTNAME_LABEL, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels } },
    // Soft across racks: a rack without power headroom must still be able to refuse a replica.
    { maxSkew: 1, topologyKey: defaults.rackLabel, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { ...matchLabels } } },
  ];

  const requests = stringify(input.resources?.requests, 'spec.resources.requests');
  const limits = stringify(input.resources?.limits, 'spec.resources.limits');
  let wattsPerPod: number | undefined;
  if (requireORv3) {
    wattsPerPod = explicitWatts(input.resources) ?? input.estimateWatts(podRequest(input.resources), powerClass);
    // Extended resources cannot be overcommitted: the API server wants request == limit.
    requests[WATTS_RESOURCE] = String(wattsPerPod);
    limits[WATTS_RESOURCE] = String(wattsPerPod);
  } else {
    delete requests[WATTS_RESOURCE];
    delete limits[WATTS_RESOURCE];
  }

  const annotations: Record<string, string> = {};
  if (preferredRacks.length > 0) annotations[PREFERRED_RACKS_ANNOTATION] = preferredRacks.join(',');

  const rendered: RenderedPlacement = {
    affinity: { nodeAffinity },
    topologySpreadConstraints,
    priorityClassName: input.workload === 'connector' ? CONNECTOR_PRIORITY_CLASS : TRUST_CRITICAL_PRIORITY_CLASS,
    resources: { requests, limits },
    annotations,
  };
  if (wattsPerPod !== undefined) rendered.wattsPerPod = wattsPerPod;
  return rendered;
}

function selectorRequirements(selector: LabelSelector): NodeSelectorRequirement[] {
  const requirements: NodeSelectorRequirement[] = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => ({ key, operator: 'In', values: [value] }));
  for (const e of selector.matchExpressions ?? []) {
    requirements.push(e.values && e.values.length > 0 ? { key: e.key, operator: e.operator, values: [...e.values] } : { key: e.key, operator: e.operator });
  }
  if (requirements.length === 0) throw new PlacementRenderError('renderPlacement: defaults.nodeSelector is empty; a required ORv3 affinity needs at least one label requirement (placement.nodeSelector)');
  return requirements;
}

function stringify(quantities: Record<string, Quantity> | undefined, where: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(quantities ?? {})) {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new PlacementRenderError(`${where}.${name}: ${value} is not a quantity`);
    out[name] = String(value);
  }
  return out;
}

function podRequest(resources: WorkloadResources | undefined): PodResourceRequest {
  // As the API server defaults a missing request to the limit.
  const cpu = resources?.requests?.cpu ?? resources?.limits?.cpu;
  const memory = resources?.requests?.memory ?? resources?.limits?.memory;
  return {
    cpuMillis: cpu === undefined ? 0 : cpuMillis(cpu, 'spec.resources.requests.cpu'),
    memoryBytes: memory === undefined ? 0 : bytes(memory, 'spec.resources.requests.memory'),
  };
}

// A watts request written in the resource wins over the estimate: the owner may know its draw better.
function explicitWatts(resources: WorkloadResources | undefined): number | undefined {
  const value = resources?.requests?.[WATTS_RESOURCE] ?? resources?.limits?.[WATTS_RESOURCE];
  if (value === undefined) return undefined;
  const watts = wholeUnits(value, `spec.resources.requests["${WATTS_RESOURCE}"]`);
  if (watts < 1) throw new PlacementRenderError(`spec.resources.requests["${WATTS_RESOURCE}"]: must be at least 1; remove it to use the estimate`);
  return watts;
}

const PRIORITY_LABELS = { 'app.kubernetes.io/part-of': 'musubi', 'app.kubernetes.io/managed-by': 'musubi-operator' };

/**
 * The two PriorityClasses the renderer names. Issuers and wallets outrank connectors: without them no
 * credential can be issued or presented, so every connector in the dataspace stalls. Connectors do not
 * preempt other workloads; they wait for watts to free up.
 */
export function priorityClassManifests() {
  return [
    {
      apiVersion: 'scheduling.k8s.io/v1',
      kind: 'PriorityClass',
      metadata: { name: TRUST_CRITICAL_PRIORITY_CLASS, labels: { ...PRIORITY_LABELS } },
      value: 1000000,
      globalDefault: false,
      preemptionPolicy: 'PreemptLowerPriority',
      description: 'Musubi trust services (VC issuers, participant wallets): every connector depends on them.',
    },
    {
      apiVersion: 'scheduling.k8s.io/v1',
      kind: 'PriorityClass',
      metadata: { name: CONNECTOR_PRIORITY_CLASS, labels: { ...PRIORITY_LABELS } },
      value: 100000,
      globalDefault: false,
      preemptionPolicy: 'Never',
      description: 'Musubi dataspace connectors: scheduled ahead of best-effort work, never preempting it.',
    },
  ];
}
