import { Informer, type InformerHandler } from './informer.js';
import { FakeKubeClient, serverError } from './testing/fake-kube-client.js';
import { FakeClock, settle } from './testing/fake-clock.js';
import { GoneError } from './errors.js';
import type { KubeObject } from './objects.js';

const CM = { apiVersion: 'v1', kind: 'ConfigMap' };

function configMap(name: string, data: Record<string, string> = {}, labels?: Record<string, string>): KubeObject {
  return { ...CM, metadata: { name, namespace: 'ns', ...(labels ? { labels } : {}) }, data };
}

function recorder() {
  const seen: string[] = [];
  const handler: InformerHandler<KubeObject> = {
    onAdd: (o) => seen.push(`add ${o.metadata.name}`),
    onUpdate: (_old, o) => seen.push(`update ${o.metadata.name}`),
    onDelete: (o) => seen.push(`delete ${o.metadata.name}`),
  };
  return { seen, handler };
}

function setup(options: Partial<ConstructorParameters<typeof Informer>[1]> = {}) {
  const client = new FakeKubeClient();
  const clock = new FakeClock();
  const informer = new Informer(client, { type: CM, clock, random: () => 0, resyncMs: 0, ...options });
  const { seen, handler } = recorder();
  informer.addEventHandler(handler);
  return { client, clock, informer, seen };
}

describe('Informer', () => {
  it('lists, syncs, then follows adds, updates and deletes from the watch', async () => {
    const { client, clock, informer, seen } = setup();
    client.seed(configMap('a'));
    informer.start();
    expect(await informer.waitForSync()).toBe(true);
    expect(seen).toEqual(['add a']);

    client.seed(configMap('b'));
    await client.update({ ...(await client.get({ ...CM, namespace: 'ns', name: 'a' })), data: { k: 'v' } });
    await client.delete({ ...CM, namespace: 'ns', name: 'b' });
    await clock.advance(0);

    expect(seen).toEqual(['add a', 'add b', 'update a', 'delete b']);
    expect(informer.store.keys()).toEqual(['ns/a']);
    expect(informer.store.get('ns/a')?.data).toEqual({ k: 'v' });
    expect(informer.lastSyncResourceVersion).toBe(client.currentResourceVersion);
    await informer.stop();
    expect(client.openWatches).toBe(0);
  });

  it('relists after 410 Gone and reports what changed while it was not watching', async () => {
    const { client, clock, informer, seen } = setup({ backoff: { initialMs: 800, maxMs: 30_000, jitter: 0 } });
    client.seed(configMap('keep'));
    client.seed(configMap('drop'));
    informer.start();
    await informer.waitForSync();
    await clock.advance(0);

    // The watch ends with 410 and the relist fails once, leaving a window with no watch open.
    client.failNext('list', serverError());
    client.breakWatches(new GoneError('too old resource version', 410, 'Expired'));
    await clock.advance(0);
    expect(informer.stats.gone).toBe(1);
    expect(client.openWatches).toBe(0);

    await client.delete({ ...CM, namespace: 'ns', name: 'drop' });
    client.seed(configMap('keep', { changed: 'yes' }));
    client.compact();
    await clock.advance(800);

    expect(seen).toEqual(['add keep', 'add drop', 'update keep', 'delete drop']);
    expect(informer.store.keys()).toEqual(['ns/keep']);
    expect(informer.store.get('ns/keep')?.data).toEqual({ changed: 'yes' });
    expect(informer.lastSyncResourceVersion).toBe(client.currentResourceVersion);
    expect(client.openWatches).toBe(1);
    await informer.stop();
  });

  it('restarts after any watch error with exponential backoff, and keeps following', async () => {
    const { client, clock, informer, seen } = setup({ backoff: { initialMs: 1000, maxMs: 60_000, jitter: 0 } });
    informer.start();
    await informer.waitForSync();
    await clock.advance(0);
    expect(client.openWatches).toBe(1);

    client.failNext('watch', serverError(), 2);
    client.breakWatches(serverError('connection reset'));
    await clock.advance(0);
    expect(client.openWatches).toBe(0);
    // 1st retry after 1 s fails (injected), 2nd after a further 2 s fails, 3rd after 4 s holds.
    await clock.advance(999);
    expect(informer.stats.failures).toBe(1);
    await clock.advance(1);
    expect(informer.stats.failures).toBe(2);
    await clock.advance(1999);
    expect(client.openWatches).toBe(0);
    await clock.advance(1);
    expect(informer.stats.failures).toBe(3);
    await clock.advance(4000);
    expect(client.openWatches).toBe(1);

    client.seed(configMap('after'));
    await clock.advance(0);
    expect(seen).toEqual(['add after']);
    await informer.stop();
  });

  it('retries a failing initial list and is not synced until it succeeds', async () => {
    const { client, clock, informer } = setup({ backoff: { initialMs: 500, maxMs: 5000, jitter: 0 } });
    client.failNext('list', serverError(), 3);
    informer.start();
    await clock.advance(0);
    expect(informer.hasSynced()).toBe(false);
    await clock.advanceUntil(() => informer.hasSynced(), 'informer synced', 100);
    expect(informer.stats.lists).toBe(4);
    expect(clock.now() - Date.parse('2025-01-01T00:00:00Z')).toBe(500 + 1000 + 2000);
    await informer.stop();
  });

  it('restarts a watch that stays silent past the watchdog, but not one kept alive by bookmarks', async () => {
    const { client, clock, informer } = setup({ watchdogMs: 60_000 });
    informer.start();
    await informer.waitForSync();
    for (let i = 0; i < 5; i++) {
      await clock.advance(50_000);
      client.sendBookmark();
    }
    expect(informer.stats.watchdogTrips).toBe(0);
    expect(informer.stats.watches).toBe(1);

    await clock.advance(60_000);
    expect(informer.stats.watchdogTrips).toBe(1);
    await clock.advanceUntil(() => client.openWatches === 1 && informer.stats.watches === 2, 'watch restarted');
    await informer.stop();
  });

  it('does not spin when the server closes every watch at once', async () => {
    const { client, clock, informer } = setup({ backoff: { initialMs: 1000, maxMs: 8000, jitter: 0 } });
    informer.start();
    await informer.waitForSync();
    for (let i = 0; i < 4; i++) {
      client.closeWatches();
      await clock.advance(0);
    }
    // Each early close waits out a growing delay instead of reconnecting in a tight loop.
    expect(informer.stats.watches).toBeLessThanOrEqual(2);
    await clock.advance(1000);
    expect(informer.stats.watches).toBe(2);
    await informer.stop();
  });

  it('relists on the resync period and re-delivers unchanged objects as updates', async () => {
    const { client, clock, informer, seen } = setup({ resyncMs: 600_000, watchdogMs: 10_000_000 });
    client.seed(configMap('a'));
    informer.start();
    await informer.waitForSync();
    client.closeWatches(); // a normal server-side close must not postpone the resync
    await clock.advance(300_000);
    expect(informer.stats.lists).toBe(1);
    await clock.advance(300_000);
    expect(informer.stats.lists).toBe(2);
    expect(seen).toEqual(['add a', 'update a']);
    await informer.stop();
  });

  it('replays the cache to a handler added after sync and stops delivering once removed', async () => {
    const { client, clock, informer } = setup();
    client.seed(configMap('a'));
    informer.start();
    await informer.waitForSync();
    const late = recorder();
    const remove = informer.addEventHandler(late.handler);
    expect(late.seen).toEqual(['add a']);
    remove();
    client.seed(configMap('b'));
    await clock.advance(0);
    expect(late.seen).toEqual(['add a']);
    await informer.stop();
  });

  it('scopes to a namespace and label selector, seeing objects that leave the selector as deleted', async () => {
    const { client, clock, informer, seen } = setup({ namespace: 'ns', labelSelector: { matchLabels: { team: 'a' } } });
    client.seed(configMap('mine', {}, { team: 'a' }));
    client.seed(configMap('theirs', {}, { team: 'b' }));
    client.seed({ ...configMap('elsewhere', {}, { team: 'a' }), metadata: { name: 'elsewhere', namespace: 'other', labels: { team: 'a' } } });
    informer.start();
    await informer.waitForSync();
    expect(informer.store.keys()).toEqual(['ns/mine']);
    client.seed(configMap('mine', {}, { team: 'b' }));
    await clock.advance(0);
    expect(seen).toEqual(['add mine', 'delete mine']);
    await informer.stop();
  });

  it('keeps the cache following the server when a handler throws', async () => {
    const { client, clock, informer } = setup();
    informer.addEventHandler({ onAdd: () => { throw new Error('handler bug'); } });
    informer.start();
    await informer.waitForSync();
    client.seed(configMap('a'));
    await clock.advance(0);
    expect(informer.store.keys()).toEqual(['ns/a']);
    await informer.stop();
  });

  it('hands out frozen objects so one reader cannot corrupt the cache for others', async () => {
    const { client, informer } = setup();
    client.seed(configMap('a', { k: 'v' }));
    informer.start();
    await informer.waitForSync();
    const cached = informer.store.get('ns/a') as KubeObject & { data: Record<string, string> };
    expect(() => { cached.data.k = 'changed'; }).toThrow(TypeError);
    await informer.stop();
    await settle();
  });
});
