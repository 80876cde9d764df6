import { PlacementConfig } from './config.js';
import { estimatePodWatts, referenceEstimator } from './power-model.js';
import { SPECPOWER_PROFILES } from './power-profiles.js';

const epyc = { idleWatts: 117, fullLoadWatts: 685 };
const GiB = 2 ** 30;

test('the estimate is linear from idle to full load plus memory and a CPU share of idle, times the safety factor', () => {
  // u = 16/64 = 0.25: 0.25*(685-117) + 8*0.392 + 0.25*117 = 142 + 3.136 + 29.25 = 174.386; *1.1 = 191.82 -> 192
  expect(estimatePodWatts({ cpuMillis: 16000, memoryBytes: 8 * GiB }, 64000, epyc, { safetyFactor: 1.1, memoryWattsPerGiB: 0.392 })).toBe(192);
  // The whole node: full-load power plus its memory term.
  expect(estimatePodWatts({ cpuMillis: 64000, memoryBytes: 0 }, 64000, epyc, { safetyFactor: 1, memoryWattsPerGiB: 0 })).toBe(685);
  // A request larger than the node is capped at the node.
  expect(estimatePodWatts({ cpuMillis: 128000, memoryBytes: 0 }, 64000, epyc, { safetyFactor: 1, memoryWattsPerGiB: 0 })).toBe(685);
  // Every pod draws at least a watt.
  expect(estimatePodWatts({ cpuMillis: 0, memoryBytes: 0 }, 64000, epyc, { safetyFactor: 1, memoryWattsPerGiB: 0 })).toBe(1);
  // The class factor scales only the dynamic term: 0.25*568*0.6 + 0.25*117 = 85.2 + 29.25 = 114.45 -> 115
  expect(estimatePodWatts({ cpuMillis: 16000, memoryBytes: 0 }, 64000, epyc, { safetyFactor: 1, memoryWattsPerGiB: 0, classFactor: 0.6 })).toBe(115);
});

test('an estimate against a node without CPUs is refused', () => {
  expect(() => estimatePodWatts({ cpuMillis: 1, memoryBytes: 0 }, 0, epyc, { safetyFactor: 1, memoryWattsPerGiB: 0 })).toThrow('estimatePodWatts: node CPU must be positive, got 0m');
});

test('the reference estimator uses the configured node shape and power class', () => {
  const estimate = referenceEstimator(PlacementConfig.parse({}));
  // 1 CPU of 64 on an EPYC 9004 profile, 1 GiB: (568/64 + 0.392 + 117/64) * 1.1 = (8.875 + 0.392 + 1.828125) * 1.1 = 12.2 -> 13
  expect(estimate({ cpuMillis: 1000, memoryBytes: GiB }, 'standard')).toBe(13);
  expect(estimate({ cpuMillis: 1000, memoryBytes: GiB }, 'high')).toBeGreaterThan(13);
  expect(estimate({ cpuMillis: 1000, memoryBytes: GiB }, 'low')).toBeLessThan(13);
});

test('every built-in profile names the SPECpower result it comes from', () => {
  for (const [family, profile] of Object.entries(SPECPOWER_PROFILES)) {
    expect(profile.source).toMatch(/power_ssj2008-\d{8}-\d{5}/);
    expect(profile.fullLoadWatts).toBeGreaterThan(profile.idleWatts);
    expect(family).toMatch(/^(amd|intel)-/);
  }
});
