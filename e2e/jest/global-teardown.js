// Runs in the same process as global-setup.js, so the module (and its running control plane) is shared.
export default async function globalTeardown() {
  const hooks = await import('../dist/controlplane/jest-hooks.js');
  await hooks.stopTestControlPlane();
}
