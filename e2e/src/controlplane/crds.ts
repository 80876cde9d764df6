import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ControlPlane } from './control-plane.js';

/** The repository's generated CRDs (`make gen`). */
export const MUSUBI_CRD_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'crds');

/** Applies every *.yaml in `dir` and resolves once the API server serves each CRD (Established). */
export async function installCrds(controlPlane: ControlPlane, dir = MUSUBI_CRD_DIR): Promise<void> {
  if (!existsSync(dir) || !readdirSync(dir).some((f) => f.endsWith('.yaml'))) return;
  await controlPlane.kubectl(['apply', '--server-side', '--force-conflicts', '-f', dir]);
  await controlPlane.kubectl(['wait', '--for=condition=Established', '--timeout=60s', '-f', dir]);
}
