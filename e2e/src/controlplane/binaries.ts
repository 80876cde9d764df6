import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CONTROL_PLANE_BINARIES = ['kube-apiserver', 'kube-scheduler', 'kube-controller-manager', 'kubectl', 'etcd', 'kwok', 'helm', 'kubeconform'] as const;
export type ControlPlaneBinary = (typeof CONTROL_PLANE_BINARIES)[number];

/** Where `make controlplane` put the binaries and kwok's Stage set. */
export interface ControlPlaneInstall {
  dir: string;
  bin: (name: ControlPlaneBinary) => string;
  kwokStages: string;
}

const buildScript = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'controlplane', 'build.sh');

/**
 * The install directory build.sh fills (build.sh owns the version key, so it is asked rather than
 * recomputed here). MUSUBI_CONTROLPLANE_DIR points at another install, e.g. one CI restored from
 * its cache. Throws, naming what is missing and `make controlplane`, when the build has not run.
 */
export function controlPlaneInstall(): ControlPlaneInstall {
  const dir = process.env.MUSUBI_CONTROLPLANE_DIR || execFileSync('bash', [buildScript, '--print-dir'], { encoding: 'utf8' }).trim();
  const bin = (name: ControlPlaneBinary): string => join(dir, 'bin', name);
  const kwokStages = join(dir, 'kwok-stages.yaml');
  const missing = CONTROL_PLANE_BINARIES.filter((name) => !isExecutable(bin(name))).map((name) => `bin/${name}`);
  if (!existsSync(kwokStages)) missing.push('kwok-stages.yaml');
  if (missing.length > 0) {
    throw new Error(`the local control plane is not built: ${dir} lacks ${missing.join(', ')}. Run \`make controlplane\` (the first build takes several minutes).`);
  }
  return { dir, bin, kwokStages };
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
