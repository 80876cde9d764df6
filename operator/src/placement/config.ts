import { z } from 'zod';
import { DEFAULT_CPU_FAMILY, SPECPOWER_PROFILES } from './power-profiles.js';

// The placement part of the operator's configuration. Everything the power model assumes about the racks and
// nodes is here, validated at start, so a typo names its field instead of skewing every share silently.

const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

const labelKey = z.string().max(316).regex(LABEL_KEY, { message: 'must be a label key such as "topology.musubi.dev/rack"' });
const labelValue = z.string().max(63).regex(LABEL_VALUE, { message: 'must be a label value: up to 63 letters, digits, "-", "_" or "." starting and ending with a letter or digit' });

export const LabelSelectorSchema = z
  .strictObject({
    matchLabels: z.record(labelKey, labelValue).optional().describe('Labels a node must carry with exactly these values.'),
    matchExpressions: z
      .array(z.strictObject({
        key: labelKey.describe('Label key the requirement tests.'),
        operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']).describe('In, NotIn, Exists or DoesNotExist.'),
        values: z.array(labelValue).optional().describe('Values for In and NotIn; empty for Exists and DoesNotExist.'),
      }))
      .optional()
      .describe('Set-based requirements, all of which must hold.'),
  })
  .describe('A Kubernetes label selector over node labels.');

// One field list for both the defaults and the per-rack overrides: an override names only what differs.
const budgetFields = {
  kva: z.number().positive().max(1000).describe('Apparent power of the rack feed in kVA (one production ORv3 design: 13).'),
  powerFactor: z.number().gt(0).max(1).describe('Power factor of the power shelves at load: real watts per volt-ampere drawn from the feed.'),
  rectifierEfficiency: z.number().gt(0).max(1).describe('AC-to-48 V efficiency of the power shelf rectifiers (ORv3 PSUs are specified around 0.97).'),
  derating: z.number().min(0).lt(1).describe('Fraction of the feed kept unused as a safety margin (breaker and thermal derating), 0.1 = 10%.'),
  reserveWatts: z.number().min(0).describe('Watts on the 48 V busbar taken by equipment that is not a node (top-of-rack switch, management, fans of the rack).'),
};

export const RackPowerBudget = z
  .strictObject({
    kva: budgetFields.kva.default(13),
    powerFactor: budgetFields.powerFactor.default(0.98),
    rectifierEfficiency: budgetFields.rectifierEfficiency.default(0.975),
    derating: budgetFields.derating.default(0.1),
    reserveWatts: budgetFields.reserveWatts.default(500),
  })
  .describe('Electrical budget of a rack; deliverable watts = kva*1000*powerFactor*rectifierEfficiency*(1-derating) - reserveWatts.');
export type RackPowerBudget = z.infer<typeof RackPowerBudget>;

export const RackBudgetOverride = z
  .strictObject(budgetFields)
  .partial()
  .describe('Fields of one rack\'s budget that differ from rackDefaults.');
export type RackBudgetOverride = z.infer<typeof RackBudgetOverride>;

export const PowerProfileSchema = z
  .strictObject({
    idleWatts: z.number().min(0).max(100000).describe('Wall power of the node with nothing running (SPECpower_ssj2008 "Active Idle").'),
    fullLoadWatts: z.number().positive().max(100000).describe('Wall power of the node at full CPU load (SPECpower_ssj2008 100% target load).'),
    source: z.string().max(512).optional().describe('Where the figures come from, e.g. a SPECpower result id or an in-house measurement.'),
  })
  .refine((p) => p.fullLoadWatts >= p.idleWatts, { message: 'fullLoadWatts must be at least idleWatts', path: ['fullLoadWatts'] })
  .describe('Power drawn by one node at idle and at full load.');

export const PowerClassFactors = z
  .strictObject({
    low: z.number().min(0).max(2).default(0.6).describe('Multiplier on the CPU-proportional (dynamic) term for workloads that mostly wait on I/O.'),
    standard: z.number().min(0).max(2).default(1).describe('Multiplier for workloads that use what they request.'),
    high: z.number().min(0).max(2).default(1.3).describe('Multiplier for workloads that burst above their request (crypto, compression).'),
  })
  .describe('Scales the dynamic term of the watt estimate by a workload\'s declared power class.');

export const PlacementConfig = z
  .strictObject({
    rackLabel: labelKey.default('topology.musubi.dev/rack').describe('Node label whose value names the ORv3 rack a node is in.'),
    nodeSelector: LabelSelectorSchema.default({ matchLabels: { 'node.musubi.dev/class': 'orv3' } })
      .describe('Selects the ORv3-class nodes whose power the operator manages; other nodes are left alone.'),
    cpuFamilyLabel: labelKey.default('node.musubi.dev/cpu-family').describe('Node label naming the CPU family whose power profile applies.'),
    headroomLabel: labelKey.default('topology.musubi.dev/headroom').describe('Node label the operator sets to its rack\'s headroom class (high, medium, low, none).'),
    rackDefaults: RackPowerBudget.prefault({}).describe('Budget of every rack without an entry in racks.'),
    racks: z.record(labelValue, RackBudgetOverride).default({}).describe('Per-rack budget overrides keyed by rack name (the rack label\'s value).'),
    cpuFamilies: z.record(labelValue, PowerProfileSchema).default({})
      .describe(`Power profiles per CPU family, added to or replacing the built-in ones (${Object.keys(SPECPOWER_PROFILES).join(', ')}).`),
    defaultCpuFamily: labelValue.default(DEFAULT_CPU_FAMILY).describe('Profile used for a node without the CPU family label.'),
    estimate: z
      .strictObject({
        safetyFactor: z.number().min(1).max(4).default(1.1).describe('Multiplier on every pod estimate, covering model error (1.1 = 10% margin).'),
        memoryWattsPerGiB: z.number().min(0).max(10).default(0.392)
          .describe('DRAM watts per GiB requested (Cloud Carbon Footprint memory coefficient, 0.392 W/GB).'),
        referenceCpuFamily: labelValue.default(DEFAULT_CPU_FAMILY)
          .describe('CPU family of the node shape a pod\'s watt request is estimated against before it is scheduled.'),
        referenceNodeCpu: z.number().positive().max(4096).default(64)
          .describe('Allocatable CPUs (cores) of that reference node shape; use the most common ORv3 node.'),
        powerClass: PowerClassFactors.prefault({}),
      })
      .prefault({})
      .describe('Pod power estimate: watts = safetyFactor * ((cpu/nodeCpu)*(full-idle)*classFactor + memGiB*memoryWattsPerGiB + (cpu/nodeCpu)*idle).'),
    shares: z
      .strictObject({
        rebalanceToleranceWatts: z.number().int().min(0).max(10000).default(20)
          .describe('A node\'s free share is topped up only when it is this many watts below the rack\'s even level, so shares do not churn.'),
      })
      .prefault({})
      .describe('How per-node shares are moved.'),
    headroom: z
      .strictObject({
        highAtFraction: z.number().min(0).max(1).default(0.3).describe('Rack headroom (fraction of deliverable watts) from which the class is high.'),
        mediumAtFraction: z.number().min(0).max(1).default(0.15).describe('Rack headroom fraction from which the class is medium.'),
        lowAtFraction: z.number().min(0).max(1).default(0.03).describe('Rack headroom fraction from which the class is low; below it, none.'),
        hysteresisFraction: z.number().min(0).max(0.5).default(0.02)
          .describe('How far past a boundary the headroom must move before the class changes, so the label does not flap.'),
      })
      .prefault({})
      .refine((h) => h.highAtFraction > h.mediumAtFraction && h.mediumAtFraction > h.lowAtFraction, {
        message: 'thresholds must satisfy highAtFraction > mediumAtFraction > lowAtFraction',
      })
      .describe('Headroom classes written to the headroom label.'),
    affinityWeights: z
      .strictObject({
        high: z.number().int().min(1).max(100).default(60).describe('Preferred-affinity weight of nodes in racks with high headroom.'),
        medium: z.number().int().min(1).max(100).default(30).describe('Weight of nodes in racks with medium headroom.'),
        low: z.number().int().min(1).max(100).default(5).describe('Weight of nodes in racks with low headroom.'),
        preferredRack: z.number().int().min(1).max(100).default(80).describe('Weight of the racks a workload lists in placement.preferredRacks.'),
      })
      .prefault({})
      .describe('Weights of the preferred node affinity terms the renderer writes.'),
  })
  .superRefine((c, ctx) => {
    const families = { ...SPECPOWER_PROFILES, ...c.cpuFamilies };
    const known = Object.keys(families).join(', ');
    if (!Object.hasOwn(families, c.defaultCpuFamily)) {
      ctx.addIssue({ code: 'custom', path: ['defaultCpuFamily'], message: `"${c.defaultCpuFamily}" is not a known CPU family; use one of ${known} or add it under cpuFamilies` });
    }
    if (!Object.hasOwn(families, c.estimate.referenceCpuFamily)) {
      ctx.addIssue({ code: 'custom', path: ['estimate', 'referenceCpuFamily'], message: `"${c.estimate.referenceCpuFamily}" is not a known CPU family; use one of ${known} or add it under cpuFamilies` });
    }
  })
  .describe('ORv3 rack power model: which nodes are managed, each rack\'s electrical budget and each node\'s power profile.');
export type PlacementConfig = z.infer<typeof PlacementConfig>;

export class PlacementConfigError extends Error {}

/** Validates raw configuration (already parsed from YAML/JSON); errors name the field path and the fix. */
export function parsePlacementConfig(raw: unknown, source = 'placement'): PlacementConfig {
  const result = PlacementConfig.safeParse(raw ?? {});
  if (!result.success) {
    const lines = result.error.issues.map((i) => `${source}.${i.path.join('.') || '<root>'}: ${i.message}`.replace(/\.<root>/, ''));
    throw new PlacementConfigError(lines.join('\n'));
  }
  return result.data;
}
