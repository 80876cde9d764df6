import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { controlPlaneInstall } from '../controlplane/index.js';
import { alive, logFile, runningState, stateDir } from './state.js';

// `make up`: starts the local control plane in the background and returns once it is ready. The
// last line is for `eval "$(make -s up | tail -1)"`.
const exportLine = (kubeconfig: string): string => `export KUBECONFIG=${kubeconfig}`;

const existing = runningState();
if (existing) {
  console.log(`control plane already running at ${existing.server} (pid ${existing.pid}); \`make down\` stops it`);
  console.log(exportLine(existing.kubeconfig));
  process.exit(0);
}
controlPlaneInstall(); // fails here, naming `make controlplane`, rather than in the background

mkdirSync(stateDir, { recursive: true });
const out = openSync(logFile, 'a');
const serve = join(fileURLToPath(import.meta.url), '..', 'serve.js');
const child = spawn(process.execPath, [serve], { detached: true, stdio: ['ignore', out, out] });
child.unref();
const pid = child.pid ?? 0;

const deadline = Date.now() + 180_000;
for (;;) {
  const state = runningState();
  if (state?.pid === pid) {
    console.log(`control plane ready at ${state.server} (pid ${pid}; log ${logFile}); \`make down\` stops it`);
    console.log(exportLine(state.kubeconfig));
    process.exit(0);
  }
  if (!alive(pid) || Date.now() > deadline) break;
  await new Promise((resolve) => setTimeout(resolve, 250));
}
if (alive(pid)) process.kill(pid, 'SIGTERM');
const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-30).join('\n') : '(no log)';
console.error(`the control plane did not become ready; last lines of ${logFile}:\n${log}`);
process.exit(1);
