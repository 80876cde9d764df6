import { PollingLoop } from './polling-loop.js';

async function until(what: string, probe: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

test('a busy round is followed at once; an idle loop sleeps until woken', async () => {
  let rounds = 0;
  let work = 3;
  const loop = new PollingLoop({ round: async () => { rounds++; return work-- > 0; }, intervalMs: 60_000, onError: () => undefined });
  loop.start();
  await until('three busy rounds and one idle', () => rounds === 4);
  await new Promise((resolve) => setTimeout(resolve, 30));
  expect(rounds).toBe(4); // asleep: the interval is a minute
  loop.wake();
  await until('woken round', () => rounds === 5);
  await loop.stop();
  expect(loop.running).toBe(false);
});

test('a wake during a round is not lost, and a failing round is reported without ending the loop', async () => {
  const errors: unknown[] = [];
  let rounds = 0;
  const loop: PollingLoop = new PollingLoop({
    round: async () => {
      rounds++;
      if (rounds === 1) loop.wake();
      if (rounds === 2) throw new Error('store unavailable');
      return false;
    },
    intervalMs: 10,
    onError: (error) => errors.push(error),
  });
  loop.start();
  await until('rounds after the failure', () => rounds >= 3);
  await loop.stop();
  expect((errors[0] as Error).message).toBe('store unavailable');
});

test('stop waits for the round in progress', async () => {
  let finished = false;
  const loop = new PollingLoop({
    round: async () => { await new Promise((resolve) => setTimeout(resolve, 50)); finished = true; return false; },
    intervalMs: 60_000,
    onError: () => undefined,
  });
  loop.start();
  await loop.stop();
  expect(finished).toBe(true);
});
