import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Where `make up` keeps the local control plane: .musubi/ at the repository root (git-ignored).
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const stateDir = join(repoRoot, '.musubi');
export const kubeconfigFile = join(stateDir, 'kubeconfig');
export const stateFile = join(stateDir, 'controlplane.json');
export const logFile = join(stateDir, 'controlplane.log');
export const workDir = join(stateDir, 'controlplane');

/** What serve.js records once the control plane is ready. */
export interface UpState {
  pid: number;
  server: string;
  kubeconfig: string;
  startedAt: string;
}

/** The state of a control plane whose serve process is still alive, else undefined. */
export function runningState(): UpState | undefined {
  if (!existsSync(stateFile)) return undefined;
  const state = JSON.parse(readFileSync(stateFile, 'utf8')) as UpState;
  return alive(state.pid) ? state : undefined;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
