import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { installCrds, startControlPlane } from '../controlplane/index.js';
import { kubeconfigFile, stateFile, workDir, type UpState } from './state.js';

// The long-running half of `make up` (up.js starts it detached): runs the control plane until
// SIGTERM or SIGINT. etcd data stays in .musubi/controlplane, so objects survive `make down` and
// `make up`; certificates are made anew on every start.
mkdirSync(workDir, { recursive: true });
const controlPlane = await startControlPlane({
  workDir, scheduler: true, controllerManager: true, kwok: true,
  log: (line) => console.log(`${new Date().toISOString()} ${line}`),
});

let stopping = false;
const shutdown = async (signal: string): Promise<void> => {
  if (stopping) return;
  stopping = true;
  console.log(`${new Date().toISOString()} ${signal}: stopping`);
  rmSync(stateFile, { force: true });
  rmSync(kubeconfigFile, { force: true });
  await controlPlane.stop();
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

await installCrds(controlPlane);
copyFileSync(controlPlane.kubeconfigPath, kubeconfigFile);
const state: UpState = { pid: process.pid, server: controlPlane.server, kubeconfig: kubeconfigFile, startedAt: new Date().toISOString() };
writeFileSync(stateFile, `${JSON.stringify(state, null, 2)}\n`);
console.log(`${state.startedAt} ready: ${controlPlane.server}`);
