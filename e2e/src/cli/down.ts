import { existsSync, readFileSync, rmSync } from 'node:fs';
import { alive, kubeconfigFile, stateFile, workDir, type UpState } from './state.js';

// `make down`: stops what `make up` started and waits until it is gone. `--purge` also deletes the
// etcd data, so the next `make up` starts from an empty cluster.
const purge = process.argv.includes('--purge');
const state = existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, 'utf8')) as UpState) : undefined;

if (state && alive(state.pid)) {
  process.kill(state.pid, 'SIGTERM');
  const deadline = Date.now() + 60_000;
  while (alive(state.pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
  if (alive(state.pid)) {
    // Its watchdog stops the components once the serve process is gone.
    console.error(`control plane (pid ${state.pid}) did not stop within 60 s; killing it`);
    process.kill(state.pid, 'SIGKILL');
  }
  console.log('control plane stopped');
} else {
  console.log('control plane is not running');
}
rmSync(stateFile, { force: true });
rmSync(kubeconfigFile, { force: true });
if (purge) {
  rmSync(workDir, { recursive: true, force: true });
  console.log(`removed ${workDir}`);
}
