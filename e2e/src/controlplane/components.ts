import { CLIENT_IDENTITIES, type CertificateFiles, type ControlPlanePki } from './pki.js';

const FRONT_PROXY_USER = CLIENT_IDENTITIES.frontProxy.user;

// Command lines of the control-plane components, as pure functions of where things are. The flag
// sets follow controller-runtime's envtest (API server defaults for tests on one machine) and
// kwokctl's binary runtime (scheduler, controller manager and kwok against a local API server), with
// each component running under its own identity the way kubeadm sets a cluster up.

export const COMPONENTS = ['etcd', 'kube-apiserver', 'kube-scheduler', 'kube-controller-manager', 'kwok'] as const;
export type ComponentName = (typeof COMPONENTS)[number];

export const SERVICE_CLUSTER_IP_RANGE = '10.96.0.0/16';
export const POD_CIDR = '10.244.0.0/16';
export const SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

export function etcdArgs(c: { dataDir: string; clientPort: number; peerPort: number }): string[] {
  const client = `http://127.0.0.1:${c.clientPort}`;
  const peer = `http://127.0.0.1:${c.peerPort}`;
  return [
    '--name=musubi-local',
    `--data-dir=${c.dataDir}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=musubi-local=${peer}`,
    // Throwaway data: durability costs every write an fsync, which on a shared CI disk is most of
    // the API server's latency.
    '--unsafe-no-fsync',
    '--auto-compaction-retention=1',
    '--quota-backend-bytes=8589934592',
    '--log-level=warn',
  ];
}

export function apiServerArgs(c: { etcdClientPort: number; port: number; pki: ControlPlanePki; serviceAccountAdmission: boolean }): string[] {
  return [
    `--etcd-servers=http://127.0.0.1:${c.etcdClientPort}`,
    '--bind-address=127.0.0.1',
    // Without it the API server asks the default route for an address, which fails offline.
    '--advertise-address=127.0.0.1',
    // A loopback address is not a valid Endpoints address, so keeping default/kubernetes' endpoints
    // only fails every 10 s; nothing in a simulated cluster dials the service anyway.
    '--endpoint-reconciler-type=none',
    `--secure-port=${c.port}`,
    `--tls-cert-file=${c.pki.serving.cert}`,
    `--tls-private-key-file=${c.pki.serving.key}`,
    `--client-ca-file=${c.pki.caCert}`,
    '--authorization-mode=Node,RBAC',
    // The aggregation layer, as kubeadm sets it up: the API server forwards requests to aggregated API
    // servers as front-proxy-client, and the scheduler and controller manager, which authenticate
    // their own endpoints through the API server, read this CA from kube-system (else they log its
    // absence every second).
    `--requestheader-client-ca-file=${c.pki.caCert}`,
    `--requestheader-allowed-names=${FRONT_PROXY_USER}`,
    '--requestheader-username-headers=X-Remote-User',
    '--requestheader-group-headers=X-Remote-Group',
    '--requestheader-extra-headers-prefix=X-Remote-Extra-',
    `--proxy-client-cert-file=${c.pki.clients.frontProxy.cert}`,
    `--proxy-client-key-file=${c.pki.clients.frontProxy.key}`,
    '--enable-admission-plugins=NodeRestriction',
    // The ServiceAccount plugin rejects pods in a namespace until the controller manager has created
    // its "default" ServiceAccount; without a controller manager that never happens (envtest's reason
    // for switching it off). With one, it stays on, as in a real cluster.
    ...(c.serviceAccountAdmission ? [] : ['--disable-admission-plugins=ServiceAccount']),
    `--service-account-issuer=${SERVICE_ACCOUNT_ISSUER}`,
    `--service-account-key-file=${c.pki.serviceAccountPublicKey}`,
    `--service-account-signing-key-file=${c.pki.serviceAccountKey}`,
    `--service-cluster-ip-range=${SERVICE_CLUSTER_IP_RANGE}`,
    '--allow-privileged=true',
    '--profiling=false',
    '--v=1',
  ];
}

/** Flags shared by the scheduler and the controller manager: own identity, secure port on loopback. */
function servingComponentArgs(c: { kubeconfig: string; port: number; serving: CertificateFiles }): string[] {
  return [
    `--kubeconfig=${c.kubeconfig}`,
    `--authentication-kubeconfig=${c.kubeconfig}`,
    `--authorization-kubeconfig=${c.kubeconfig}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${c.port}`,
    `--tls-cert-file=${c.serving.cert}`,
    `--tls-private-key-file=${c.serving.key}`,
    // One instance per control plane: waiting for a lease only slows the start.
    '--leader-elect=false',
    // The default client limit (20 requests/s) is sized for sharing a production API server; here it
    // made 340 new nodes wait 75 s for the controller manager to lift their not-ready taints (13 s
    // without it). kwokctl lifts the limits for the same reason.
    '--kube-api-qps=1000',
    '--kube-api-burst=2000',
    '--v=1',
  ];
}

export function schedulerArgs(c: { kubeconfig: string; port: number; pki: ControlPlanePki; configFile?: string }): string[] {
  return [...servingComponentArgs({ kubeconfig: c.kubeconfig, port: c.port, serving: c.pki.serving }), ...(c.configFile ? [`--config=${c.configFile}`] : [])];
}

/** Settings for kube-scheduler's configuration file (KubeSchedulerConfiguration, kubescheduler.config.k8s.io/v1). */
export interface SchedulerConfiguration {
  /** The scheduler's API client; qps and burst default to the command line's 1000 and 2000. */
  clientConnection?: { qps?: number; burst?: number; contentType?: string };
  /** Other top-level fields of the file, e.g. `parallelism` or `percentageOfNodesToScore`. */
  [field: string]: unknown;
}

/**
 * The KubeSchedulerConfiguration written for `--config`. Given a file, kube-scheduler ignores its
 * --kubeconfig, --kube-api-qps and --kube-api-burst flags (only the leader election flags still apply),
 * so the file carries the scheduler's own kubeconfig and the same client limits unless told otherwise.
 */
export function schedulerConfiguration(c: { kubeconfig: string; settings: SchedulerConfiguration }): Record<string, unknown> {
  const { clientConnection, ...rest } = c.settings;
  return {
    ...rest,
    apiVersion: 'kubescheduler.config.k8s.io/v1',
    kind: 'KubeSchedulerConfiguration',
    clientConnection: { qps: 1000, burst: 2000, ...clientConnection, kubeconfig: c.kubeconfig },
    leaderElection: { leaderElect: false },
  };
}

export function controllerManagerArgs(c: { kubeconfig: string; port: number; pki: ControlPlanePki }): string[] {
  return [
    ...servingComponentArgs({ kubeconfig: c.kubeconfig, port: c.port, serving: c.pki.serving }),
    // No cloud and no pod network to program (kwok hands out pod IPs itself): leave out the
    // controllers that would only log that they have nothing to talk to.
    '--controllers=*,-node-ipam-controller,-node-route-controller,-service-lb-controller,-cloud-node-lifecycle-controller',
    // Each controller acts as its own ServiceAccount with the bootstrap RBAC role made for it, as in
    // a kubeadm cluster, so RBAC mistakes show up here rather than in production.
    '--use-service-account-credentials=true',
    `--service-account-private-key-file=${c.pki.serviceAccountKey}`,
    `--root-ca-file=${c.pki.caCert}`,
    `--cluster-signing-cert-file=${c.pki.caCert}`,
    `--cluster-signing-key-file=${c.pki.caKey}`,
    `--service-cluster-ip-range=${SERVICE_CLUSTER_IP_RANGE}`,
    '--cluster-name=musubi-local',
  ];
}

/** kwok's own convention for the nodes it simulates (what kwokctl selects by default). */
export const KWOK_NODE_ANNOTATION = { key: 'kwok.x-k8s.io/node', value: 'fake' } as const;

/** Which nodes kwok simulates: exactly one of a label or an annotation selector. */
export type KwokNodeSelector = { label: string } | { annotation: string };

export function kwokArgs(c: { kubeconfig: string; port: number; pki: ControlPlanePki; stagesFile: string; nodes: KwokNodeSelector }): string[] {
  return [
    `--kubeconfig=${c.kubeconfig}`,
    // kwok does nothing without Stages; these are its release defaults (build.sh installs them).
    `--config=${c.stagesFile}`,
    '--manage-all-nodes=false',
    'label' in c.nodes ? `--manage-nodes-with-label-selector=${c.nodes.label}` : `--manage-nodes-with-annotation-selector=${c.nodes.annotation}`,
    `--cidr=${POD_CIDR}`,
    '--node-ip=127.0.0.1',
    '--node-lease-duration-seconds=40',
    `--server-address=127.0.0.1:${c.port}`,
    `--node-port=${c.port}`,
    `--tls-cert-file=${c.pki.serving.cert}`,
    `--tls-private-key-file=${c.pki.serving.key}`,
  ];
}
