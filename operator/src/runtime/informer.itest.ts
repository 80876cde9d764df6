import { Informer } from './informer.js';
import { testNamespace, eventually } from './testing/test-cluster.js';
import type { KubeObject } from './objects.js';
import type { RestKubeClient } from './rest-kube-client.js';

const CM = { apiVersion: 'v1', kind: 'ConfigMap' };

describe('Informer against the API server', () => {
  let env: { client: RestKubeClient; namespace: string; cleanup(): Promise<void> };
  beforeAll(async () => {
    env = await testNamespace('rt-informer');
  });
  afterAll(async () => {
    await env.cleanup();
  });

  it('sees create, update and delete, scoped by namespace and label selector', async () => {
    const { client, namespace } = env;
    const seen: string[] = [];
    const informer = new Informer(client, { type: CM, namespace, labelSelector: { matchLabels: { 'musubi.dev/test': 'informer' } } });
    informer.addEventHandler({
      onAdd: (o) => seen.push(`add ${o.metadata.name}`),
      onUpdate: (old, o) => old.metadata.resourceVersion !== o.metadata.resourceVersion && seen.push(`update ${o.metadata.name} ${JSON.stringify(o.data)}`),
      onDelete: (o) => seen.push(`delete ${o.metadata.name}`),
    });
    const labels = { 'musubi.dev/test': 'informer' };
    await client.create({ ...CM, metadata: { name: 'before', namespace, labels }, data: { v: '0' } });
    informer.start();
    try {
      expect(await informer.waitForSync(AbortSignal.timeout(20_000))).toBe(true);
      expect(informer.store.keys()).toEqual([`${namespace}/before`]);

      const created = await client.create<KubeObject>({ ...CM, metadata: { name: 'live', namespace, labels }, data: { v: '1' } });
      await client.create({ ...CM, metadata: { name: 'unlabelled', namespace }, data: {} });
      await client.update({ ...created, data: { v: '2' } });
      await client.delete({ ...CM, namespace, name: 'live' });

      await eventually('informer saw the delete', () => (seen.includes('delete live') ? true : undefined));
      expect(seen).toEqual(['add before', 'add live', 'update live {"v":"2"}', 'delete live']);
      expect(informer.store.keys()).toEqual([`${namespace}/before`]);
      expect(informer.stats.failures).toBe(0);
    } finally {
      await informer.stop();
    }
  });

  it('re-watches from its resourceVersion when the server ends watches, without relisting or losing events', async () => {
    const { client, namespace } = env;
    // timeoutSeconds is drawn from [2, 4) s: the server closes each watch after a few seconds.
    const informer = new Informer(client, { type: CM, namespace, minWatchTimeoutSeconds: 2 });
    informer.start();
    try {
      await informer.waitForSync(AbortSignal.timeout(20_000));
      await eventually('three watches', () => (informer.stats.watches >= 3 ? true : undefined), 20_000);
      await client.create({ ...CM, metadata: { name: 'after-rewatch', namespace } });
      await eventually('informer saw after-rewatch', () => informer.store.get(`${namespace}/after-rewatch`));
      expect(informer.stats.lists).toBe(1);
      expect(informer.stats.failures).toBe(0);
    } finally {
      await informer.stop();
    }
  }, 40_000);
});
