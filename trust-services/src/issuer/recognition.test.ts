import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TransparencyLog } from '@musubi/core/trust';
import { silentLogger } from '@musubi/core/logging';
import { eventually, openSlot, pinnedOf, recognitionOf, startIssuer, type Slot } from '../testing/harness.js';
import { RecognitionManager, nextRefreshDelayMs } from './recognition.js';

const HOUR = 3600_000;

test('backoff: 5 s doubling per failure, ±20 % jitter, capped at the refresh interval; the interval once all succeed', () => {
  const retry = (random: number) => ({ initialMs: 5000, random: () => random });
  expect(nextRefreshDelayMs(0, HOUR, retry(0.5))).toBe(HOUR);
  expect(nextRefreshDelayMs(1, HOUR, retry(0.5))).toBe(5000);
  expect(nextRefreshDelayMs(2, HOUR, retry(0.5))).toBe(10_000);
  expect(nextRefreshDelayMs(4, HOUR, retry(0.5))).toBe(40_000);
  expect(nextRefreshDelayMs(1, HOUR, retry(0))).toBe(4000);
  expect(nextRefreshDelayMs(1, HOUR, retry(0.999_999))).toBe(6000);
  expect(nextRefreshDelayMs(20, HOUR, retry(0.9))).toBe(HOUR);
  expect(nextRefreshDelayMs(1000, HOUR, retry(0.9))).toBe(HOUR);
  expect(nextRefreshDelayMs(3, 12_000, retry(0.5))).toBe(12_000);
});

describe('recognised-anchor refresh', () => {
  let own: Slot;
  let other: Slot;
  let manager: RecognitionManager | undefined;
  const stops: Array<() => Promise<void>> = [];
  beforeEach(async () => {
    own = await openSlot();
    other = await openSlot();
  });
  afterEach(async () => {
    manager?.stop();
    for (const stop of stops.splice(0)) await stop();
    // A slot no issuer was started on still listens (answering 503); an open socket keeps jest alive.
    for (const slot of [own, other]) if (slot.server.server.listening) await slot.server.close();
  });

  test('an anchor not yet serving is retried with backoff, not after a whole interval, and turns Fresh once it serves', async () => {
    manager = new RecognitionManager({
      recognitions: [recognitionOf(other, 'EU')],
      ownAnchor: { did: own.did, jurisdiction: 'JP', keys: [pinnedOf(own.key)] },
      storagePath: join(mkdtempSync(join(tmpdir(), 'musubi-recognition-')), 'recognition.json'),
      clock: () => new Date(),
      allowHttpLoopback: true,
      timeoutMs: 2000,
      logger: silentLogger,
      transparency: new TransparencyLog(),
      retry: { initialMs: 20, random: () => 0.5 },
    });
    await manager.start(HOUR);
    // The other anchor's port answers 503, as a pod that is still starting does.
    const failing = await eventually(async () => {
      const [status] = manager!.status();
      return status && status.consecutiveFailures >= 3 ? status : undefined;
    }, { timeoutMs: 5000, what: 'three failed refreshes' });
    expect(failing).toMatchObject({ state: 'Unreachable', lastError: { reason: 'Unreachable' } });
    expect(manager.nextRefreshDelayMs(HOUR)).toBeLessThan(HOUR);

    const running = await startIssuer(other, { jurisdiction: 'EU', framework: 'EU', schemes: ['eu-vat'], registry: [] });
    stops.push(() => running.stop());
    const fresh = await eventually(async () => {
      const [status] = manager!.status();
      return status?.state === 'Fresh' ? status : undefined;
    }, { timeoutMs: 10_000, what: 'the recognised anchor Fresh' });
    expect(fresh.consecutiveFailures).toBe(0);
    expect(manager.nextRefreshDelayMs(HOUR)).toBe(HOUR);
  });
});
