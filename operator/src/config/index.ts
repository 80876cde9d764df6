import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parse } from 'yaml';
import { PlacementConfig } from '../placement/config.js';

// The operator's own configuration: a YAML file (path in MUSUBI_OPERATOR_CONFIG) validated here, so a
// typo stops the operator at start with the field named instead of misbehaving later.

export const OperatorConfig = z.strictObject({
  namespace: z.string().default('musubi-system').describe('Namespace the operator runs in (leases, events about itself).'),
  clusterDomain: z.string().default('cluster.local').describe('DNS domain of the cluster, for in-cluster service URLs.'),
  dataspace: z.string().min(1).max(256).default('musubi').describe('Id of the dataspace the cluster runs, stated in DataspaceMembershipCredentials (policies match it with membership).'),
  issuerTimeoutSeconds: z.number().int().min(1).max(120).default(10).describe('How long the operator waits for an issuer to answer a credential request.'),
  images: z.strictObject({
    issuer: z.string().default('ghcr.io/musubi-dev/musubi-trust:0.1.0').describe('Image of the VC issuer a TrustAnchor runs.'),
    wallet: z.string().default('ghcr.io/musubi-dev/musubi-trust:0.1.0').describe('Image of the participant wallet.'),
    connector: z.string().default('ghcr.io/musubi-dev/musubi-connector:0.1.0').describe('Image of the DSP connector.'),
    pullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']).default('IfNotPresent').describe('imagePullPolicy of managed pods.'),
  }).prefault({}).describe('Images of the managed workloads.'),
  defaults: z.strictObject({
    requireORv3: z.boolean().default(false).describe('Require ORv3-class nodes for connectors that do not say.'),
  }).prefault({}).describe('Defaults applied where a resource is silent.'),
  leaderElection: z.strictObject({
    enabled: z.boolean().default(true).describe('Run only the leader\'s controllers.'),
    leaseName: z.string().default('musubi-operator').describe('Name of the coordination.k8s.io Lease.'),
  }).prefault({}).describe('Leader election.'),
  metricsAddress: z.string().default('0.0.0.0:8080').describe('host:port of /metrics.'),
  healthAddress: z.string().default('0.0.0.0:8081').describe('host:port of /healthz and /readyz.'),
  workers: z.number().int().min(1).max(64).default(4).describe('Concurrent reconciles per controller.'),
  placement: PlacementConfig.prefault({}).describe('ORv3 rack topology and power model (docs/placement.md).'),
  placementController: z.strictObject({
    enabled: z.boolean().default(true).describe('Run the placement controller: ORv3 node power shares, headroom labels, the rack summary ConfigMap. Idle when no node is ORv3-class.'),
  }).prefault({}).describe('The placement controller.'),
});
export type OperatorConfig = z.infer<typeof OperatorConfig>;

export class OperatorConfigError extends Error {}

export function parseOperatorConfig(text: string, source = 'operator config'): OperatorConfig {
  let raw: unknown;
  try {
    raw = parse(text) ?? {};
  } catch (err) {
    throw new OperatorConfigError(`${source}: not valid YAML: ${(err as Error).message}`);
  }
  const result = OperatorConfig.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `${source}: ${i.path.join('.') || '<root>'}: ${i.message}`);
    throw new OperatorConfigError(lines.join('\n'));
  }
  return result.data;
}

export function loadOperatorConfig(env: NodeJS.ProcessEnv = process.env): OperatorConfig {
  const path = env.MUSUBI_OPERATOR_CONFIG;
  if (!path) return OperatorConfig.parse({});
  return parseOperatorConfig(readFileSync(path, 'utf8'), path);
}
