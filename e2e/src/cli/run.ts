import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { controlPlaneInstall } from '../controlplane/index.js';
import { kubeconfigFile, repoRoot, stateDir } from './state.js';

// `make run`: the local default. Starts (or reuses) the local control plane, runs the operator
// against it, applies examples/ and shows `kubectl get musubi`. The operator keeps running in the
// foreground until Ctrl-C; `make down` stops the control plane.
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

const logFile = join(stateDir, 'operator.log');
const operator = spawn(process.execPath, [cli, 'operator'], {
  env: { ...process.env, KUBECONFIG: kubeconfigFile, MUSUBI_OPERATOR_CONFIG: configFile },
  stdio: ['ignore', openSync(logFile, 'a'), openSync(logFile, 'a')],
});
console.log(`operator running (pid ${operator.pid}; JSON logs in ${relative(process.cwd(), logFile)})`);
console.log(k('apply', '--server-side', '-R', '-f', join(repoRoot, 'examples')).trimEnd());

const deadline = Date.now() + 30_000;
await new Promise((r) => setTimeout(r, 5_000));
while (Date.now() < deadline) {
  const table = k('get', 'musubi', '-A');
  if (!/\s(Unknown|<none>)\s/.test(table) || Date.now() + 3_000 > deadline) break;
  await new Promise((r) => setTimeout(r, 2_000));
}
console.log(`\n${k('get', 'musubi', '-A')}`);
console.log(`export KUBECONFIG=${kubeconfigFile}   # then: kubectl get musubi -A
The operator runs until Ctrl-C; \`make down\` stops the control plane.`);
const stop = (): void => {
  operator.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
operator.on('exit', (code) => process.exit(code ?? 0));
