import { BindLatencyRecorder } from './latency-recorder.js';

test('latency runs from the create answer to the first bind seen; later sightings do not move it', () => {
  const r = new BindLatencyRecorder(3);
  r.createSent('a', 0);
  r.createReturned('a', 10);
  r.createSent('b', 5);
  r.createReturned('b', 20);
  r.bindSeen('a', 'n1', 110);
  r.bindSeen('a', 'n1', 500); // kwok's status update of the same pod
  r.bindSeen('b', 'n2', 70);
  r.createSent('c', 6);
  r.createReturned('c', 30);
  const t = r.timings();
  expect(t).toMatchObject({ pods: 3, created: 3, bound: 2, failedCreates: 0, firstSentMs: 0, lastReturnedMs: 30, lastBoundMs: 110, boundBeforeReturn: 0 });
  expect(t.latenciesMs).toEqual([50, 100]);
  expect(r.isBound('a')).toBe(true);
  expect(r.isBound('c')).toBe(false);
});

test('a bind seen before its create returned counts as 0 ms and is tallied', () => {
  const r = new BindLatencyRecorder(1);
  r.createSent('a', 0);
  r.bindSeen('a', 'n1', 4);
  r.createReturned('a', 9);
  const t = r.timings();
  expect(t.latenciesMs).toEqual([0]);
  expect(t.boundBeforeReturn).toBe(1);
  expect(t.bound).toBe(1);
});

test('failed creates are counted and leave no timing behind', () => {
  const r = new BindLatencyRecorder(2);
  r.createSent('a', 0);
  r.createFailed('a');
  const t = r.timings();
  expect(t).toMatchObject({ created: 0, bound: 0, failedCreates: 1, latenciesMs: [] });
  expect(Number.isNaN(t.firstSentMs)).toBe(true);
  expect(Number.isNaN(t.lastBoundMs)).toBe(true);
});
