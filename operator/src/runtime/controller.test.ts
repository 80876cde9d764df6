import { Registry } from 'prom-client';
import { Controller, generationChanged, type ReconcileResult } from './controller.js';
import { Informer } from './informer.js';
import { FakeKubeClient } from './testing/fake-kube-client.js';
import { FakeClock, settle } from './testing/fake-clock.js';
import { createRuntimeMetrics } from './metrics.js';
import { createJsonLogger } from '@musubi/core/logging';
import { mapToOwner, mapToSelf } from './ownership.js';
import { ConflictError } from './errors.js';
import type { KubeObject } from './objects.js';

const PARTICIPANT = { apiVersion: 'musubi.dev/v1alpha1', kind: 'Participant' };
const CM = { apiVersion: 'v1', kind: 'ConfigMap' };

function participant(name: string, spec: Record<string, unknown> = {}): KubeObject {
  return { ...PARTICIPANT, metadata: { name, namespace: 'ns' }, spec };
}

async function setup(reconcile: (key: string, signal: AbortSignal) => Promise<ReconcileResult | void>, workers = 1) {
  const client = new FakeKubeClient();
  const clock = new FakeClock();
  const lines: string[] = [];
  const logger = createJsonLogger({ level: 'debug', write: (l) => lines.push(l), now: () => new Date(clock.now()) });
  const metrics = createRuntimeMetrics(new Registry());
  const primary = new Informer(client, { type: PARTICIPANT, clock, resyncMs: 0 });
  const children = new Informer(client, { type: CM, clock, resyncMs: 0 });
  const controller = new Controller({
    name: 'participant',
    workers,
    clock,
    logger,
    metrics,
    reconcile: (key, ctx) => reconcile(key, ctx.signal),
    watches: [
      { informer: primary, mapToKeys: mapToSelf, predicate: generationChanged },
      { informer: children, mapToKeys: mapToOwner(PARTICIPANT) },
    ],
  });
  primary.start();
  children.start();
  const stopAll = async () => {
    await controller.stop();
    await primary.stop();
    await children.stop();
  };
  return { client, clock, controller, lines, metrics, stopAll };
}

describe('Controller', () => {
  it('waits for informers to sync, then folds a burst of edits during a reconcile into one more reconcile', async () => {
    const calls: number[] = [];
    // The reconciler needs the clock that setup creates.
    const late: { clock?: FakeClock } = {};
    const { client, clock, controller, stopAll } = await setup(async () => {
      calls.push(late.clock?.now() ?? 0);
      await late.clock?.sleep(1000);
    });
    late.clock = clock;
    client.seed(participant('a'));
    expect(controller.running).toBe(false);
    expect(await controller.start()).toBe(true);
    await clock.advance(0);
    expect(calls).toHaveLength(1);
    for (let v = 1; v <= 3; v++) {
      client.seed(participant('a', { v }));
      await clock.advance(100);
    }
    expect(controller.queueLength).toBe(0); // held back: the key is being processed
    await clock.advance(5000);
    expect(calls).toHaveLength(2);
    expect((calls[1] as number) - (calls[0] as number)).toBe(1000);
    await stopAll();
  });

  it('retries a failing key with growing backoff and resets it after success', async () => {
    const attempts: number[] = [];
    let failuresLeft = 4;
    const { client, clock, controller, stopAll } = await setup(async () => {
      attempts.push(clock.now());
      if (failuresLeft-- > 0) throw new Error('issuer not reachable');
    });
    client.seed(participant('a'));
    await controller.start();
    await clock.advanceUntil(() => attempts.length === 5, 'five attempts', 1);
    const gaps = attempts.slice(1).map((t, i) => t - (attempts[i] as number));
    expect(gaps).toEqual([5, 10, 20, 40]);
    await stopAll();
  });

  it('comes back after requeueAfter', async () => {
    const times: number[] = [];
    const { client, clock, controller, stopAll } = await setup(async () => {
      times.push(clock.now());
      return { requeueAfter: 30_000 };
    });
    client.seed(participant('a'));
    await controller.start();
    await clock.advance(0);
    await clock.advance(30_000);
    await clock.advance(30_000);
    expect(times.map((t) => t - (times[0] as number))).toEqual([0, 30_000, 60_000]);
    await stopAll();
  });

  it('maps child events to the owner by owner reference and by owner labels', async () => {
    const calls: string[] = [];
    const { client, clock, controller, stopAll } = await setup(async (key) => void calls.push(key));
    await controller.start();
    client.seed({ ...CM, metadata: { name: 'c1', namespace: 'ns', ownerReferences: [{ ...PARTICIPANT, name: 'owner', uid: 'u1', controller: true }] } });
    await clock.advance(0);
    client.seed({
      ...CM,
      metadata: { name: 'c2', namespace: 'elsewhere', labels: { 'musubi.dev/owner-kind': 'Participant', 'musubi.dev/owner-name': 'far', 'musubi.dev/owner-namespace': 'home' } },
    });
    await clock.advance(0);
    client.seed({ ...CM, metadata: { name: 'c3', namespace: 'ns' } });
    await clock.advance(0);
    expect(calls).toEqual(['ns/owner', 'home/far']);
    await stopAll();
  });

  it('skips status-only updates of the primary object with generationChanged', async () => {
    const calls: string[] = [];
    const { client, clock, controller, stopAll } = await setup(async (key) => void calls.push(key));
    client.seed(participant('a'));
    await controller.start();
    await clock.advance(0);
    await client.applyStatus({ ...participant('a'), status: { phase: 'Ready' } });
    await clock.advance(0);
    expect(calls).toEqual(['ns/a']);
    await stopAll();
  });

  it('never runs one key on two workers at once, even with events arriving mid-reconcile', async () => {
    let active = 0;
    let overlaps = 0;
    let calls = 0;
    const { client, clock, controller, stopAll } = await setup(async () => {
      calls++;
      if (++active > 1) overlaps++;
      await clock.sleep(100);
      active--;
    }, 4);
    client.seed(participant('a'));
    await controller.start();
    for (let i = 0; i < 10; i++) {
      client.seed(participant('a', { v: i }));
      await clock.advance(30);
    }
    await clock.advance(1000);
    expect(overlaps).toBe(0);
    expect(calls).toBeGreaterThan(1);
    expect(calls).toBeLessThanOrEqual(5);
    await stopAll();
  });

  it('stop aborts the signal of in-flight reconciles and waits for them to return', async () => {
    let sawAbort = false;
    let returned = false;
    const { client, clock, controller, stopAll } = await setup(async (_key, signal) => {
      await clock.sleep(60_000, signal);
      sawAbort = signal.aborted;
      await clock.sleep(0);
      returned = true;
    });
    client.seed(participant('a'));
    await controller.start();
    await clock.advance(0);
    let stopped = false;
    const stopping = controller.stop().then(() => (stopped = true));
    await settle();
    expect(sawAbort).toBe(true);
    expect(stopped).toBe(false);
    await clock.advance(0);
    await stopping;
    expect(returned).toBe(true);
    expect(controller.running).toBe(false);
    await stopAll();
  });

  it('records controller-runtime metrics and logs controller and key on every reconcile line', async () => {
    let n = 0;
    const { client, clock, controller, lines, metrics, stopAll } = await setup(async () => {
      if (n++ === 0) throw new ConflictError('the object has been modified', 409, 'Conflict');
      if (n === 2) throw new Error('boom');
    });
    client.seed(participant('a'));
    await controller.start();
    await clock.advanceUntil(() => n === 3, 'third attempt', 1);
    const text = await metrics.registry.metrics();
    expect(text).toContain('controller_runtime_reconcile_total{controller="participant",result="error"} 2');
    expect(text).toContain('controller_runtime_reconcile_total{controller="participant",result="success"} 1');
    expect(text).toContain('controller_runtime_reconcile_errors_total{controller="participant"} 2');
    expect(text).toContain('controller_runtime_max_concurrent_reconciles{controller="participant"} 1');
    expect(text).toContain('controller_runtime_reconcile_time_seconds_count{controller="participant"} 3');
    expect(text).toContain('workqueue_adds_total{name="participant"}');
    expect(text).toContain('workqueue_retries_total{name="participant"} 2');

    const reconcileLines = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.reconcileID);
    expect(reconcileLines.length).toBeGreaterThanOrEqual(3);
    for (const line of reconcileLines) expect(line).toMatchObject({ controller: 'participant', key: 'ns/a' });
    expect(reconcileLines.find((l) => l.level === 'error')).toMatchObject({ msg: 'reconcile failed', err: { message: 'boom' } });
    expect(reconcileLines.find((l) => l.msg === 'conflict; retrying with the newer object')).toMatchObject({ level: 'info' });
    await stopAll();
  });

  it('rejects a name that cannot label metrics and a worker count out of range', () => {
    const informer = new Informer(new FakeKubeClient(), { type: CM });
    const base = { reconcile: async () => {}, watches: [{ informer, mapToKeys: mapToSelf }] };
    expect(() => new Controller({ ...base, name: 'Bad Name' })).toThrow(/lower-case letters/);
    expect(() => new Controller({ ...base, name: 'ok', workers: 0 })).toThrow(/workers must be an integer from 1 to 64, got 0/);
  });
});
