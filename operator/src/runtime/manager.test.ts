import { Manager } from './manager.js';
import { mapToSelf } from './ownership.js';
import { FakeKubeClient, serverError } from './testing/fake-kube-client.js';
import { FakeClock, settle } from './testing/fake-clock.js';
import { parseListenAddress } from './http-endpoints.js';
import { LEASE_TYPE, type Lease } from './leader-election.js';
import type { KubeObject } from './objects.js';

const PARTICIPANT = { apiVersion: 'musubi.dev/v1alpha1', kind: 'Participant' };
const LOOPBACK = { host: '127.0.0.1', port: 0 };

function participant(name: string): KubeObject {
  return { ...PARTICIPANT, metadata: { name, namespace: 'ns' }, spec: {} };
}

// Stopped after each test even when it fails, so no HTTP server outlives its test.
const managers: Manager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stop()));
});

function replica(server: FakeKubeClient, clock: FakeClock, identity: string, reconcile: (key: string) => Promise<void>) {
  const manager = new Manager({
    client: server,
    clock,
    metricsAddress: LOOPBACK,
    healthAddress: LOOPBACK,
    processMetrics: false,
    leaderElection: { namespace: 'musubi-system', name: 'musubi-operator', identity },
  });
  managers.push(manager);
  manager.addController({ name: 'participant', workers: 2, reconcile, watches: [{ informer: manager.informer(PARTICIPANT), mapToKeys: mapToSelf }] });
  return manager;
}

async function get(address: { host: string; port: number } | undefined, path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://${address?.host}:${address?.port}${path}`);
  return { status: res.status, body: await res.text() };
}

describe('Manager', () => {
  it('runs controllers on the leader only, while both replicas are ready and export metrics', async () => {
    const server = new FakeKubeClient();
    const clock = new FakeClock();
    server.seed(participant('a'));
    const calls: string[] = [];
    const a = replica(server, clock, 'a', async (key) => void calls.push(`a:${key}`));
    const b = replica(server, clock, 'b', async (key) => void calls.push(`b:${key}`));
    await a.start();
    await clock.advance(0);
    await b.start();
    await clock.advance(5000);

    expect(a.isLeader()).toBe(true);
    expect(b.isLeader()).toBe(false);
    expect(calls).toEqual(['a:ns/a']);
    expect(await get(a.healthAddress, '/readyz')).toEqual({ status: 200, body: 'ok\n' });
    expect(await get(b.healthAddress, '/readyz')).toEqual({ status: 200, body: 'ok\n' });
    expect((await get(b.healthAddress, '/healthz')).status).toBe(200);

    const metrics = (await get(a.metricsAddress, '/metrics')).body;
    for (const name of [
      'controller_runtime_reconcile_total',
      'controller_runtime_reconcile_errors_total',
      'controller_runtime_reconcile_time_seconds',
      'controller_runtime_max_concurrent_reconciles',
      'controller_runtime_active_workers',
      'workqueue_depth',
      'workqueue_adds_total',
      'workqueue_retries_total',
      'workqueue_queue_duration_seconds',
      'workqueue_work_duration_seconds',
      'workqueue_unfinished_work_seconds',
      'workqueue_longest_running_processor_seconds',
    ]) {
      expect(metrics).toContain(`# TYPE ${name} `);
    }
    expect(metrics).toContain('controller_runtime_reconcile_total{controller="participant",result="success"} 1');
    expect(metrics).toContain('leader_election_master_status{name="musubi-operator"} 1');
    expect((await get(b.metricsAddress, '/metrics')).body).toContain('leader_election_master_status{name="musubi-operator"} 0');
    expect((await get(a.metricsAddress, '/nothing')).status).toBe(404);

    await Promise.all([b.stop(), a.stop()]);
  });

  it('on stop finishes the in-flight reconcile, then releases the lease so the standby takes over at once', async () => {
    const server = new FakeKubeClient();
    const clock = new FakeClock();
    server.seed(participant('slow'));
    const log: string[] = [];
    const a = replica(server, clock, 'a', async (key) => {
      log.push(`a starts ${key}`);
      await clock.sleep(3000);
      const lease = await server.get<Lease>({ ...LEASE_TYPE, namespace: 'musubi-system', name: 'musubi-operator' });
      log.push(`a done, lease holder ${lease.spec?.holderIdentity}`);
    });
    const b = replica(server, clock, 'b', async (key) => void log.push(`b reconciles ${key}`));
    await a.start();
    await clock.advance(0);
    await b.start();
    await clock.advance(1000);
    expect(log).toEqual(['a starts ns/slow']);

    const stopAt = clock.now();
    const stopping = a.stop();
    await clock.advance(3000);
    await stopping;
    // a finished its reconcile while still holding the lease; only then could b take over.
    expect(log.slice(0, 2)).toEqual(['a starts ns/slow', 'a done, lease holder a']);
    await clock.advanceUntil(() => b.isLeader(), 'b leads', 100, 20_000);
    expect(clock.now() - stopAt).toBeLessThan(3000 + 5000);
    await clock.advanceUntil(() => log.includes('b reconciles ns/slow'), 'b reconciles', 100, 5000);
    await b.stop();
  });

  it('is not ready until its informers have synced, and says which one', async () => {
    const server = new FakeKubeClient();
    const clock = new FakeClock();
    server.failNext('list', serverError(), 100);
    const m = new Manager({ client: server, clock, healthAddress: LOOPBACK, processMetrics: false });
    managers.push(m);
    m.addController({ name: 'participant', reconcile: async () => {}, watches: [{ informer: m.informer(PARTICIPANT, { namespace: 'ns' }), mapToKeys: mapToSelf }] });
    await m.start();
    await settle();
    expect(await get(m.healthAddress, '/readyz')).toEqual({ status: 503, body: 'not ready: informer Participant.musubi.dev/v1alpha1 in ns not synced\n' });
    expect(() => m.informer({ apiVersion: 'v1', kind: 'Secret' })).toThrow(/requested after the manager started/);
    await m.stop();
    await m.stop();
  });

  it('without leader election runs controllers right away', async () => {
    const server = new FakeKubeClient();
    const clock = new FakeClock();
    server.seed(participant('a'));
    const calls: string[] = [];
    const m = new Manager({ client: server, clock, processMetrics: false });
    m.addController({ name: 'participant', reconcile: async (key) => void calls.push(key), watches: [{ informer: m.informer(PARTICIPANT), mapToKeys: mapToSelf }] });
    expect(() => m.addController({ name: 'participant', reconcile: async () => {}, watches: [{ informer: m.informer(PARTICIPANT), mapToKeys: mapToSelf }] })).toThrow(/already taken/);
    await m.start();
    await clock.advance(0);
    expect(calls).toEqual(['ns/a']);
    expect(m.isLeader()).toBe(true);
    await m.stop();
  });
});

describe('Manager.stopOnSignals', () => {
  it('stops gracefully on SIGTERM and reports the signal', async () => {
    const m = new Manager({ client: new FakeKubeClient(), clock: new FakeClock(), processMetrics: false, healthAddress: LOOPBACK });
    managers.push(m);
    await m.start();
    const stopped = m.stopOnSignals(['SIGTERM']);
    process.emit('SIGTERM', 'SIGTERM');
    await expect(stopped).resolves.toBe('SIGTERM');
    expect(process.listenerCount('SIGTERM')).toBe(0);
    await expect(m.readiness()).resolves.toEqual({ ready: false, failing: ['manager is stopped'] });
  });
});

describe('parseListenAddress', () => {
  it('reads host:port, [v6]:port and :port, and names the field on bad input', () => {
    expect(parseListenAddress('127.0.0.1:8080', 'metricsAddress')).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(parseListenAddress('[::1]:8081', 'healthAddress')).toEqual({ host: '::1', port: 8081 });
    expect(parseListenAddress(':9090', 'metricsAddress')).toEqual({ host: '0.0.0.0', port: 9090 });
    expect(() => parseListenAddress('8080', 'metricsAddress')).toThrow('metricsAddress: "8080" is not host:port (e.g. "127.0.0.1:8080" or ":8080")');
  });
});
