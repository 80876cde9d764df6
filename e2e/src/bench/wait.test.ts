import { waitFor, WaitTimeoutError } from './wait.js';

test('returns the probe\'s value once it has one', async () => {
  let calls = 0;
  const value = await waitFor('third time', () => (++calls === 3 ? { value: 'done', seen: 'ready' } : { seen: `call ${calls}` }), { timeoutMs: 5000, everyMs: 1 });
  expect(value).toBe('done');
  expect(calls).toBe(3);
});

test('times out naming what it waited for and what it saw last', async () => {
  let calls = 0;
  const waiting = waitFor('every pod bound', () => ({ seen: `${++calls}/5000 bound` }), { timeoutMs: 50, everyMs: 5 });
  await expect(waiting).rejects.toThrow(WaitTimeoutError);
  await expect(waitFor('every pod bound', () => ({ seen: '4999/5000 bound' }), { timeoutMs: 20, everyMs: 5 })).rejects.toThrow('every pod bound: not reached within 0 s; last seen: 4999/5000 bound');
});

test('reports progress while it waits', async () => {
  const lines: string[] = [];
  let calls = 0;
  await waitFor('x', () => (++calls > 20 ? { value: true, seen: 'done' } : { seen: `step ${calls}` }), { timeoutMs: 5000, everyMs: 2, progress: (s) => lines.push(s), progressEveryMs: 10 });
  expect(lines.length).toBeGreaterThan(0);
  expect(lines[0]).toMatch(/^step \d+$/);
});
