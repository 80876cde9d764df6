import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OperatorConfig } from './config/index.js';
import { buildOperator, runOperator } from './main.js';
import { createJsonLogger } from './runtime/index.js';
import { FakeKubeClient } from './runtime/testing/index.js';

test('the operator runs the five controllers', async () => {
  const lines: string[] = [];
  const manager = buildOperator({
    config: OperatorConfig.parse({}),
    client: new FakeKubeClient(),
    logger: createJsonLogger({ write: (line) => lines.push(line) }),
    serveEndpoints: false,
    leaderElection: false,
  });
  await manager.start();
  await manager.stop();
  const started = lines.map((l) => JSON.parse(l) as { msg: string; controllers?: string[] }).find((l) => l.msg === 'manager started');
  expect(started?.controllers).toEqual(['trustanchor', 'participant', 'policy', 'connector', 'placement']);
});

test('a configuration mistake stops the operator at start, naming the field', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'musubi-operator-'));
  const file = join(dir, 'config.yaml');
  writeFileSync(file, 'workers: many\n');
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => (lines.push(String(chunk)), true)) as typeof process.stdout.write;
  try {
    expect(await runOperator({ MUSUBI_OPERATOR_CONFIG: file })).toBe(2);
  } finally {
    process.stdout.write = write;
  }
  expect(lines.join('')).toContain(`${file}: workers: Invalid input: expected number, received string`);
});
