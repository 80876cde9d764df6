import type { Policy } from '../../api/v1alpha1/index.js';
import type { KubeObject } from '../../runtime/index.js';
import { CONFIG_MAP, CONNECTOR, POLICY } from '../shared/kinds.js';
import { readyOf, startTestOperator, type TestOperator } from '../shared/test-operator.js';
import { setupPolicyController } from './policy.controller.js';

const NS = 'dataspace';

function policy(constraints: NonNullable<Policy['spec']['permissions'][number]['constraints']>): KubeObject {
  return {
    apiVersion: 'musubi.dev/v1alpha1',
    kind: 'Policy',
    metadata: { name: 'recyclers', namespace: NS },
    spec: { permissions: [{ action: 'use', constraints }], prohibitions: [{ action: 'distribute' }] },
  };
}

const recyclersOnly = policy([
  { leftOperand: 'relationship', operator: 'eq', value: 'recyclerOf' },
  { leftOperand: 'jurisdiction', operator: 'isAnyOf', values: ['JP', 'EU'] },
]);

function connector(name: string, policyNames: string[]): KubeObject {
  return {
    apiVersion: 'musubi.dev/v1alpha1',
    kind: 'Connector',
    metadata: { name, namespace: NS },
    spec: {
      participantRef: { name: 'maker' },
      publicURL: `https://${name}.example/api/dsp`,
      offers: policyNames.map((p, i) => ({ assetId: `asset-${i}`, dataset: { title: 'PCF' }, source: { configMap: { name: 'data', key: 'pcf.json' } }, policyRef: { name: p } })),
    },
  };
}

type PolicyStatus = NonNullable<Policy['status']>;
const statusOf = (obj: KubeObject | undefined) => obj?.status as PolicyStatus | undefined;

let op: TestOperator;
let controller: ReturnType<typeof setupPolicyController>;
beforeEach(async () => {
  op = await startTestOperator((manager, context) => {
    controller = setupPolicyController(manager, context);
  });
});
afterEach(() => op.stop());

const getPolicy = () => op.get(POLICY, NS, 'recyclers');
const getConfigMap = () => op.get(CONFIG_MAP, NS, 'musubi-policy-recyclers');

test('a valid policy is compiled into its ConfigMap and reported Ready with its digest', async () => {
  await op.client.create(recyclersOnly);
  const ready = await op.until('policy Ready', async () => {
    const p = await getPolicy();
    return readyOf(p)?.status === 'True' ? p : undefined;
  });
  const status = statusOf(ready)!;
  expect(status.digest).toMatch(/^sha256:/);
  expect(status.compiledConfigMap).toBe('musubi-policy-recyclers');
  expect(status.observedGeneration).toBe(1);
  expect(readyOf(ready)).toEqual(expect.objectContaining({ reason: 'Ready', observedGeneration: 1 }));
  const cm = (await getConfigMap())!;
  expect(cm.metadata.annotations?.['musubi.dev/policy-digest']).toBe(status.digest);
  expect(cm.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Policy', name: 'recyclers', controller: true })]);
  expect(JSON.parse((cm.data as Record<string, string>)['policy.json']!).digest).toBe(status.digest);
  expect((await op.events('PolicyCompiled')).map((e) => e.regarding.name)).toEqual(['recyclers']);
});

test('a spec change recompiles; observedGeneration follows; an unchanged policy is not rewritten', async () => {
  await op.client.create(recyclersOnly);
  const first = await op.until('compiled', async () => statusOf(await getPolicy())?.digest);
  const cmVersion = (await getConfigMap())!.metadata.resourceVersion;
  const live = (await getPolicy())!;
  await op.client.update({ ...live, spec: { permissions: [{ action: 'use', constraints: [{ leftOperand: 'relationship', operator: 'eq', value: 'supplierOf' }] }] } });
  const second = await op.until('recompiled', async () => {
    const s = statusOf(await getPolicy());
    return s?.observedGeneration === 2 && s.digest !== first ? s : undefined;
  });
  expect(readyOf(await getPolicy())?.observedGeneration).toBe(2);
  const cm = (await getConfigMap())!;
  expect(cm.metadata.resourceVersion).not.toBe(cmVersion);
  expect(cm.metadata.annotations?.['musubi.dev/policy-digest']).toBe(second.digest);

  // Steady state: another reconcile (as a resync would cause) writes nothing.
  const settledPolicy = (await getPolicy())!.metadata.resourceVersion;
  const settledCm = (await getConfigMap())!.metadata.resourceVersion;
  const writes = () => ['apply', 'create', 'update', 'updateStatus', 'mergePatch'].reduce((n, verb) => n + op.client.count(verb as 'apply'), 0);
  const before = writes();
  await op.reconcileNow(controller, `${NS}/recyclers`);
  expect(writes()).toBe(before);
  expect((await getConfigMap())!.metadata.resourceVersion).toBe(settledCm);
  expect((await getPolicy())!.metadata.resourceVersion).toBe(settledPolicy);
});

test('a deleted or edited ConfigMap is restored', async () => {
  await op.client.create(recyclersOnly);
  const digest = await op.until('compiled', async () => statusOf(await getPolicy())?.digest);
  await op.client.delete({ ...CONFIG_MAP, namespace: NS, name: 'musubi-policy-recyclers' });
  await op.until('ConfigMap restored', async () => (await getConfigMap())?.metadata.annotations?.['musubi.dev/policy-digest'] === digest || undefined);
  const cm = (await getConfigMap())!;
  await op.client.update({ ...cm, data: { 'policy.json': '{"permissions": []}' } });
  await op.until('edit reverted', async () => {
    const data = (await getConfigMap())?.data as Record<string, string> | undefined;
    return data && JSON.parse(data['policy.json']!).digest === digest ? true : undefined;
  });
});

test('an invalid edit reports errors with JSON paths and keeps the last valid document', async () => {
  await op.client.create(recyclersOnly);
  const digest = await op.until('compiled', async () => statusOf(await getPolicy())?.digest);
  const live = (await getPolicy())!;
  await op.client.update({ ...live, spec: policy([{ leftOperand: 'count', operator: 'lt', value: 'ten' }]).spec });
  const invalid = await op.until('invalid reported', async () => {
    const p = await getPolicy();
    return readyOf(p)?.reason === 'PolicyInvalid' ? p : undefined;
  });
  expect(readyOf(invalid)).toEqual(expect.objectContaining({ status: 'False', observedGeneration: 2 }));
  expect(readyOf(invalid)?.message).toContain('spec.permissions[0].constraints[0].value');
  expect(readyOf(invalid)?.message).toContain(`last valid version (digest ${digest})`);
  expect(statusOf(invalid)?.errors).toEqual([{ path: 'spec.permissions[0].constraints[0].value', message: expect.stringContaining('whole number') }]);
  expect(statusOf(invalid)?.digest).toBe(digest);
  expect((await getConfigMap())!.metadata.annotations?.['musubi.dev/policy-digest']).toBe(digest);
  expect(await op.events('PolicyInvalid')).toHaveLength(1);

  // Fixed again: the errors go away.
  await op.client.update({ ...(await getPolicy())!, spec: recyclersOnly.spec });
  const fixed = await op.until('fixed', async () => {
    const p = await getPolicy();
    return readyOf(p)?.status === 'True' && statusOf(p)?.observedGeneration === 3 ? p : undefined;
  });
  expect(statusOf(fixed)?.errors).toBeUndefined();
});

test('a policy that never compiled has no ConfigMap and no digest', async () => {
  await op.client.create(policy([{ leftOperand: 'dateTime', operator: 'lt', value: 'next tuesday' }]));
  const p = await op.until('invalid', async () => {
    const obj = await getPolicy();
    return readyOf(obj)?.reason === 'PolicyInvalid' ? obj : undefined;
  });
  expect(statusOf(p)?.digest).toBeUndefined();
  expect(readyOf(p)?.message).toContain('not published until it compiles');
  expect(await getConfigMap()).toBeUndefined();
});

test('usedBy lists the connectors whose offers use the policy', async () => {
  await op.client.create(recyclersOnly);
  await op.until('compiled', async () => statusOf(await getPolicy())?.digest);
  await op.client.create(connector('maker', ['recyclers']));
  await op.client.create(connector('other', ['something-else']));
  await op.until('usedBy maker', async () => (statusOf(await getPolicy())?.usedBy?.join(',') === 'maker' ? true : undefined));
  await op.client.create(connector('second', ['recyclers', 'something-else']));
  await op.until('usedBy both', async () => (statusOf(await getPolicy())?.usedBy?.join(',') === 'maker,second' ? true : undefined));
  await op.client.delete({ ...CONNECTOR, namespace: NS, name: 'maker' });
  await op.until('usedBy second', async () => (statusOf(await getPolicy())?.usedBy?.join(',') === 'second' ? true : undefined));
});
