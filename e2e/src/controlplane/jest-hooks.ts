import { startControlPlane, type ControlPlane } from './control-plane.js';
import { installCrds } from './crds.js';
import { TEST_KUBECONFIG_ENV } from './test-namespace.js';

// What jest's global setup and teardown (e2e/jest/*.js) run: one real control plane per jest run,
// scheduler, controller manager and kwok included, with the Musubi CRDs installed. Suites isolate
// themselves with testNamespace(); workers inherit process.env and find the control plane through
// MUSUBI_TEST_KUBECONFIG. Set that variable yourself (e.g. to .musubi/kubeconfig after `make up`)
// to run the suites against a control plane that is already running.

let running: ControlPlane | undefined;

export async function startTestControlPlane(): Promise<void> {
  if (process.env[TEST_KUBECONFIG_ENV]) {
    process.stderr.write(`\nintegration tests use the control plane of ${TEST_KUBECONFIG_ENV}=${process.env[TEST_KUBECONFIG_ENV]}\n`);
    return;
  }
  const started = Date.now();
  running = await startControlPlane({ scheduler: true, controllerManager: true, kwok: true });
  process.env[TEST_KUBECONFIG_ENV] = running.kubeconfigPath;
  await installCrds(running);
  process.stderr.write(`\ncontrol plane ready at ${running.server} in ${((Date.now() - started) / 1000).toFixed(1)} s (logs in ${running.workDir}/logs)\n`);
}

export async function stopTestControlPlane(): Promise<void> {
  await running?.stop();
  running = undefined;
  delete process.env[TEST_KUBECONFIG_ENV];
}
