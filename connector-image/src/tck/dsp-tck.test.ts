// The Eclipse Dataspace TCK (DSP 2025-1: catalog, contract negotiation, transfer process) against the
// connector in its tck-conformance profile, through conformance/run.sh exactly as `make conformance-dsp`
// runs it. Every failing case must be listed, with its reason, in conformance/known-failures.mjs.
// Needs Java 17+ and Maven (the first run resolves the TCK modules online); skipped only without them.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const conformance = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'conformance');
const TEST_TIMEOUT_MS = 200_000;
// run.sh stops the TCK itself first, so a hung run still reports what it saw.
const TCK_TIMEOUT_SECONDS = 150;

interface TckResult {
  filtered: boolean;
  suites: Record<'catalog' | 'negotiation' | 'transfer', { passed: number; failed: number; skipped: number; total: number }>;
  passed: number;
  failed: number;
  skipped: number;
  total: number;
  knownFailures: string[];
  unexpectedFailures: string[];
  brokenClasses: string[];
}

const missingTools = ['java', 'mvn'].filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
if (missingTools.length > 0) {
  console.warn(`skipping the DSP TCK: ${missingTools.join(' and ')} not on PATH; install a JDK 17+ and Maven to run it`);
}
const describeWithTools = missingTools.length > 0 ? describe.skip : describe;

/** Runs run.sh in its own process group, so a timeout ends the TCK and the connector with it. */
function runConformance(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(conformance, 'run.sh')], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TCK_TIMEOUT_SECONDS: String(TCK_TIMEOUT_SECONDS), TCK_ONLY: '' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
    const killer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    }, TEST_TIMEOUT_MS - 10_000);
    child.on('error', (error) => { clearTimeout(killer); reject(error); });
    child.on('close', (code) => { clearTimeout(killer); resolve({ code, output }); });
  });
}

describeWithTools('the DSP TCK against the connector', () => {
  test('passes every case that is not a listed known failure', async () => {
    const { code, output } = await runConformance();
    console.log(output.split('\n').filter((line) => !line.startsWith('DSP-TCK-RESULT')).join('\n'));
    const line = output.split('\n').find((l) => l.startsWith('DSP-TCK-RESULT '));
    if (!line) throw new Error(`run.sh exited with ${code} without a TCK result; its output:\n${output}`);
    const result = JSON.parse(line.slice('DSP-TCK-RESULT '.length)) as TckResult;

    expect(result.filtered).toBe(false);
    expect(result.brokenClasses).toEqual([]);
    expect(result.unexpectedFailures).toEqual([]);
    // 1.0.0-RC6 has 3 catalog, 31 negotiation and 32 transfer cases: fewer means discovery lost some.
    expect({ catalog: result.suites.catalog.total, negotiation: result.suites.negotiation.total, transfer: result.suites.transfer.total })
      .toEqual({ catalog: 3, negotiation: 31, transfer: 32 });
    expect(result.passed + result.knownFailures.length + result.skipped).toBe(result.total);
    expect(code).toBe(0);
  }, TEST_TIMEOUT_MS);
});
