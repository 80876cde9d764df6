import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectGolden } from '../testing/golden.js';
import { PlacementConfig } from './config.js';
import { referenceEstimator } from './power-model.js';
import { placementDefaults, priorityClassManifests, renderPlacement } from './render.js';

const here = dirname(fileURLToPath(import.meta.url));
const config = PlacementConfig.parse({});
const estimateWatts = referenceEstimator(config);
const selectorLabels = { 'app.kubernetes.io/name': 'connector', 'app.kubernetes.io/instance': 'maker-jp' };

test('a connector required on ORv3 with preferred racks (golden)', () => {
  const rendered = renderPlacement({
    workload: 'connector',
    placement: { requireORv3: true, powerProfile: 'high', preferredRacks: ['rack-03', 'rack-07', 'rack-03'] },
    resources: { requests: { cpu: '2', memory: '4Gi' }, limits: { memory: '4Gi' } },
    selectorLabels,
    defaults: placementDefaults(config, false),
    estimateWatts,
  });
  expect(rendered.priorityClassName).toBe('musubi-connector');
  expect(rendered.resources.requests['power.musubi.dev/watts']).toBe(rendered.resources.limits['power.musubi.dev/watts']);
  expectGolden(join(here, '__golden__', 'connector-orv3.yaml'), rendered);
});

test('an issuer under the operator defaults: trust-critical, unmetered, still preferring racks with headroom (golden)', () => {
  const rendered = renderPlacement({
    workload: 'issuer',
    resources: { requests: { cpu: '500m', memory: '512Mi', 'power.musubi.dev/watts': '40' } },
    selectorLabels: { 'app.kubernetes.io/name': 'issuer', 'app.kubernetes.io/instance': 'jp-anchor' },
    defaults: placementDefaults(config, false),
    estimateWatts,
  });
  expect(rendered.priorityClassName).toBe('musubi-trust-critical');
  expect(rendered.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution).toBeUndefined();
  expect(rendered.resources.requests).toEqual({ cpu: '500m', memory: '512Mi' });
  expect(rendered.wattsPerPod).toBeUndefined();
  expectGolden(join(here, '__golden__', 'issuer-default.yaml'), rendered);
});

test('the estimate follows the requests; an explicit watts request wins', () => {
  const base = { workload: 'wallet' as const, placement: { requireORv3: true }, selectorLabels, defaults: placementDefaults(config, false), estimateWatts };
  const small = renderPlacement({ ...base, resources: { requests: { cpu: '1' } } }).wattsPerPod ?? 0;
  const large = renderPlacement({ ...base, resources: { limits: { cpu: '8' } } }).wattsPerPod ?? 0;
  expect(large).toBeGreaterThan(small);
  expect(renderPlacement({ ...base, resources: { requests: { cpu: '8', 'power.musubi.dev/watts': '77' } } }).wattsPerPod).toBe(77);
  expect(() => renderPlacement({ ...base, resources: { requests: { 'power.musubi.dev/watts': '7.5' } } })).toThrow(
    'spec.resources.requests["power.musubi.dev/watts"]: "7.5" must be a non-negative whole number (extended resources are counted in whole units)',
  );
});

test('the operator default requires ORv3 when a connector does not say', () => {
  const rendered = renderPlacement({ workload: 'connector', selectorLabels, defaults: placementDefaults(config, true), estimateWatts, resources: { requests: { cpu: '1' } } });
  expect(rendered.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual({
    nodeSelectorTerms: [{ matchExpressions: [{ key: 'node.musubi.dev/class', operator: 'In', values: ['orv3'] }] }],
  });
});

test('rendering without selector labels is refused with the reason', () => {
  expect(() => renderPlacement({ workload: 'connector', selectorLabels: {}, defaults: placementDefaults(config, false), estimateWatts })).toThrow(
    'renderPlacement: selectorLabels is empty; the spread constraints need the labels that select this workload\'s pods',
  );
});

test('the PriorityClasses rank trust services above connectors (golden)', () => {
  const [trust, connector] = priorityClassManifests();
  expect(trust?.value).toBeGreaterThan(connector?.value ?? Infinity);
  expectGolden(join(here, '__golden__', 'priority-classes.yaml'), priorityClassManifests());
});
