import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { createOrv3Racks } from './racks.js';

// Bad input is refused before any request; the client points at a server that does not exist.
const kc = new KubeConfig();
kc.loadFromClusterAndUser({ name: 'nowhere', server: 'https://127.0.0.1:1', skipTLSVerify: false }, { name: 'nobody' });
const core = kc.makeApiClient(CoreV1Api);

test.each([
  [{ racks: 0 }, 'createOrv3Racks: racks must be a positive whole number, got 0'],
  [{ racks: 1.5 }, 'createOrv3Racks: racks must be a positive whole number, got 1.5'],
  [{ racks: 1, nodesPerRack: 0 }, 'createOrv3Racks: nodesPerRack must be a positive whole number, got 0'],
  [{ racks: 1, zones: [] }, 'createOrv3Racks: zones must name at least one zone'],
  [{ racks: ['Rack_A'] }, 'createOrv3Racks: rack name "Rack_A" must be a DNS label of at most 50 characters'],
])('%j is rejected: %s', async (options, message) => {
  await expect(createOrv3Racks(core, options)).rejects.toThrow(message);
});
