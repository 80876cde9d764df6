import type { KubeObject } from '../runtime/objects.js';
import { matchesLabelSelector } from '../runtime/label-selector.js';
import type { PlacementConfig } from './config.js';
import { allowedNodes, boundPodsOf, NodeTopology, placementRulesOf, type NodeFilter } from './constraints.js';
import { powerProfiles } from './power-model.js';
import type { PowerProfile } from './power-profiles.js';
import { FULL_LOAD_WATTS_ANNOTATION, IDLE_WATTS_ANNOTATION, PREFERRED_RACKS_ANNOTATION, WATTS_RESOURCE } from './names.js';
import { bytes, cpuMillis, QuantityError, wholeUnits } from './quantity.js';

// What the share computation needs to know about nodes and pods, already parsed, and the pure adapters
// that read it off Node and Pod objects. Parsing once here keeps computeShares a tight loop over numbers.

export interface NodeFacts {
  name: string;
  labels: Readonly<Record<string, string>>;
  /** Allocatable CPU in millicores. */
  cpuMillis: number;
  /** Allocatable memory in bytes. */
  memoryBytes: number;
  profile: PowerProfile;
  /** The share the node advertises now (`status.capacity`); absent when the node has none, e.g. after re-registering. */
  currentShareWatts?: number;
  /** False for cordoned or NotReady nodes: they keep what their pods request and get no free share. */
  schedulable: boolean;
}

export interface PodFacts {
  namespace: string;
  name: string;
  /** The node the pod is bound to; absent while pending. */
  nodeName?: string;
  /** The pod's `power.musubi.dev/watts` request; 0 for a pod that does not request power (unmetered). */
  wattsRequest: number;
  cpuMillis: number;
  memoryBytes: number;
  /** For a pending pod: the node the scheduler nominated (preemption) or that the pod is steered to. */
  preferredNode?: string;
  /** For a pending pod: racks it prefers, in order. */
  preferredRacks?: readonly string[];
  /**
   * For a pending pod: the nodes its node selector, required node affinity and hard topology spread allow
   * now (constraints.ts). Absent when it has none of these: every node is allowed.
   */
  allowedNodes?: NodeFilter;
}

export type PlacementProblemReason =
  | 'NodeMissingRackLabel'
  | 'UnknownCpuFamily'
  | 'InvalidPowerAnnotation'
  | 'InvalidNodeResources'
  | 'InvalidPowerCapacity'
  | 'InvalidPodResources'
  | 'RackWithoutBudget';

export interface PlacementProblem {
  reason: PlacementProblemReason;
  /** The object the problem is about, e.g. "Node rack-07-node-12" or "Pod shop/connector-0". */
  object: string;
  /** Field path or label/annotation key at fault. */
  field?: string;
  /** A sentence a person can act on. */
  message: string;
}

export interface AdaptedNode {
  /** Absent when the node is not ORv3-class or cannot be read. */
  facts?: NodeFacts;
  problems: PlacementProblem[];
}

interface NodeShape {
  spec?: { unschedulable?: boolean };
  status?: {
    capacity?: Record<string, string | number>;
    allocatable?: Record<string, string | number>;
    conditions?: Array<{ type?: string; status?: string }>;
  };
}

/** Whether the operator manages this node's power (it matches config.nodeSelector). */
export function isManagedNode(node: KubeObject, config: PlacementConfig): boolean {
  return matchesLabelSelector(config.nodeSelector, node.metadata.labels);
}

/** Reads a Node into NodeFacts; unmanaged nodes give no facts and no problems. */
export function nodeFactsFromKube(node: KubeObject, config: PlacementConfig): AdaptedNode {
  if (!isManagedNode(node, config)) return { problems: [] };
  const name = node.metadata.name ?? '';
  const object = `Node ${name}`;
  const labels = node.metadata.labels ?? {};
  const annotations = node.metadata.annotations ?? {};
  const shape = node as unknown as NodeShape;
  const problems: PlacementProblem[] = [];

  const allocatable = shape.status?.allocatable ?? {};
  let cpu: number;
  let memory: number;
  try {
    if (allocatable.cpu === undefined) throw new QuantityError('status.allocatable.cpu: missing; the kubelet has not reported the node\'s capacity yet');
    cpu = cpuMillis(allocatable.cpu, 'status.allocatable.cpu');
    memory = allocatable.memory === undefined ? 0 : bytes(allocatable.memory, 'status.allocatable.memory');
    if (cpu <= 0) throw new QuantityError('status.allocatable.cpu: must be positive for a node that runs pods');
  } catch (err) {
    problems.push({ reason: 'InvalidNodeResources', object, field: 'status.allocatable', message: `${object}: ${(err as Error).message}; its share is left as it is` });
    return { problems };
  }

  const profile = resolveProfile(name, labels, annotations, config, problems);

  let currentShareWatts: number | undefined;
  const advertised = shape.status?.capacity?.[WATTS_RESOURCE];
  if (advertised !== undefined) {
    try {
      currentShareWatts = wholeUnits(advertised, `status.capacity["${WATTS_RESOURCE}"]`);
    } catch (err) {
      problems.push({ reason: 'InvalidPowerCapacity', object, field: `status.capacity.${WATTS_RESOURCE}`, message: `${object}: ${(err as Error).message}; the share is treated as lost and restored` });
    }
  }

  const ready = shape.status?.conditions?.find((c) => c.type === 'Ready');
  const schedulable = shape.spec?.unschedulable !== true && (ready === undefined || ready.status === 'True');

  const facts: NodeFacts = { name, labels, cpuMillis: cpu, memoryBytes: memory, profile, schedulable };
  if (currentShareWatts !== undefined) facts.currentShareWatts = currentShareWatts;
  return { facts, problems };
}

function resolveProfile(
  name: string,
  labels: Readonly<Record<string, string>>,
  annotations: Readonly<Record<string, string>>,
  config: PlacementConfig,
  problems: PlacementProblem[],
): PowerProfile {
  const object = `Node ${name}`;
  const profiles = powerProfiles(config);
  const family = labels[config.cpuFamilyLabel] ?? config.defaultCpuFamily;
  let base = Object.hasOwn(profiles, family) ? profiles[family] : undefined;
  if (!base) {
    // Guessing low would let pods overdraw the rack; the hungriest known profile errs on the safe side.
    base = Object.values(profiles).reduce((a, b) => (b.fullLoadWatts > a.fullLoadWatts ? b : a));
    problems.push({
      reason: 'UnknownCpuFamily',
      object,
      field: `metadata.labels.${config.cpuFamilyLabel}`,
      message: `${object}: CPU family "${family}" has no power profile; using the highest known (${base.fullLoadWatts} W at full load) until you add it under placement.cpuFamilies or fix the label (known: ${Object.keys(profiles).join(', ')})`,
    });
  }
  const idle = wattsAnnotation(annotations, IDLE_WATTS_ANNOTATION, object, problems);
  const full = wattsAnnotation(annotations, FULL_LOAD_WATTS_ANNOTATION, object, problems);
  const profile = { idleWatts: idle ?? base.idleWatts, fullLoadWatts: full ?? base.fullLoadWatts };
  if (profile.fullLoadWatts < profile.idleWatts) {
    problems.push({
      reason: 'InvalidPowerAnnotation',
      object,
      field: `metadata.annotations.${FULL_LOAD_WATTS_ANNOTATION}`,
      message: `${object}: full-load watts (${profile.fullLoadWatts}) are below idle watts (${profile.idleWatts}); the annotations are ignored until ${FULL_LOAD_WATTS_ANNOTATION} >= ${IDLE_WATTS_ANNOTATION}`,
    });
    return { idleWatts: base.idleWatts, fullLoadWatts: base.fullLoadWatts };
  }
  return profile;
}

function wattsAnnotation(annotations: Readonly<Record<string, string>>, key: string, object: string, problems: PlacementProblem[]): number | undefined {
  const raw = annotations[key];
  if (raw === undefined) return undefined;
  const value = Number(raw.trim());
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0 || value > 100000) {
    problems.push({
      reason: 'InvalidPowerAnnotation',
      object,
      field: `metadata.annotations.${key}`,
      message: `${object}: annotation ${key}="${raw}" must be a number of watts between 0 and 100000, e.g. "117"; the CPU family profile is used instead`,
    });
    return undefined;
  }
  return value;
}

interface ContainerShape {
  resources?: { requests?: Record<string, string | number> };
  restartPolicy?: string;
}

interface PodShape {
  spec?: {
    nodeName?: string;
    containers?: ContainerShape[];
    initContainers?: ContainerShape[];
    overhead?: Record<string, string | number>;
  };
  status?: { phase?: string; nominatedNodeName?: string };
}

export interface AdaptedPod {
  /** Absent for finished pods (they hold no resources) and unreadable ones. */
  facts?: PodFacts;
  problems: PlacementProblem[];
}

/** Reads a Pod into PodFacts with the scheduler's effective requests (containers, init containers, sidecars, overhead). */
export function podFactsFromKube(pod: KubeObject): AdaptedPod {
  const shape = pod as unknown as PodShape;
  const phase = shape.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return { problems: [] };
  const namespace = pod.metadata.namespace ?? '';
  const name = pod.metadata.name ?? '';
  const object = `Pod ${namespace}/${name}`;
  let requests: { cpu: number; memory: number; watts: number };
  try {
    requests = effectiveRequests(shape);
  } catch (err) {
    return { problems: [{ reason: 'InvalidPodResources', object, field: 'spec', message: `${object}: ${(err as Error).message}` }] };
  }
  const facts: PodFacts = { namespace, name, wattsRequest: requests.watts, cpuMillis: requests.cpu, memoryBytes: requests.memory };
  const nodeName = shape.spec?.nodeName;
  if (nodeName) facts.nodeName = nodeName;
  else {
    const nominated = shape.status?.nominatedNodeName;
    if (nominated) facts.preferredNode = nominated;
    const racks = pod.metadata.annotations?.[PREFERRED_RACKS_ANNOTATION];
    if (racks) facts.preferredRacks = racks.split(',').map((r) => r.trim()).filter((r) => r.length > 0);
  }
  return { facts, problems: [] };
}

// The scheduler's rule: max(sum of app containers + sidecars, the largest init container plus the sidecars
// started before it), plus the pod overhead.
function effectiveRequests(pod: PodShape): { cpu: number; memory: number; watts: number } {
  const read = (c: ContainerShape | undefined, where: string) => {
    const r = c?.resources?.requests ?? {};
    return {
      cpu: r.cpu === undefined ? 0 : cpuMillis(r.cpu, `${where}.resources.requests.cpu`),
      memory: r.memory === undefined ? 0 : bytes(r.memory, `${where}.resources.requests.memory`),
      watts: r[WATTS_RESOURCE] === undefined ? 0 : wholeUnits(r[WATTS_RESOURCE], `${where}.resources.requests["${WATTS_RESOURCE}"]`),
    };
  };
  const total = { cpu: 0, memory: 0, watts: 0 };
  (pod.spec?.containers ?? []).forEach((c, i) => {
    const r = read(c, `spec.containers[${i}]`);
    total.cpu += r.cpu;
    total.memory += r.memory;
    total.watts += r.watts;
  });
  const sidecars = { cpu: 0, memory: 0, watts: 0 };
  const initPeak = { cpu: 0, memory: 0, watts: 0 };
  (pod.spec?.initContainers ?? []).forEach((c, i) => {
    const r = read(c, `spec.initContainers[${i}]`);
    for (const k of ['cpu', 'memory', 'watts'] as const) {
      if (c.restartPolicy === 'Always') {
        sidecars[k] += r[k];
        initPeak[k] = Math.max(initPeak[k], sidecars[k]);
      } else {
        initPeak[k] = Math.max(initPeak[k], sidecars[k] + r[k]);
      }
    }
  });
  const overhead = read({ resources: { requests: pod.spec?.overhead ?? {} } }, 'spec.overhead');
  return {
    cpu: Math.max(total.cpu + sidecars.cpu, initPeak.cpu) + overhead.cpu,
    memory: Math.max(total.memory + sidecars.memory, initPeak.memory) + overhead.memory,
    watts: Math.max(total.watts + sidecars.watts, initPeak.watts) + overhead.watts,
  };
}

export interface ClusterFacts {
  nodes: NodeFacts[];
  pods: PodFacts[];
  problems: PlacementProblem[];
}

/**
 * Reads every managed node and every live pod; unmanaged nodes are skipped, problems collected. A pending
 * pod that requests watts gets the nodes it may be bound to (allowedNodes) when it has placement rules.
 */
export function readCluster(config: PlacementConfig, nodeObjects: readonly KubeObject[], podObjects: readonly KubeObject[]): ClusterFacts {
  const cluster: ClusterFacts = { nodes: [], pods: [], problems: [] };
  for (const node of nodeObjects) {
    const { facts, problems } = nodeFactsFromKube(node, config);
    if (facts) cluster.nodes.push(facts);
    cluster.problems.push(...problems);
  }
  const pending: Array<[KubeObject, PodFacts]> = [];
  for (const pod of podObjects) {
    const { facts, problems } = podFactsFromKube(pod);
    if (facts) {
      cluster.pods.push(facts);
      if (facts.nodeName === undefined && facts.wattsRequest > 0) pending.push([pod, facts]);
    }
    cluster.problems.push(...problems);
  }
  if (pending.length > 0) {
    const bound = boundPodsOf(podObjects);
    const topology = new NodeTopology(cluster.nodes);
    // The replicas of one workload share their rules and labels: their allowed nodes are computed once.
    const computed = new Map<string, NodeFilter>();
    for (const [pod, facts] of pending) {
      const rules = placementRulesOf(pod);
      if (!rules.constrained) continue;
      const key = `${JSON.stringify([facts.namespace, pod.metadata.labels ?? {}])}${rules.key}`;
      let allowed = computed.get(key);
      if (!allowed) {
        allowed = allowedNodes({ namespace: facts.namespace, labels: pod.metadata.labels ?? {} }, rules, topology, bound);
        computed.set(key, allowed);
      }
      facts.allowedNodes = allowed;
    }
  }
  return cluster;
}
