import { APPLIED_HASH_ANNOTATION, applyChildren, isSubset, upToDate, withAppliedHash, withOwner } from './apply.js';
import { FakeKubeClient } from './testing/fake-kube-client.js';
import type { KubeObject, ObjectRef } from './objects.js';

const owner: KubeObject = { apiVersion: 'musubi.dev/v1alpha1', kind: 'Connector', metadata: { name: 'c1', namespace: 'tenant', uid: 'owner-uid' } };
const sameNs: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c1-config', namespace: 'tenant' }, data: { a: '1' } };
const otherNs: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c1-mirror', namespace: 'shared' }, data: { a: '1' } };

function cacheOf(client: FakeKubeClient) {
  const live = new Map<string, KubeObject>();
  const refresh = async (ref: ObjectRef) => live.set(`${ref.namespace}/${ref.name}`, await client.get(ref));
  return { lookup: (ref: ObjectRef) => live.get(`${ref.namespace}/${ref.name}`), refresh };
}

describe('applyChildren', () => {
  it('owns same-namespace children by reference and others by labels', async () => {
    const client = new FakeKubeClient();
    const [a, b] = await applyChildren(owner, [sameNs, otherNs], { client });
    expect(a?.object.metadata.ownerReferences).toEqual([
      { apiVersion: 'musubi.dev/v1alpha1', kind: 'Connector', name: 'c1', uid: 'owner-uid', controller: true, blockOwnerDeletion: true },
    ]);
    expect(b?.object.metadata.ownerReferences).toBeUndefined();
    expect(b?.object.metadata.labels).toMatchObject({ 'musubi.dev/owner-kind': 'Connector', 'musubi.dev/owner-name': 'c1', 'musubi.dev/owner-namespace': 'tenant' });
    expect(a?.object.metadata.annotations?.[APPLIED_HASH_ANNOTATION]).toMatch(/^[0-9a-f]{32}$/);
  });

  it('skips the request when the live child has this hash and our values, and applies on drift or change', async () => {
    const client = new FakeKubeClient();
    const cache = cacheOf(client);
    const [first] = await applyChildren(owner, [sameNs], { client, lookup: cache.lookup });
    await cache.refresh(first!.ref);
    const rv = first?.object.metadata.resourceVersion;

    const [again] = await applyChildren(owner, [sameNs], { client, lookup: cache.lookup });
    expect(again?.action).toBe('unchanged');
    expect(client.count('apply')).toBe(1);

    // Someone edits a field we manage: the values no longer match, so we apply and restore it.
    await client.mergePatch(first!.ref, { data: { a: 'tampered' } });
    await cache.refresh(first!.ref);
    const [restored] = await applyChildren(owner, [sameNs], { client, lookup: cache.lookup });
    expect(restored?.action).toBe('applied');
    expect(restored?.object.data).toEqual({ a: '1' });

    // A changed desired state always applies.
    await cache.refresh(first!.ref);
    const [changed] = await applyChildren(owner, [{ ...sameNs, data: { a: '2' } }], { client, lookup: cache.lookup });
    expect(changed?.action).toBe('applied');
    expect(changed?.object.metadata.resourceVersion).not.toBe(rv);
  });

  it('applies when the hash differs even though all desired values are present (a field was dropped)', () => {
    const before = withAppliedHash(withOwner(owner, { ...sameNs, data: { a: '1', b: '2' } }));
    const after = withAppliedHash(withOwner(owner, sameNs));
    expect(isSubset(after.data, before.data)).toBe(true);
    expect(upToDate(after, before)).toBe(false);
  });

  it('refuses to take a child that another controller owns', () => {
    const taken = { ...sameNs, metadata: { ...sameNs.metadata, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'x', uid: 'other', controller: true }] } };
    expect(() => withOwner(owner, taken)).toThrow(/already controlled by Deployment x/);
  });
});

describe('isSubset', () => {
  it('compares objects by the wanted keys and lists item by item', () => {
    expect(isSubset({ a: 1, b: { c: [1, { d: 2 }] } }, { a: 1, x: 9, b: { c: [1, { d: 2, e: 3 }] } })).toBe(true);
    expect(isSubset({ c: [1] }, { c: [1, 2] })).toBe(false);
    expect(isSubset({ a: '1' }, { a: 1 })).toBe(false);
    expect(isSubset({ a: {} }, { a: null })).toBe(false);
  });
});
