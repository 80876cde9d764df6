import { apiServerArgs, controllerManagerArgs, etcdArgs, kwokArgs, schedulerArgs, schedulerConfiguration } from './components.js';
import type { ControlPlanePki } from './pki.js';

const files = (name: string) => ({ cert: `/pki/${name}.crt`, key: `/pki/${name}.key` });
const pki: ControlPlanePki = {
  dir: '/pki', caCert: '/pki/ca.crt', caKey: '/pki/ca.key', serving: files('serving'),
  serviceAccountKey: '/pki/sa.key', serviceAccountPublicKey: '/pki/sa.pub',
  clients: { admin: files('admin'), kubeScheduler: files('s'), kubeControllerManager: files('c'), kwok: files('k'), frontProxy: files('fp') },
};

const flag = (args: string[], name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

test('every component binds to loopback only', () => {
  const all = [
    ...etcdArgs({ dataDir: '/d', clientPort: 1, peerPort: 2 }),
    ...apiServerArgs({ etcdClientPort: 1, port: 3, pki, serviceAccountAdmission: true }),
    ...schedulerArgs({ kubeconfig: '/k', port: 4, pki }),
    ...controllerManagerArgs({ kubeconfig: '/k', port: 5, pki }),
    ...kwokArgs({ kubeconfig: '/k', port: 6, pki, stagesFile: '/s', nodes: { annotation: 'a=b' } }),
  ];
  const addresses = all.filter((a) => /(address|urls?)=/.test(a) && !a.startsWith('--etcd-servers') && !a.startsWith('--initial-cluster'));
  expect(addresses.length).toBeGreaterThan(5);
  for (const a of addresses) expect(a).toMatch(/127\.0\.0\.1/);
});

test('the API server keeps the ServiceAccount admission plugin only when a controller manager creates the accounts', () => {
  expect(flag(apiServerArgs({ etcdClientPort: 1, port: 2, pki, serviceAccountAdmission: true }), 'disable-admission-plugins')).toBeUndefined();
  expect(flag(apiServerArgs({ etcdClientPort: 1, port: 2, pki, serviceAccountAdmission: false }), 'disable-admission-plugins')).toBe('ServiceAccount');
});

test('the API server authorises with Node and RBAC and trusts only our CA for clients', () => {
  const args = apiServerArgs({ etcdClientPort: 1, port: 2, pki, serviceAccountAdmission: true });
  expect(flag(args, 'authorization-mode')).toBe('Node,RBAC');
  expect(flag(args, 'client-ca-file')).toBe('/pki/ca.crt');
  expect(flag(args, 'service-account-signing-key-file')).toBe('/pki/sa.key');
});

test('the controller manager signs service-account tokens and runs each controller under its own account', () => {
  const args = controllerManagerArgs({ kubeconfig: '/k', port: 5, pki });
  expect(flag(args, 'service-account-private-key-file')).toBe('/pki/sa.key');
  expect(flag(args, 'root-ca-file')).toBe('/pki/ca.crt');
  expect(flag(args, 'use-service-account-credentials')).toBe('true');
  expect(flag(args, 'controllers')?.split(',')).toEqual(expect.arrayContaining(['*', '-node-ipam-controller']));
});

test('kwok manages the nodes one selector picks, with the installed Stages', () => {
  const byLabel = kwokArgs({ kubeconfig: '/k', port: 6, pki, stagesFile: '/s.yaml', nodes: { label: 'type=kwok' } });
  expect(flag(byLabel, 'manage-nodes-with-label-selector')).toBe('type=kwok');
  expect(flag(byLabel, 'manage-nodes-with-annotation-selector')).toBeUndefined();
  expect(flag(byLabel, 'manage-all-nodes')).toBe('false');
  expect(flag(byLabel, 'config')).toBe('/s.yaml');
  const byAnnotation = kwokArgs({ kubeconfig: '/k', port: 6, pki, stagesFile: '/s.yaml', nodes: { annotation: 'kwok.x-k8s.io/node=fake' } });
  expect(flag(byAnnotation, 'manage-nodes-with-annotation-selector')).toBe('kwok.x-k8s.io/node=fake');
});

test('a scheduler configuration file carries the scheduler\'s kubeconfig and raised client limits, which its flags no longer set', () => {
  expect(flag(schedulerArgs({ kubeconfig: '/k', port: 4, pki }), 'config')).toBeUndefined();
  expect(flag(schedulerArgs({ kubeconfig: '/k', port: 4, pki, configFile: '/s.json' }), 'config')).toBe('/s.json');
  const file = schedulerConfiguration({ kubeconfig: '/k', settings: { clientConnection: { qps: 5000 }, parallelism: 8 } });
  expect(file).toEqual({
    apiVersion: 'kubescheduler.config.k8s.io/v1',
    kind: 'KubeSchedulerConfiguration',
    clientConnection: { qps: 5000, burst: 2000, kubeconfig: '/k' },
    leaderElection: { leaderElect: false },
    parallelism: 8,
  });
  // The harness's identity wins over a kubeconfig smuggled into the settings.
  expect(schedulerConfiguration({ kubeconfig: '/k', settings: { clientConnection: { kubeconfig: '/other' } as { qps?: number } } }).clientConnection).toMatchObject({ kubeconfig: '/k' });
});
