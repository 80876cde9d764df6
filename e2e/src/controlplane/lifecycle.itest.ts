import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { eventually } from '@musubi/operator/runtime/testing';
import { startControlPlane } from './control-plane.js';
import { groupAlive } from './process-group.js';

// Nothing a control plane starts may outlive it: not after stop(), not when its owner exits, is
// interrupted or terminated, and not when its owner is killed outright (the watchdog's case).
// "Nothing" is checked from the outside: no process on the machine mentions the work directory
// (every component and the watchdog get paths inside it), and the directory itself is gone.

function processesMentioning(path: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmdline.includes(path)) found.push(`${pid}: ${cmdline.slice(0, 120)}`);
    } catch {
      // It exited while we looked.
    }
  }
  return found;
}

async function expectNothingLeft(workDir: string, timeoutMs: number): Promise<void> {
  await eventually(`no process or file left of ${workDir}`, () => {
    const left = processesMentioning(workDir);
    if (left.length > 0) throw new Error(`still running: ${left.join('; ')}`);
    if (existsSync(workDir)) throw new Error(`${workDir} still exists`);
    return true;
  }, timeoutMs, 100);
}

test('stop() ends every component and removes the work directory', async () => {
  const cp = await startControlPlane();
  expect(cp.components.map((c) => c.name)).toEqual(['etcd', 'kube-apiserver']);
  expect(processesMentioning(cp.workDir).length).toBeGreaterThanOrEqual(3); // etcd, apiserver, watchdog
  await cp.stop();
  for (const c of cp.components) expect(groupAlive(c.pid)).toBe(false);
  expect(processesMentioning(cp.workDir)).toEqual([]);
  expect(existsSync(cp.workDir)).toBe(false);
}, 60_000);

test('bad kwok options are rejected before anything starts', async () => {
  await expect(startControlPlane({ kwok: { nodeSelector: 'type=kwok', nodeAnnotationSelector: 'kwok.x-k8s.io/node=fake' } }))
    .rejects.toThrow('kwok: set nodeSelector (labels) or nodeAnnotationSelector, not both');
}, 60_000);

// The owner runs in a child process so it can be signalled and killed. It uses the compiled harness,
// which the integration global setup needs as well (`make build`, or `npx tsc -b e2e`).
const compiledHarness = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'controlplane', 'index.js');

async function ownerProcess(thenWhat: 'wait' | 'exit'): Promise<{ workDir: string; child: ReturnType<typeof spawn>; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> }> {
  const script = `
    const { startControlPlane } = await import(${JSON.stringify(compiledHarness)});
    const cp = await startControlPlane();
    console.log(JSON.stringify({ workDir: cp.workDir }));
    if (${JSON.stringify(thenWhat)} === 'exit') process.exit(0);
    setInterval(() => undefined, 60_000);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const firstLine = await Promise.race([
    new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve)),
    exited.then((status) => Promise.reject(new Error(`the owner process ended before its control plane was ready: ${JSON.stringify(status)}`))),
  ]);
  return { workDir: (JSON.parse(firstLine) as { workDir: string }).workDir, child, exited };
}

test.each(['SIGTERM', 'SIGINT'] as const)('%s to the owner stops the control plane, then ends the owner as the signal would', async (signal) => {
  const owner = await ownerProcess('wait');
  expect(processesMentioning(owner.workDir).length).toBeGreaterThanOrEqual(3);
  owner.child.kill(signal);
  expect(await owner.exited).toEqual({ code: null, signal });
  await expectNothingLeft(owner.workDir, 5_000);
}, 60_000);

test('process.exit() in the owner kills the control plane on the way out', async () => {
  const owner = await ownerProcess('exit');
  expect(await owner.exited).toEqual({ code: 0, signal: null });
  await expectNothingLeft(owner.workDir, 5_000);
}, 60_000);

test('when the owner is killed outright, the watchdog stops the control plane and removes its directory', async () => {
  const owner = await ownerProcess('wait');
  owner.child.kill('SIGKILL');
  expect(await owner.exited).toEqual({ code: null, signal: 'SIGKILL' });
  await expectNothingLeft(owner.workDir, 20_000);
}, 60_000);
