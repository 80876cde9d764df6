import { parsePlacementConfig, PlacementConfig } from './config.js';
import { deliverableWatts, rackBudget, rackBudgets } from './power-model.js';

test('defaults describe the production ORv3 design: 13 kVA per rack, orv3 class label, rack label', () => {
  const config = PlacementConfig.parse({});
  expect(config.rackLabel).toBe('topology.musubi.dev/rack');
  expect(config.nodeSelector).toEqual({ matchLabels: { 'node.musubi.dev/class': 'orv3' } });
  expect(config.rackDefaults).toEqual({ kva: 13, powerFactor: 0.98, rectifierEfficiency: 0.975, derating: 0.1, reserveWatts: 500 });
  expect(config.estimate.safetyFactor).toBe(1.1);
  // 13000 * 0.98 * 0.975 * 0.9 - 500 = 10679.35
  expect(deliverableWatts(config.rackDefaults)).toBe(10679);
});

test('a rack override changes only the fields it names', () => {
  const config = parsePlacementConfig({ rackDefaults: { reserveWatts: 0 }, racks: { 'rack-07': { kva: 8 } } });
  expect(rackBudget(config, 'rack-07')).toEqual({ kva: 8, powerFactor: 0.98, rectifierEfficiency: 0.975, derating: 0.1, reserveWatts: 0 });
  const budgets = rackBudgets(config);
  expect(budgets('rack-07')).toBe(Math.floor(8000 * 0.98 * 0.975 * 0.9));
  expect(budgets('rack-01')).toBe(Math.floor(13000 * 0.98 * 0.975 * 0.9));
});

test('bad configuration names the field and the fix', () => {
  expect(() => parsePlacementConfig({ rackLabel: 'not a label!' })).toThrow('placement.rackLabel: must be a label key such as "topology.musubi.dev/rack"');
  expect(() => parsePlacementConfig({ racks: { r1: { powerFactor: 1.4 } } })).toThrow(/placement\.racks\.r1\.powerFactor/);
  expect(() => parsePlacementConfig({ racks: { r1: { kwh: 3 } } })).toThrow(/placement\.racks\.r1: .*kwh/);
  expect(() => parsePlacementConfig({ defaultCpuFamily: 'arm-neoverse' })).toThrow(
    /placement\.defaultCpuFamily: "arm-neoverse" is not a known CPU family; use one of amd-epyc-9004, .* or add it under cpuFamilies/,
  );
  expect(() => parsePlacementConfig({ cpuFamilies: { 'arm-neoverse': { idleWatts: 300, fullLoadWatts: 200 } } })).toThrow(
    'placement.cpuFamilies.arm-neoverse.fullLoadWatts: fullLoadWatts must be at least idleWatts',
  );
  expect(() => parsePlacementConfig({ headroom: { highAtFraction: 0.1 } })).toThrow(/highAtFraction > mediumAtFraction > lowAtFraction/);
});

test('a CPU family added in configuration can be the default', () => {
  const config = parsePlacementConfig({ cpuFamilies: { 'arm-neoverse': { idleWatts: 90, fullLoadWatts: 400, source: 'in-house measurement' } }, defaultCpuFamily: 'arm-neoverse' });
  expect(config.defaultCpuFamily).toBe('arm-neoverse');
});
