import { matchesLabelSelector, type LabelSelector } from '../runtime/label-selector.js';
import type { KubeObject } from '../runtime/objects.js';
import type { NodeFacts } from './facts.js';

// The nodes a pending pod may be bound to, by the scheduler's hard rules that do not depend on resources:
// its node selector, its required node affinity and its DoNotSchedule topology spread constraints. Watts
// reserved for a pod on a node it may not use would sit there while the pod stays Pending (a second
// replica of a spread group steered to the host that already runs the first), so reservations honour
// these. Evaluated over the managed nodes only: the only ones a pod that requests watts can run on.

interface NodeSelectorRequirement {
  key?: string;
  operator?: string;
  values?: string[];
}

interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

interface SpreadConstraintShape {
  maxSkew?: number;
  topologyKey?: string;
  whenUnsatisfiable?: string;
  labelSelector?: LabelSelector;
  matchLabelKeys?: string[];
  nodeAffinityPolicy?: string;
}

interface PodShape {
  spec?: {
    nodeName?: string;
    nodeSelector?: Record<string, string>;
    affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: NodeSelectorTerm[] } } };
    topologySpreadConstraints?: SpreadConstraintShape[];
  };
  status?: { phase?: string };
}

interface HardSpread {
  topologyKey: string;
  maxSkew: number;
  /** Absent: the constraint selects no pods (what the scheduler makes of a missing selector). */
  selector?: LabelSelector;
  honourAffinity: boolean;
}

export interface PodPlacementRules {
  /** Whether the node passes the pod's node selector and required node affinity. */
  admits(node: Pick<NodeFacts, 'name' | 'labels'>): boolean;
  /** Identifies the node selector and affinity, so pods with the same ones share what they admit. */
  affinityKey: string;
  /** Identifies all of the rules: pods with the same rules, namespace and labels are allowed the same nodes. */
  key: string;
  spread: readonly HardSpread[];
  /** False when the pod has none of these rules: every node is allowed. */
  constrained: boolean;
}

/** A pod's bound neighbour, as topology spread counts it. */
export interface BoundPod {
  namespace: string;
  labels: Readonly<Record<string, string>>;
  nodeName: string;
}

function requirementHolds(req: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      const have = Number(value);
      const bound = Number(values[0]);
      if (value === undefined || !Number.isInteger(have) || !Number.isInteger(bound)) return false;
      return req.operator === 'Gt' ? have > bound : have < bound;
    }
    default:
      return false;
  }
}

function termHolds(term: NodeSelectorTerm, node: Pick<NodeFacts, 'name' | 'labels'>): boolean {
  const expressions = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  // An empty term selects no node.
  if (expressions.length === 0 && fields.length === 0) return false;
  return expressions.every((r) => requirementHolds(r, node.labels[r.key ?? '']))
    && fields.every((r) => requirementHolds(r, r.key === 'metadata.name' ? node.name : undefined));
}

export function placementRulesOf(pod: KubeObject): PodPlacementRules {
  const spec = (pod as PodShape).spec ?? {};
  const nodeSelector = spec.nodeSelector ?? {};
  const terms = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  const admits = (node: Pick<NodeFacts, 'name' | 'labels'>) =>
    Object.entries(nodeSelector).every(([k, v]) => node.labels[k] === v) && (terms === undefined || terms.some((t) => termHolds(t, node)));
  const labels = pod.metadata.labels ?? {};
  const spread: HardSpread[] = [];
  for (const c of spec.topologySpreadConstraints ?? []) {
    if (c.whenUnsatisfiable !== 'DoNotSchedule' || !c.topologyKey) continue;
    let selector = c.labelSelector;
    // matchLabelKeys narrow the selector to pods with the same values (e.g. the same pod-template-hash).
    for (const key of c.matchLabelKeys ?? []) {
      const value = labels[key];
      if (selector && value !== undefined) selector = { ...selector, matchLabels: { ...selector.matchLabels, [key]: value } };
    }
    spread.push({ topologyKey: c.topologyKey, maxSkew: Math.max(1, c.maxSkew ?? 1), ...(selector ? { selector } : {}), honourAffinity: c.nodeAffinityPolicy !== 'Ignore' });
  }
  const affinityKey = JSON.stringify([nodeSelector, terms ?? null]);
  return {
    admits,
    affinityKey,
    key: `${affinityKey}${JSON.stringify(spread)}`,
    spread,
    constrained: Object.keys(nodeSelector).length > 0 || terms !== undefined || spread.length > 0,
  };
}

/**
 * Live bound pods by namespace and by label, so counting the pods a spread constraint selects reads the
 * few candidates of one label rather than every pod in the cluster, once per pending workload.
 */
export class BoundPods {
  private readonly byNamespace = new Map<string, BoundPod[]>();
  private readonly byLabel = new Map<string, BoundPod[]>();

  constructor(pods: readonly BoundPod[]) {
    const add = (index: Map<string, BoundPod[]>, key: string, pod: BoundPod) => {
      const list = index.get(key);
      if (list) list.push(pod);
      else index.set(key, [pod]);
    };
    for (const pod of pods) {
      add(this.byNamespace, pod.namespace, pod);
      for (const [k, v] of Object.entries(pod.labels)) add(this.byLabel, `${pod.namespace}\u0000${k}=${v}`, pod);
    }
  }

  /** A superset of the pods of `namespace` that `selector` can match. */
  candidates(namespace: string, selector: LabelSelector): readonly BoundPod[] {
    let fewest = this.byNamespace.get(namespace) ?? [];
    for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
      const list = this.byLabel.get(`${namespace}\u0000${k}=${v}`) ?? [];
      if (list.length < fewest.length) fewest = list;
    }
    return fewest;
  }
}

/** Which nodes a pod may use, as a membership test: nothing the size of the cluster is built per pod. */
export interface NodeFilter {
  has(node: string): boolean;
}

/**
 * The managed nodes with what the pending pods of one pass share, computed once: the nodes each node
 * selector and affinity admits, and the domains of each topology key among them.
 */
export class NodeTopology {
  private readonly admitted = new Map<string, Set<string>>();
  private readonly domains = new Map<string, { domainOf: Map<string, string>; count: number }>();

  constructor(private readonly nodes: readonly Pick<NodeFacts, 'name' | 'labels'>[]) {}

  admittedBy(rules: PodPlacementRules): Set<string> {
    let admitted = this.admitted.get(rules.affinityKey);
    if (!admitted) {
      admitted = new Set(this.nodes.filter((n) => rules.admits(n)).map((n) => n.name));
      this.admitted.set(rules.affinityKey, admitted);
    }
    return admitted;
  }

  /** The domain (value of the key) of every node eligible for the constraint, and how many domains there are. */
  domainsOf(rules: PodPlacementRules, c: HardSpread): { domainOf: Map<string, string>; count: number } {
    const id = `${c.topologyKey}\u0000${c.honourAffinity ? rules.affinityKey : ''}`;
    let domains = this.domains.get(id);
    if (!domains) {
      const admitted = c.honourAffinity ? this.admittedBy(rules) : undefined;
      const domainOf = new Map<string, string>();
      for (const n of this.nodes) {
        const value = n.labels[c.topologyKey];
        if (value !== undefined && (!admitted || admitted.has(n.name))) domainOf.set(n.name, value);
      }
      domains = { domainOf, count: new Set(domainOf.values()).size };
      this.domains.set(id, domains);
    }
    return domains;
  }
}

/**
 * The nodes the pod may be bound to now: admitted by its node selector and affinity, and for every hard
 * spread constraint in a domain where one more matching pod keeps the skew within maxSkew. Counts, as the
 * scheduler does, the live pods of the pod's namespace matching the constraint's selector on the nodes
 * eligible for the constraint (carrying the key, and admitted unless nodeAffinityPolicy is Ignore).
 */
export function allowedNodes(
  pod: { namespace: string; labels: Readonly<Record<string, string>> },
  rules: PodPlacementRules,
  topology: NodeTopology,
  bound: BoundPods,
): NodeFilter {
  const admitted = topology.admittedBy(rules);
  const checks: Array<(node: string) => boolean> = [];
  for (const c of rules.spread) {
    const { domainOf, count } = topology.domainsOf(rules, c);
    const counts = new Map<string, number>();
    if (c.selector) {
      for (const p of bound.candidates(pod.namespace, c.selector)) {
        const d = domainOf.get(p.nodeName);
        if (d !== undefined && p.namespace === pod.namespace && matchesLabelSelector(c.selector, p.labels)) counts.set(d, (counts.get(d) ?? 0) + 1);
      }
    }
    // Domains without a matching pod are the minimum (0) unless every domain has one.
    let fewest = counts.size < count ? 0 : Infinity;
    if (fewest !== 0) for (const n of counts.values()) fewest = Math.min(fewest, n);
    const self = c.selector && matchesLabelSelector(c.selector, pod.labels) ? 1 : 0;
    checks.push((node) => {
      const d = domainOf.get(node);
      return d !== undefined && (counts.get(d) ?? 0) + self - fewest <= c.maxSkew;
    });
  }
  return { has: (node) => admitted.has(node) && checks.every((check) => check(node)) };
}

/** Live pods bound to a node, as topology spread counts them (terminating and finished pods do not count). */
export function boundPodsOf(podObjects: readonly KubeObject[]): BoundPods {
  const bound: BoundPod[] = [];
  for (const pod of podObjects) {
    const shape = pod as PodShape;
    const nodeName = shape.spec?.nodeName;
    const phase = shape.status?.phase;
    if (!nodeName || pod.metadata.deletionTimestamp || phase === 'Succeeded' || phase === 'Failed') continue;
    bound.push({ namespace: pod.metadata.namespace ?? '', labels: pod.metadata.labels ?? {}, nodeName });
  }
  return new BoundPods(bound);
}
