import type { CoreV1Api, V1Node, V1Taint } from '@kubernetes/client-node';
import { KWOK_NODE_ANNOTATION } from './components.js';

/** Node labels of an ORv3 rack as the placement model reads them (operator/src/placement/config.ts defaults). */
export const ORV3_LABELS = {
  rack: 'topology.musubi.dev/rack',
  nodeClass: 'node.musubi.dev/class',
  cpuFamily: 'node.musubi.dev/cpu-family',
  zone: 'topology.kubernetes.io/zone',
  hostname: 'kubernetes.io/hostname',
} as const;

export const ORV3_NODE_CLASS = 'orv3';

export interface Orv3RackOptions {
  /** How many racks (named `<namePrefix>-rack-00`, `-01`, …), or their names. */
  racks: number | readonly string[];
  /** Nodes per rack; the placement model's rack of 34 nodes unless told otherwise. */
  nodesPerRack?: number;
  /** Prefix of rack and node names; give each suite its own so suites sharing a cluster do not collide. */
  namePrefix?: string;
  /** Zones racks are spread over, round-robin. Default: one zone, `<namePrefix>-zone-a`. */
  zones?: readonly string[];
  /** Capacity (= allocatable) of every node. */
  capacity?: { cpu?: string; memory?: string; pods?: number; extended?: Readonly<Record<string, string>> };
  /** Value of node.musubi.dev/cpu-family (selects the power profile). Default `amd-epyc-9004`. */
  cpuFamily?: string;
  /** More labels and annotations on every node (they cannot replace the rack, class or kwok ones). */
  labels?: Readonly<Record<string, string>>;
  annotations?: Readonly<Record<string, string>>;
  taints?: readonly V1Taint[];
  /** Nodes created at once. */
  concurrency?: number;
}

export interface Orv3Rack {
  name: string;
  zone: string;
  nodes: string[];
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Registers racks × nodesPerRack nodes for kwok to simulate (the annotation kwok selects by default),
 * each labelled with its rack, zone, hostname and the ORv3 node class, with the given capacity.
 * kwok makes them Ready; the scheduler can then bind pods to them. Returns the racks and node names.
 */
export async function createOrv3Racks(core: CoreV1Api, options: Orv3RackOptions): Promise<Orv3Rack[]> {
  const prefix = options.namePrefix ?? 'orv3';
  const perRack = options.nodesPerRack ?? 34;
  if (typeof options.racks === 'number' && (!Number.isInteger(options.racks) || options.racks < 1)) throw new Error(`createOrv3Racks: racks must be a positive whole number, got ${options.racks}`);
  const rackNames = typeof options.racks === 'number' ? Array.from({ length: options.racks }, (_, i) => `${prefix}-rack-${String(i).padStart(2, '0')}`) : [...options.racks];
  const zones = options.zones ?? [`${prefix}-zone-a`];
  if (rackNames.length === 0) throw new Error('createOrv3Racks: racks must name at least one rack');
  if (!Number.isInteger(perRack) || perRack < 1) throw new Error(`createOrv3Racks: nodesPerRack must be a positive whole number, got ${perRack}`);
  if (zones.length === 0) throw new Error('createOrv3Racks: zones must name at least one zone');
  for (const rack of rackNames) {
    if (!DNS_LABEL.test(rack) || rack.length > 50) throw new Error(`createOrv3Racks: rack name "${rack}" must be a DNS label of at most 50 characters (lower-case letters, digits, '-'), as it prefixes node names`);
  }

  const capacity: Record<string, string> = {
    cpu: options.capacity?.cpu ?? '64',
    memory: options.capacity?.memory ?? '256Gi',
    pods: String(options.capacity?.pods ?? 110),
    ...options.capacity?.extended,
  };
  const racks = rackNames.map((name, r): Orv3Rack => ({ name, zone: zones[r % zones.length]!, nodes: Array.from({ length: perRack }, (_, n) => `${name}-node-${String(n).padStart(2, '0')}`) }));
  const nodes = racks.flatMap((rack) => rack.nodes.map((name): V1Node => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        ...options.labels,
        [ORV3_LABELS.rack]: rack.name,
        [ORV3_LABELS.zone]: rack.zone,
        [ORV3_LABELS.hostname]: name,
        [ORV3_LABELS.nodeClass]: ORV3_NODE_CLASS,
        [ORV3_LABELS.cpuFamily]: options.cpuFamily ?? 'amd-epyc-9004',
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        type: 'kwok',
      },
      annotations: { ...options.annotations, [KWOK_NODE_ANNOTATION.key]: KWOK_NODE_ANNOTATION.value },
    },
    spec: options.taints ? { taints: [...options.taints] } : {},
    // A kubelet registers its node with its capacity; kwok keeps what is given here.
    status: { capacity, allocatable: capacity },
  })));

  const concurrency = options.concurrency ?? 16;
  for (let i = 0; i < nodes.length; i += concurrency) {
    await Promise.all(nodes.slice(i, i + concurrency).map((body) => core.createNode({ body })));
  }
  return racks;
}

/** Deletes the nodes createOrv3Racks made (by name, so other suites' racks stay). */
export async function deleteOrv3Racks(core: CoreV1Api, racks: readonly Orv3Rack[], concurrency = 16): Promise<void> {
  const names = racks.flatMap((r) => r.nodes);
  for (let i = 0; i < names.length; i += concurrency) {
    await Promise.all(names.slice(i, i + concurrency).map(async (name) => {
      try {
        await core.deleteNode({ name });
      } catch (err) {
        if ((err as { code?: number }).code !== 404) throw err;
      }
    }));
  }
}
