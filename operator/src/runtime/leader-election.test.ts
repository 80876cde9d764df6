import { LeaderElector, LEASE_TYPE, type Lease, type LeaderElectionOptions } from './leader-election.js';
import { FakeKubeClient, serverError } from './testing/fake-kube-client.js';
import { FakeClock } from './testing/fake-clock.js';
import type { KubeClient } from './kube-client.js';

const LEASE = { ...LEASE_TYPE, namespace: 'musubi-system', name: 'musubi-operator' };

/** A replica's view of the API server that can be cut off, as in a network partition or a frozen process. */
function partitionable(server: FakeKubeClient) {
  const link = { down: false };
  const guard = <T>(call: () => Promise<T>) => (link.down ? Promise.reject(serverError('connection refused')) : call());
  const client: Pick<KubeClient, 'get' | 'create' | 'update'> = {
    get: (ref) => guard(() => server.get(ref)),
    create: (obj) => guard(() => server.create(obj)),
    update: (obj) => guard(() => server.update(obj)),
  };
  return { client, link };
}

function replica(server: FakeKubeClient, clock: FakeClock, identity: string, extra: Partial<LeaderElectionOptions> = {}) {
  const { client, link } = partitionable(server);
  const events: string[] = [];
  const elector = new LeaderElector({
    client,
    namespace: LEASE.namespace,
    name: LEASE.name,
    identity,
    clock,
    random: () => 0.5,
    onStartedLeading: () => events.push(`started@${clock.now()}`),
    onStoppedLeading: () => void events.push(`stopped@${clock.now()}`),
    ...extra,
  });
  const stop = new AbortController();
  const running = elector.run(stop.signal);
  return { elector, events, link, stop, running };
}

async function holder(server: FakeKubeClient): Promise<string | undefined> {
  return (await server.get<Lease>(LEASE)).spec?.holderIdentity;
}

describe('LeaderElector', () => {
  it('creates the lease, leads, and renews it every retry period', async () => {
    const server = new FakeKubeClient();
    const clock = new FakeClock();
    const a = replica(server, clock, 'a');
    await clock.advance(0);
    expect(a.elector.isLeader()).toBe(true);
    const first = await server.get<Lease>(LEASE);
    expect(first.spec).toMatchObject({ holderIdentity: 'a', leaseDurationSeconds: 15, leaseTransitions: 0 });
    expect(first.spec?.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    await clock.advance(2000);
    const renewed = await server.get<Lease>(LEASE);
    expect(renewed.spec?.renewTime).not.toBe(first.spec?.renewTime);
    expect(renewed.spec?.acquireTime).toBe(first.spec?.acquireTime);
    a.stop.abort();
    await a.running;
  });

  it('keeps a second replica on standby while the leader renews', async () => {
    const server = new FakeKubeClient();
    const clock = new FakeClock();
    const a = replica(server, clock, 'a');
    await clock.advance(0);
    const b = replica(server, clock, 'b');
    await clock.advance(120_000);
    expect(a.elector.isLeader()).toBe(true);
    expect(b.elector.state).toBe('candidate');
    expect(b.elector.leader).toBe('a');
    expect(b.events).toEqual([]);
    a.stop.abort();
    b.stop.abort();
    await Promise.all([a.running, b.running]);
  });

  it('fails over within the lease duration when the leader is cut off, and the old leader steps down first', async () => {
    const server = new FakeKubeClient();
    const clock = new FakeClock();
    const a = replica(server, clock, 'a');
    await clock.advance(0);
    const b = replica(server, clock, 'b');
    await clock.advance(10_000);

    const cutAt = clock.now();
    a.link.down = true;
    await clock.advanceUntil(() => b.elector.isLeader(), 'b leads', 100, 60_000);
    const failoverMs = clock.now() - cutAt;
    // The lease was last renewed ≤ 2 s before the cut; b may only take it 15 s after it saw that renewal.
    expect(failoverMs).toBeGreaterThanOrEqual(13_000);
    expect(failoverMs).toBeLessThanOrEqual(15_000 + 2000 * 2.2);
    expect(a.elector.isLeader()).toBe(false);
    const stoppedAt = Number(a.events.find((e) => e.startsWith('stopped@'))?.split('@')[1]);
    expect(stoppedAt - cutAt).toBeLessThanOrEqual(10_000 + 2000);
    expect(stoppedAt).toBeLessThan(clock.now());
    expect(await holder(server)).toBe('b');
    expect((await server.get<Lease>(LEASE)).spec?.leaseTransitions).toBe(1);
    b.stop.abort();
    await Promise.all([a.running, b.running]);
  });

  it('releases the lease on shutdown after onStoppedLeading finished, so the standby takes over at once', async () => {
    const server = new FakeKubeClient();
    const clock = new FakeClock();
    const order: string[] = [];
    const a = replica(server, clock, 'a', {
      onStartedLeading: () => {},
      onStoppedLeading: async () => {
        order.push('controllers stopping');
        await clock.sleep(500);
        order.push(`controllers stopped, holder=${await holder(server)}`);
      },
    });
    await clock.advance(0);
    const b = replica(server, clock, 'b');
    await clock.advance(5000);

    const releasedAt = clock.now();
    a.stop.abort();
    await clock.advance(500);
    await a.running;
    expect(order).toEqual(['controllers stopping', 'controllers stopped, holder=a']);
    expect(await holder(server)).toBe('');
    await clock.advanceUntil(() => b.elector.isLeader(), 'b leads', 100, 20_000);
    expect(clock.now() - releasedAt).toBeLessThanOrEqual(500 + 2000 * 2.2);
    b.stop.abort();
    await b.running;
  });

  it('elects exactly one leader when replicas start together', async () => {
    const server = new FakeKubeClient();
    const clock = new FakeClock();
    const replicas = ['a', 'b', 'c'].map((id) => replica(server, clock, id));
    await clock.advance(30_000);
    expect(replicas.filter((r) => r.elector.isLeader())).toHaveLength(1);
    for (const r of replicas) r.stop.abort();
    await Promise.all(replicas.map((r) => r.running));
  });

  it('steps down at once when it finds another holder in the lease', async () => {
    const server = new FakeKubeClient();
    const clock = new FakeClock();
    const a = replica(server, clock, 'a');
    await clock.advance(0);
    const lease = await server.get<Lease>(LEASE);
    await server.update({ ...lease, spec: { ...lease.spec, holderIdentity: 'intruder' } });
    await clock.advance(2000);
    expect(a.elector.isLeader()).toBe(false);
    expect(a.events.some((e) => e.startsWith('stopped@'))).toBe(true);
    await a.running;
  });

  it('rejects timings that cannot work, naming them', () => {
    const base = { client: new FakeKubeClient(), namespace: 'ns', name: 'l', onStartedLeading: () => {}, onStoppedLeading: () => {} };
    expect(() => new LeaderElector({ ...base, leaseDurationMs: 10_000, renewDeadlineMs: 10_000 })).toThrow(/leaseDuration \(10000 ms\) must be greater than renewDeadline/);
    expect(() => new LeaderElector({ ...base, renewDeadlineMs: 2000, retryPeriodMs: 2000 })).toThrow(/renewDeadline \(2000 ms\) must be greater than 1.2 × retryPeriod/);
  });
});
