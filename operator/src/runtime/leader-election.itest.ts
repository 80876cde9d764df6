import { LeaderElector, LEASE_TYPE, type Lease } from './leader-election.js';
import { Manager } from './manager.js';
import { mapToSelf } from './ownership.js';
import { testNamespace, eventually } from './testing/test-cluster.js';
import type { KubeClient } from './kube-client.js';
import type { RestKubeClient } from './rest-kube-client.js';

// Failover waits out a real 15 s lease.
const TIMEOUT_MS = 90_000;

describe('leader election against the API server', () => {
  let env: { client: RestKubeClient; namespace: string; cleanup(): Promise<void> };
  beforeAll(async () => {
    env = await testNamespace('rt-lease');
  });
  afterAll(async () => {
    await env.cleanup();
  });

  it('fails over within the lease duration when the leader stops renewing without releasing', async () => {
    const { client, namespace } = env;
    // Replica a's link to the API server can be cut, as when its node dies.
    const link = { up: true };
    const cut = <T>(call: () => Promise<T>) => (link.up ? call() : Promise.reject(new Error('network unreachable')));
    const aClient: Pick<KubeClient, 'get' | 'create' | 'update'> = {
      get: (r) => cut(() => client.get(r)),
      create: (o) => cut(() => client.create(o)),
      update: (o) => cut(() => client.update(o)),
    };
    const name = 'failover';
    const timeline: string[] = [];
    const a = new LeaderElector({ client: aClient, namespace, name, identity: 'a', onStartedLeading: () => timeline.push('a leads'), onStoppedLeading: () => void timeline.push('a stops') });
    const b = new LeaderElector({ client, namespace, name, identity: 'b', onStartedLeading: () => timeline.push('b leads'), onStoppedLeading: () => void timeline.push('b stops') });
    const stopA = new AbortController();
    const stopB = new AbortController();
    const runA = a.run(stopA.signal);
    await eventually('a leads', () => (a.isLeader() ? true : undefined));
    const runB = b.run(stopB.signal);
    await new Promise((r) => setTimeout(r, 3000));
    expect(b.isLeader()).toBe(false);

    const cutAt = Date.now();
    link.up = false;
    await eventually('b leads', () => (b.isLeader() ? true : undefined), 30_000);
    const failoverMs = Date.now() - cutAt;
    console.log(`leader election failover after the leader was cut off: ${failoverMs} ms`);
    expect(failoverMs).toBeLessThanOrEqual(15_000 + 2 * 2_400);
    expect(timeline.indexOf('a stops')).toBeGreaterThan(-1);
    expect(timeline.indexOf('a stops')).toBeLessThan(timeline.indexOf('b leads'));
    const lease = await client.get<Lease>({ ...LEASE_TYPE, namespace, name });
    expect(lease.spec).toMatchObject({ holderIdentity: 'b', leaseDurationSeconds: 15, leaseTransitions: 1 });

    stopA.abort();
    stopB.abort();
    await Promise.all([runA, runB]);
  }, TIMEOUT_MS);

  it('hands over at once between two managers when the leader shuts down gracefully', async () => {
    const { client, namespace } = env;
    const reconciledBy: string[] = [];
    await client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'work', namespace } });
    const replica = (identity: string) => {
      const m = new Manager({
        client,
        processMetrics: false,
        healthAddress: { host: '127.0.0.1', port: 0 },
        leaderElection: { namespace, name: 'managers', identity },
      });
      m.addController({
        name: 'configmaps',
        reconcile: async (key) => void reconciledBy.push(`${identity} ${key}`),
        watches: [{ informer: m.informer({ apiVersion: 'v1', kind: 'ConfigMap' }, { namespace }), mapToKeys: mapToSelf }],
      });
      return m;
    };
    const a = replica('a');
    const b = replica('b');
    try {
      await a.start();
      await eventually('a leads', () => (a.isLeader() ? true : undefined));
      await b.start();
      await eventually('both ready', async () => ((await a.readiness()).ready && (await b.readiness()).ready ? true : undefined));
      await eventually('a reconciled', () => (reconciledBy.includes(`a ${namespace}/work`) ? true : undefined));
      expect(b.isLeader()).toBe(false);

      const stoppedAt = Date.now();
      await a.stop();
      await eventually('b leads', () => (b.isLeader() ? true : undefined), 20_000);
      const handoverMs = Date.now() - stoppedAt;
      console.log(`graceful leader hand-over between managers: ${handoverMs} ms`);
      expect(handoverMs).toBeLessThan(2_000 * 2.2 + 1000);
      await eventually('b reconciled', () => (reconciledBy.includes(`b ${namespace}/work`) ? true : undefined));
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  }, TIMEOUT_MS);
});
