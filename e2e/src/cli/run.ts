import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { loadOperatorConfig } from '@musubi/operator/config';
import { CONNECTOR, HttpIssuerClient, PARTICIPANT, POLICY, TRUST_ANCHOR, buildOperator } from '@musubi/operator/controllers';
import { RestKubeClient, createJsonLogger, type KubeObject, type Logger } from '@musubi/operator/runtime';
import { ORV3_LABELS, ORV3_NODE_CLASS, controlPlaneInstall, createOrv3Racks } from '../controlplane/index.js';
import { LocalWorkloadRunner } from '../localpods/index.js';
import { kubeconfigFile, repoRoot, stateDir } from './state.js';

// `make run`: the local default. Starts (or reuses) the local control plane, runs the operator against
// it with the trust services its TrustAnchors and Participants deploy, applies examples/ and shows
// `kubectl get musubi`. kwok's pods run no code, so the issuers and wallets run here, in this process,
// through the local workload runner; the operator runs in the same process so its issuer client can
// reach them by their in-cluster names through the runner's fetch (a child process would need a
// routing side channel, a product switch that exists only for local runs). Everything keeps running
// until Ctrl-C; `make down` stops the control plane.
const kubectl = controlPlaneInstall().bin('kubectl');
const k = (...args: string[]): string => execFileSync(kubectl, ['--kubeconfig', kubeconfigFile, ...args], { encoding: 'utf8' });

execFileSync(process.execPath, [join(repoRoot, 'e2e', 'dist', 'cli', 'up.js')], { stdio: 'inherit' });
mkdirSync(stateDir, { recursive: true });
const configFile = join(stateDir, 'operator.yaml');
writeFileSync(configFile, [
  '# Written by make run: the operator on this machine, serving metrics and health on loopback only.',
  'namespace: musubi-system',
  'metricsAddress: 127.0.0.1:18080',
  'healthAddress: 127.0.0.1:18081',
  '',
].join('\n'));
const cli = join(repoRoot, 'operator', 'dist', 'cli', 'main.js');
const applyStdin = (yaml: string): void => {
  execFileSync(kubectl, ['--kubeconfig', kubeconfigFile, 'apply', '--server-side', '-f', '-'], { input: yaml, stdio: ['pipe', 'ignore', 'inherit'] });
};
applyStdin(k('create', 'namespace', 'musubi-system', '--dry-run=client', '-o', 'yaml'));
// The cluster-scoped pieces the Helm chart installs elsewhere: the priority classes managed pods use.
applyStdin(execFileSync(process.execPath, [cli, 'manifests', 'priority-classes'], { encoding: 'utf8' }));

const fileLogger = (name: string): { logger: Logger; path: string; close(): Promise<void> } => {
  const path = join(stateDir, name);
  const stream = createWriteStream(path, { flags: 'a' });
  return {
    path,
    logger: createJsonLogger({ level: 'info', write: (line) => stream.write(`${line}\n`) }),
    close: () => new Promise((resolve) => stream.end(resolve)),
  };
};
const operatorLog = fileLogger('operator.log');
const workloadLog = fileLogger('workloads.log');
const config = loadOperatorConfig({ MUSUBI_OPERATOR_CONFIG: configFile });
const kubeConfig = new KubeConfig();
kubeConfig.loadFromFile(kubeconfigFile);
const client = RestKubeClient.fromKubeConfig(kubeConfig);

// Nodes for kwok to simulate (the control plane has none of its own): one ORv3 rack, as the examples'
// connectors ask for ORv3 placement. Made once; they stay with the cluster's etcd data.
const orv3Nodes = await client.list({ apiVersion: 'v1', kind: 'Node' }, { labelSelector: { matchLabels: { [ORV3_LABELS.nodeClass]: ORV3_NODE_CLASS } } });
if (orv3Nodes.items.length === 0) {
  const racks = await createOrv3Racks(kubeConfig.makeApiClient(CoreV1Api), { racks: 1, nodesPerRack: 4, namePrefix: 'local' });
  console.log(`simulated nodes: ${racks.flatMap((r) => r.nodes).join(', ')} (kwok)`);
}

const runner = await LocalWorkloadRunner.start({ client, logger: workloadLog.logger, clusterDomain: config.clusterDomain });
const operator = buildOperator({
  config, client, logger: operatorLog.logger,
  issuer: new HttpIssuerClient({ timeoutMs: config.issuerTimeoutSeconds * 1000, fetch: runner.fetch }),
});
const stopped = operator.stopOnSignals();
await operator.start();
console.log(`operator running (JSON logs in ${relative(process.cwd(), operatorLog.path)}); issuers and wallets run locally (logs in ${relative(process.cwd(), workloadLog.path)})`);
console.log(k('apply', '--server-side', '-R', '-f', join(repoRoot, 'examples')).trimEnd());

// Trust anchors and participants become Ready once their issuers answer and credentials are issued;
// connectors may stay not Ready with a reason (their pods run no code here). Wait for the first, then
// for every object to have a Ready condition at all.
const readyOf = (obj: KubeObject) => (obj.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions?.find((c) => c.type === 'Ready')?.status;
const settled = async (): Promise<boolean> => {
  const [anchors, participants, others] = await Promise.all([
    client.list(TRUST_ANCHOR), client.list(PARTICIPANT), Promise.all([client.list(POLICY), client.list(CONNECTOR)]),
  ]);
  const trust = [...anchors.items, ...participants.items];
  return trust.every((o) => readyOf(o) === 'True') && others.flatMap((l) => l.items).every((o) => readyOf(o) !== undefined);
};
const deadline = Date.now() + 120_000;
while (Date.now() < deadline && !(await settled())) await new Promise((r) => setTimeout(r, 2_000));
console.log(`\n${k('get', 'musubi', '-A')}`);
console.log('local workloads (kwok pods run no code; these serve their Services):');
for (const w of runner.status()) console.log(`  ${w.namespace}/${w.deployment}  ${w.phase}  ${w.url}  ${w.phase === 'Running' ? w.did : w.message}`);
console.log(`\nexport KUBECONFIG=${kubeconfigFile}   # then: kubectl get musubi -A
The operator runs until Ctrl-C; \`make down\` stops the control plane.`);

const signal = await stopped;
await runner.stop();
operatorLog.logger.info('operator stopped', { signal });
await Promise.all([operatorLog.close(), workloadLog.close()]);
process.exit(0);
