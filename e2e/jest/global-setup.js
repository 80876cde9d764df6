// jest loads global setup outside its module mapper, so this hook runs the compiled harness
// (`make build` compiles it; `make test` does so first).
export default async function globalSetup() {
  let hooks;
  try {
    hooks = await import('../dist/controlplane/jest-hooks.js');
  } catch (err) {
    throw new Error(`the control-plane harness is not compiled (${err.message}): run \`make build\` (or \`npx tsc -b e2e\`) first`, { cause: err });
  }
  await hooks.startTestControlPlane();
}
