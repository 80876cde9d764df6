import { bytes, cpuMillis, parseQuantity, wholeUnits } from './quantity.js';

test('parses the quantity forms nodes and pods carry', () => {
  expect(cpuMillis('500m', 'cpu')).toBe(500);
  expect(cpuMillis('2', 'cpu')).toBe(2000);
  expect(cpuMillis('0.25', 'cpu')).toBe(250);
  expect(cpuMillis(3, 'cpu')).toBe(3000);
  expect(cpuMillis('1e-4', 'cpu')).toBe(1);
  expect(bytes('256Mi', 'memory')).toBe(256 * 2 ** 20);
  expect(bytes('1G', 'memory')).toBe(1e9);
  expect(bytes('1.5Gi', 'memory')).toBe(1.5 * 2 ** 30);
  expect(parseQuantity('1E', 'x')).toBe(1e18);
  expect(parseQuantity('1e3', 'x')).toBe(1000);
  expect(wholeUnits('400', 'watts')).toBe(400);
});

test('a malformed quantity names the field and shows the accepted forms', () => {
  expect(() => cpuMillis('two', 'spec.containers[0].resources.requests.cpu')).toThrow(
    'spec.containers[0].resources.requests.cpu: "two" is not a Kubernetes quantity; write it like "500m", "2", "256Mi" or "1e3"',
  );
  expect(() => wholeUnits('2.5', 'status.capacity["power.musubi.dev/watts"]')).toThrow(/must be a non-negative whole number/);
  expect(() => wholeUnits('-3', 'w')).toThrow(/non-negative whole number/);
});
