import { DEFAULT_OPTIONS, OptionsError, parseBenchOptions } from './options.js';

test('defaults are the issue\'s scale: 30 racks of 34 nodes, 5,000 pods, 32 creates in flight', () => {
  expect(parseBenchOptions([])).toEqual(DEFAULT_OPTIONS);
  expect(DEFAULT_OPTIONS).toMatchObject({ racks: 30, nodesPerRack: 34, pods: 5000, concurrency: 32 });
});

test('flags override the defaults', () => {
  expect(parseBenchOptions(['--racks', '2', '--pods', '300', '--workloads', '10', '--tight-pods', '0', '--tight-fit', '0.5', '--cpu', '500m', '--memory', '1Gi']))
    .toMatchObject({ racks: 2, pods: 300, workloads: 10, tightPods: 0, tightFit: 0.5, cpu: '500m', memory: '1Gi' });
});

test('a bad value names its flag and what it must be', () => {
  expect(() => parseBenchOptions(['--racks', '0'])).toThrow('--racks: must be a whole number from 1 to 500, got "0"');
  expect(() => parseBenchOptions(['--pods', '1.5'])).toThrow('--pods: must be a whole number');
  expect(() => parseBenchOptions(['--tight-fit', '1'])).toThrow('--tight-fit: must be a fraction between 0 and 1');
  expect(() => parseBenchOptions(['--cpu', 'two'])).toThrow('--cpu: must be a positive CPU quantity');
  expect(() => parseBenchOptions(['--memory', '4 GB'])).toThrow('--memory: must be a memory quantity');
  expect(() => parseBenchOptions(['--pods', '10', '--workloads', '20'])).toThrow('--workloads (20) must not exceed --pods (10)');
  expect(() => parseBenchOptions(['--nodes', '3'])).toThrow(OptionsError);
  expect(() => parseBenchOptions(['--nodes', '3'])).toThrow(/usage: node e2e\/dist\/bench\/placement-scale\.js/);
});
