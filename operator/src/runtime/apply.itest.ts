import { applyChildren } from './apply.js';
import { testNamespace } from './testing/test-cluster.js';
import { ConflictError, InvalidError, KubeApiError, NotFoundError } from './errors.js';
import type { KubeObject } from './objects.js';
import type { RestKubeClient } from './rest-kube-client.js';
import { FIELD_MANAGER } from './kube-client.js';

const CM = { apiVersion: 'v1', kind: 'ConfigMap' };

describe('RestKubeClient against the API server', () => {
  let env: { client: RestKubeClient; namespace: string; cleanup(): Promise<void> };
  beforeAll(async () => {
    env = await testNamespace('rt-apply');
  });
  afterAll(async () => {
    await env.cleanup();
  });

  it('server-side apply of identical content leaves the resourceVersion unchanged', async () => {
    const { client, namespace } = env;
    const desired: KubeObject = { ...CM, metadata: { name: 'same', namespace, labels: { a: 'b' } }, data: { k: 'v' } };
    const first = await client.apply(desired);
    const second = await client.apply(desired);
    expect(second.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
    expect(JSON.stringify(first.metadata.managedFields)).toContain(FIELD_MANAGER);
    const changed = await client.apply({ ...desired, data: { k: 'w' } });
    expect(changed.metadata.resourceVersion).not.toBe(first.metadata.resourceVersion);
  });

  it('applyChildren sets the owner reference and sends nothing when the live child is up to date', async () => {
    const { client, namespace } = env;
    const owner = await client.create<KubeObject>({ ...CM, metadata: { name: 'owner', namespace } });
    const child: KubeObject = { ...CM, metadata: { name: 'child', namespace }, data: { x: '1' } };
    const [applied] = await applyChildren(owner, [child], { client });
    expect(applied?.object.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid, controller: true });
    const live = await client.get({ ...CM, namespace, name: 'child' });
    const [again] = await applyChildren(owner, [child], { client, lookup: () => live });
    expect(again?.action).toBe('unchanged');
    // Even when we do send it, the server keeps the version: nothing changed.
    const [forced] = await applyChildren(owner, [child], { client });
    expect(forced?.object.metadata.resourceVersion).toBe(live.metadata.resourceVersion);
  });

  it('reports typed errors: NotFound, Conflict on a stale resourceVersion, Invalid with the field', async () => {
    const { client, namespace } = env;
    await expect(client.get({ ...CM, namespace, name: 'absent' })).rejects.toBeInstanceOf(NotFoundError);
    const cm = await client.create<KubeObject>({ ...CM, metadata: { name: 'versioned', namespace }, data: {} });
    await client.update({ ...cm, data: { a: '1' } });
    await expect(client.update({ ...cm, data: { a: '2' } })).rejects.toBeInstanceOf(ConflictError);
    await expect(client.delete({ ...CM, namespace, name: 'versioned' }, { preconditions: { uid: 'not-the-uid' } })).rejects.toBeInstanceOf(ConflictError);

    const invalid = await client.apply({ ...CM, metadata: { name: 'Not_A_Valid_Name', namespace }, data: {} }).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(InvalidError);
    expect((invalid as InvalidError).causes.map((c) => c.field)).toContain('metadata.name');

    const unknownField = await client.apply({ ...CM, metadata: { name: 'strict', namespace }, data: {}, dta: {} }).catch((e: unknown) => e);
    expect(unknownField).toBeInstanceOf(KubeApiError);
    expect((unknownField as Error).message).toMatch(/dta/);
  });

  it('writes status through the status subresource', async () => {
    const { client, namespace } = env;
    // Namespaces have a status subresource in every cluster, so no CRD is needed here.
    const ns = await client.get({ apiVersion: 'v1', kind: 'Namespace', name: namespace });
    const updated = await client.updateStatus({ ...ns, status: { ...(ns.status as object), conditions: [] } });
    expect(updated.metadata.name).toBe(namespace);
  });
});
