import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createJsonLogger } from '../observability/logger.js';
import type { NegotiationRecord } from '../store/records.js';
import { SqlConnectorStore } from '../store/sql-store.js';
import { openSqliteDriver } from '../store/sqlite-driver.js';
import type { ConnectorStore } from '../store/store.js';
import { ScriptRunner } from './script-runner.js';

const PID = 'urn:uuid:5f0c1a52-0d55-4a43-9a61-1d9d0b1f5b11';

function negotiation(overrides: Partial<NegotiationRecord> = {}): NegotiationRecord {
  const now = new Date().toISOString();
  return {
    localPid: PID, role: 'consumer', state: 'REQUESTED', consumerPid: PID, counterPartyDid: 'TCK_PARTICIPANT', counterPartyAddress: 'http://127.0.0.1:1',
    datasetId: 'ACNC0101', offer: { '@id': 'urn:offer:1', '@type': 'Offer', permission: [{ action: 'use' }] }, createdAt: now, updatedAt: now, version: 0, ...overrides,
  };
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('the TCK script runner', () => {
  let dir: string;
  let store: ConnectorStore;
  let logLines: Array<Record<string, unknown>>;
  let runner: ScriptRunner;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'musubi-script-runner-'));
    store = await SqlConnectorStore.open(openSqliteDriver({ path: join(dir, 'store.db') }));
    logLines = [];
    const log = createJsonLogger({ level: 'info', write: (line) => logLines.push(JSON.parse(line) as Record<string, unknown>) });
    runner = new ScriptRunner({ store, log }, { stepDelayMs: 100, stepDeadlineMs: 1000, pollIntervalMs: 10 });
  });

  afterEach(async () => {
    await runner.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('takes a step only once the process is in its state with the counter-party known and nothing undelivered, after the pause', async () => {
    await store.transaction((tx) => tx.insertNegotiation(negotiation()));
    await store.transaction((tx) => tx.enqueue({
      processKey: PID, kind: 'dsp-message',
      payload: { process: 'negotiation', url: 'http://127.0.0.1:1/negotiations/request', audience: 'TCK_PARTICIPANT', messageType: 'ContractRequestMessage', message: {} },
    }));
    const taken: number[] = [];
    runner.run('negotiation', PID, [{ name: 'accept', when: 'OFFERED', act: async () => { taken.push(Date.now()); } }]);

    // OFFERED with the provider's pid, but the request is still in the outbox: not yet.
    const offered = await store.transaction(async (tx) => tx.updateNegotiation({ ...(await tx.negotiation(PID) as NegotiationRecord), state: 'OFFERED', providerPid: 'urn:tck:provider' }));
    const [job] = await store.claimOutbox('test', new Date(), 60_000, 1);
    if (!job) throw new Error('the queued request is missing from the outbox');
    // Absence cannot be polled for: watch a window three times the pause in which the step must not run.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(offered.state).toBe('OFFERED');
    expect(taken).toEqual([]);
    const delivered = Date.now();
    await store.completeJob(job.id, 'test', job.payload);

    const at = await until('the step', () => taken[0]);
    expect(at - delivered).toBeGreaterThanOrEqual(100);
  });

  test('gives up on a step whose state never comes, naming what it last saw', async () => {
    await store.transaction((tx) => tx.insertNegotiation(negotiation({ providerPid: 'urn:tck:provider' })));
    let acted = false;
    runner.run('negotiation', PID, [{ name: 'verify', when: 'AGREED', act: async () => { acted = true; } }]);

    const stopped = await until('the stall report', () => logLines.find((line) => line.msg === 'TCK script stopped'));
    expect(String(stopped.problem)).toContain(`step 'verify' of negotiation ${PID} was not due within 1000 ms; last seen: REQUESTED`);
    expect(acted).toBe(false);
  });

  test('stops a script when its process ends before the step', async () => {
    await store.transaction((tx) => tx.insertNegotiation(negotiation({ providerPid: 'urn:tck:provider', state: 'TERMINATED' })));
    runner.run('negotiation', PID, [{ name: 'accept', when: 'OFFERED', act: async () => undefined }]);

    const stopped = await until('the report', () => logLines.find((line) => line.msg === 'TCK script stopped'));
    expect(String(stopped.problem)).toBe(`negotiation ${PID} ended in TERMINATED before step 'accept'`);
  });
});
