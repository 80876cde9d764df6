import { addressUrlsOf, hostPathOf, toLocalProfile, type LocalProfile } from './local-profile.js';

const mounts = [
  { mountPath: '/etc/musubi/wallet', hostPath: '/tmp/pod/volumes/config' },
  { mountPath: '/var/run/musubi/wallet-key', hostPath: '/tmp/pod/volumes/key' },
  { mountPath: '/var/lib/musubi', hostPath: '/tmp/pod/volumes/data' },
  { mountPath: '/var/lib/musubi/cache', hostPath: '/tmp/pod/volumes/cache' },
];

const profile: LocalProfile = {
  mounts,
  listen: { host: '127.0.0.1', port: 41234 },
  serviceOrigin: (url) => (url.hostname === 'jp-anchor-issuer.dataspace.svc.cluster.local' && url.port === '8080' ? 'http://127.0.0.1:45000' : undefined),
};

// What the operator renders for a wallet, reduced to the fields that matter here.
const walletConfig = {
  participant: { name: 'jp-manufacturer', did: 'did:web:wallet.jp-manufacturer.dataspace.svc', publicURL: 'https://jp-anchor-issuer.dataspace.svc.cluster.local:8080' },
  keyFile: '/var/run/musubi/wallet-key/signing-key.jwk',
  credentialsDir: '/var/run/musubi/credentials',
  trustAnchor: {
    did: 'did:web:jp-anchor.dataspace.svc',
    issuerURL: 'http://jp-anchor-issuer.dataspace.svc.cluster.local:8080',
    trustListURL: 'http://jp-anchor-issuer.dataspace.svc.cluster.local:8080/trust-list?v=1',
  },
  trustedIssuers: ['https://external.example/anchor'],
  listen: { host: '0.0.0.0', port: 8080 },
  storageDir: '/var/lib/musubi',
  cacheDir: '/var/lib/musubi/cache/x',
  network: { allowHttpLoopback: false, timeoutSeconds: 10 },
};

test('paths under a mount move to the volume directory, the deepest mount winning; others stay', () => {
  expect(hostPathOf('/var/lib/musubi', mounts)).toBe('/tmp/pod/volumes/data');
  expect(hostPathOf('/var/lib/musubi/cache/x', mounts)).toBe('/tmp/pod/volumes/cache/x');
  expect(hostPathOf('/var/lib/musubix', mounts)).toBeUndefined();
  expect(hostPathOf('/etc/passwd', mounts)).toBeUndefined();
});

test('the local profile: mounted paths, the loopback listen address, Service URLs to loopback under the local-run network profile', () => {
  expect(toLocalProfile(walletConfig, profile)).toEqual({
    ...walletConfig,
    // Identity is not an address: publicURL stays even when it looks like a Service.
    participant: walletConfig.participant,
    keyFile: '/tmp/pod/volumes/key/signing-key.jwk',
    // Not mounted in this example, so it stays what the pod would see (and the service reports it missing).
    credentialsDir: '/var/run/musubi/credentials',
    trustAnchor: { did: 'did:web:jp-anchor.dataspace.svc', issuerURL: 'http://127.0.0.1:45000', trustListURL: 'http://127.0.0.1:45000/trust-list?v=1' },
    listen: { host: '127.0.0.1', port: 41234 },
    storageDir: '/tmp/pod/volumes/data',
    cacheDir: '/tmp/pod/volumes/cache/x',
    network: { allowHttpLoopback: true, timeoutSeconds: 10 },
  });
});

test('a configuration without a network section gets the local-run profile too; the input is not changed', () => {
  const config = { listen: { host: '0.0.0.0', port: 8080 } };
  expect(toLocalProfile(config, profile)).toEqual({ listen: { host: '127.0.0.1', port: 41234 }, network: { allowHttpLoopback: true } });
  expect(config).toEqual({ listen: { host: '0.0.0.0', port: 8080 } });
});

test('the address URLs a configuration names, identity fields excepted', () => {
  expect(addressUrlsOf(walletConfig).map(String)).toEqual([
    'http://jp-anchor-issuer.dataspace.svc.cluster.local:8080/',
    'http://jp-anchor-issuer.dataspace.svc.cluster.local:8080/trust-list?v=1',
    'https://external.example/anchor',
  ]);
});
