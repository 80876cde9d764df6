import { addFinalizer, reconcileFinalizer, removeFinalizer } from './finalizers.js';
import { FakeKubeClient } from './testing/fake-kube-client.js';
import { ConflictError } from './errors.js';
import type { KubeObject } from './objects.js';

const F = 'musubi.dev/cleanup';
const ref = { apiVersion: 'musubi.dev/v1alpha1', kind: 'Participant', namespace: 'ns', name: 'p' };

describe('finalizers', () => {
  it('adds once, keeping finalizers of others, and removes idempotently', async () => {
    const client = new FakeKubeClient();
    let p = client.seed<KubeObject>({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: 'p', namespace: 'ns', finalizers: ['other.io/keep'] } });
    p = await addFinalizer(client, p, F);
    p = await addFinalizer(client, p, F);
    expect(p.metadata.finalizers).toEqual(['other.io/keep', F]);
    expect(client.count('mergePatch')).toBe(1);
    p = (await removeFinalizer(client, p, F)) as KubeObject;
    expect(p.metadata.finalizers).toEqual(['other.io/keep']);
    await removeFinalizer(client, p, F);
    expect(client.count('mergePatch')).toBe(2);
  });

  it('fails with a conflict instead of overwriting a finalizer list that changed since it was read', async () => {
    const client = new FakeKubeClient();
    const stale = client.seed<KubeObject>({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: 'p', namespace: 'ns' } });
    await client.mergePatch(ref, { metadata: { finalizers: ['other.io/keep'] } });
    await expect(addFinalizer(client, stale, F)).rejects.toBeInstanceOf(ConflictError);
    expect((await client.get(ref)).metadata.finalizers).toEqual(['other.io/keep']);
  });

  it('runs cleanup on deletion and then lets the object go', async () => {
    const client = new FakeKubeClient();
    let cleanups = 0;
    const p = client.seed<KubeObject>({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: 'p', namespace: 'ns' } });
    const live = await reconcileFinalizer(client, p, F, async () => void cleanups++);
    expect(live.deleting).toBe(false);
    await client.delete(ref);
    const deleting = await client.get(ref);
    expect(deleting.metadata.deletionTimestamp).toBeDefined();
    expect(await reconcileFinalizer(client, deleting, F, async () => void cleanups++)).toEqual({ deleting: true });
    expect(cleanups).toBe(1);
    await expect(client.get(ref)).rejects.toThrow(/not found/);
  });

  it('rejects a finalizer name that is not domain-qualified', async () => {
    const client = new FakeKubeClient();
    const p = client.seed<KubeObject>({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: 'p', namespace: 'ns' } });
    await expect(addFinalizer(client, p, 'cleanup')).rejects.toThrow(/must be domain-qualified, e.g. "musubi.dev\/cleanup"/);
  });
});
