import { WorkQueue, type WorkQueueMetricsSink } from './workqueue.js';
import { ItemExponentialFailureRateLimiter } from './rate-limiter.js';
import { FakeClock, settle } from './testing/fake-clock.js';

function queue(clock = new FakeClock()) {
  return { clock, q: new WorkQueue({ name: 'test', clock, rateLimiter: new ItemExponentialFailureRateLimiter(5, 1000_000) }) };
}

describe('WorkQueue', () => {
  it('hands out keys in order and keeps one entry per waiting key', async () => {
    const { q } = queue();
    q.add('a');
    q.add('b');
    q.add('a');
    expect(q.len()).toBe(2);
    expect(await q.get()).toBe('a');
    expect(await q.get()).toBe('b');
    expect(q.len()).toBe(0);
  });

  it('never gives a key to a second worker while the first is processing it', async () => {
    const { q } = queue();
    q.add('a');
    const first = await q.get();
    q.add('a'); // changed again while being reconciled
    q.add('a');
    expect(q.len()).toBe(0);
    let second: string | undefined;
    void q.get().then((k) => (second = k));
    await settle();
    expect(second).toBeUndefined();
    q.done(first as string);
    await settle();
    expect(second).toBe('a');
    q.done('a');
    expect(q.len()).toBe(0);
  });

  it('runs many workers without ever overlapping on one key', async () => {
    const { q } = queue();
    const active = new Set<string>();
    let overlaps = 0;
    let processed = 0;
    const worker = async () => {
      for (;;) {
        const key = await q.get();
        if (key === undefined) return;
        if (active.has(key)) overlaps++;
        active.add(key);
        await settle(1);
        active.delete(key);
        processed++;
        q.done(key);
      }
    };
    const workers = Array.from({ length: 4 }, worker);
    for (let round = 0; round < 50; round++) {
      q.add(`k${round % 3}`);
      await settle(1);
    }
    await settle(10);
    await q.shutDownWithDrain();
    await Promise.all(workers);
    expect(overlaps).toBe(0);
    expect(processed).toBeGreaterThanOrEqual(3);
  });

  it('delays addAfter keys, keeping the earliest of repeated delays', async () => {
    const { q, clock } = queue();
    q.addAfter('a', 1000);
    q.addAfter('a', 5000);
    q.addAfter('a', 500);
    await clock.advance(499);
    expect(q.len()).toBe(0);
    await clock.advance(1);
    expect(q.len()).toBe(1);
    await clock.advance(10_000);
    expect(q.len()).toBe(1);
  });

  it('backs off rate-limited retries exponentially per key until forgotten', async () => {
    const { q, clock } = queue();
    const readyAfter: number[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      const start = clock.now();
      q.addRateLimited('a');
      await clock.advanceUntil(() => q.len() === 1, 'key back in queue', 1);
      readyAfter.push(clock.now() - start);
      q.done((await q.get()) as string);
    }
    expect(readyAfter).toEqual([5, 10, 20, 40, 80]);
    expect(q.numRequeues('a')).toBe(5);
    q.forget('a');
    expect(q.numRequeues('a')).toBe(0);
  });

  it('on shutdown stops handing out keys, drops pending ones and waits for in-flight work', async () => {
    const { q, clock } = queue();
    q.add('busy');
    q.add('queued');
    q.addAfter('later', 1000);
    const busy = await q.get();
    let idleWorker: string | undefined = 'not yet';
    const waiting = new WorkQueue({ name: 'idle', clock });
    void waiting.get().then((k) => (idleWorker = k));

    let drained = false;
    const drain = q.shutDownWithDrain().then(() => (drained = true));
    waiting.shutDown();
    await settle();
    expect(idleWorker).toBeUndefined();
    expect(await q.get()).toBeUndefined();
    expect(drained).toBe(false);
    q.add('after-shutdown');
    expect(q.len()).toBe(0);

    q.done(busy as string);
    await drain;
    expect(drained).toBe(true);
    await clock.advance(2000);
    expect(q.len()).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it('reports adds, depth, retries, waiting and working time to its metrics sink', async () => {
    const clock = new FakeClock();
    const seen = { added: 0, retried: 0, depth: [] as number[], latency: [] as number[], work: [] as number[] };
    const sink: WorkQueueMetricsSink = {
      added: () => seen.added++,
      depth: (_q, d) => seen.depth.push(d),
      queueLatency: (_q, s) => seen.latency.push(s),
      workDuration: (_q, s) => seen.work.push(s),
      retried: () => seen.retried++,
    };
    const q = new WorkQueue({ name: 'm', clock, metrics: sink });
    q.add('a');
    q.add('a');
    await clock.advance(250);
    const key = (await q.get()) as string;
    await clock.advance(1500);
    expect(q.inFlightSeconds()).toEqual([1.5]);
    q.done(key);
    q.addRateLimited('a');
    expect(seen).toMatchObject({ added: 1, retried: 1, latency: [0.25], work: [1.5] });
    expect(seen.depth).toEqual([1, 0]);
  });
});
