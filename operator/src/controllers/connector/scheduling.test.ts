import type { KubeObject } from '../../runtime/index.js';
import { podScheduling, type PodSchedulingInput } from './scheduling.js';

const RACK = 'topology.musubi.dev/rack';
const SAID = '0/69 nodes are available: 34 Insufficient power.musubi.dev/watts, 35 node(s) didn\'t match Pod\'s node affinity/selector. preemption: 0/69 nodes are available: 69 Preemption is not helpful for scheduling.';

interface PodOptions {
  node?: string;
  ready?: boolean;
  refused?: string;
  phase?: string;
  deleting?: boolean;
  watts?: number;
}

function pod(name: string, o: PodOptions = {}): KubeObject {
  const conditions: Array<Record<string, string>> = [];
  if (o.refused !== undefined) conditions.push({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: o.refused });
  if (o.node) conditions.push({ type: 'PodScheduled', status: 'True' });
  if (o.ready !== undefined) conditions.push({ type: 'Ready', status: o.ready ? 'True' : 'False' });
  const requests = { cpu: '2', memory: '4Gi', ...(o.watts !== undefined ? { 'power.musubi.dev/watts': String(o.watts) } : {}) };
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: 'shop', ...(o.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    spec: { ...(o.node ? { nodeName: o.node } : {}), containers: [{ name: 'connector', image: 'x', resources: { requests, limits: requests } }] },
    status: { phase: o.phase ?? (o.node ? 'Running' : 'Pending'), conditions },
  } as KubeObject;
}

const nodes: Record<string, Record<string, string>> = {
  'n-a1': { [RACK]: 'rack-a' },
  'n-a2': { [RACK]: 'rack-a' },
  'n-b1': { [RACK]: 'rack-b' },
  plain: {},
};

const input = (pods: KubeObject[]): PodSchedulingInput => ({ pods, nodeLabels: (n) => nodes[n], rackLabel: RACK, workload: 'Deployment shop/jp-manufacturer-connector' });

test('a pod refused for want of watts: InsufficientPower naming the pod, its watts and the scheduler\'s words', () => {
  const verdict = podScheduling(input([pod('c-1', { node: 'n-b1', ready: true, watts: 26 }), pod('c-2', { refused: SAID, watts: 26 })]));
  expect(verdict).toEqual({
    status: 'False',
    reason: 'InsufficientPower',
    racks: ['rack-b'],
    message:
      'Pod shop/c-2 cannot be scheduled: it requests 26 W of power.musubi.dev/watts (the connector\'s estimated draw) and no ORv3 node it may run on ' +
      `has that much of its rack's power budget left. The scheduler says: "${SAID}". Free power in a rack (scale down or remove workloads there), ` +
      'raise the rack\'s budget (placement.racks.<rack> in the operator configuration), or lower spec.resources or spec.placement.powerProfile.',
  });
});

test('other refusals are Unschedulable with the scheduler\'s reason; further refused pods are counted', () => {
  const said = '0/3 nodes are available: 3 node(s) didn\'t match Pod\'s node affinity/selector.';
  const verdict = podScheduling(input([pod('c-2', { refused: said }), pod('c-1', { refused: said }), pod('c-3', { refused: said })]));
  expect(verdict.status).toBe('False');
  expect(verdict.reason).toBe('Unschedulable');
  expect(verdict.message).toBe(
    `Pod shop/c-1 cannot be scheduled. The scheduler says: "${said}". 2 more pod(s) of Deployment shop/jp-manufacturer-connector wait the same way. ` +
    'Check the nodes the pod may run on (spec.placement.requireORv3 needs ORv3-class nodes) and what it requests (spec.resources).',
  );
});

test('all pods bound: True, with the racks of the ready ones only', () => {
  const verdict = podScheduling(input([
    pod('c-1', { node: 'n-a1', ready: true }),
    pod('c-2', { node: 'n-a2', ready: true }),
    pod('c-3', { node: 'n-b1', ready: false }),
    pod('c-4', { node: 'plain', ready: true }),
    pod('c-5', { node: 'gone', ready: true }),
  ]));
  expect(verdict).toEqual({
    status: 'True', reason: 'PodsScheduled', racks: ['rack-a'],
    message: 'All 5 pod(s) of Deployment shop/jp-manufacturer-connector are bound to nodes; the ready ones run in rack(s) rack-a.',
  });
});

test('no verdict yet: no pods, or pods the scheduler has not tried; terminating and finished pods do not count', () => {
  expect(podScheduling(input([]))).toMatchObject({ status: 'Unknown', reason: 'PodsPending', racks: [] });
  expect(podScheduling(input([pod('old', { refused: SAID, deleting: true }), pod('done', { phase: 'Succeeded' })]))).toMatchObject({ status: 'Unknown', reason: 'PodsPending' });
  expect(podScheduling(input([pod('c-1', { node: 'n-a1', ready: true }), pod('c-2')]))).toEqual({
    status: 'Unknown', reason: 'SchedulingPending', racks: ['rack-a'],
    message: '1 of 2 pod(s) of Deployment shop/jp-manufacturer-connector wait for the scheduler.',
  });
});
