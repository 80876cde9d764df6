import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { controlPlaneInstall, type ControlPlaneInstall } from './binaries.js';
import {
  apiServerArgs, controllerManagerArgs, etcdArgs, KWOK_NODE_ANNOTATION, kwokArgs, schedulerArgs, schedulerConfiguration,
  type ComponentName, type KwokNodeSelector, type SchedulerConfiguration,
} from './components.js';
import { writeKubeconfig } from './kubeconfig.js';
import { generatePki, type ControlPlaneClient } from './pki.js';
import { freePorts } from './ports.js';
import { ComponentExitedError, waitUntilReady, type ProbeCredentials } from './probe.js';
import { startProcess, type ManagedProcess } from './process-group.js';
import { startWatchdog } from './watchdog.js';

export interface KwokOptions {
  /** Label selector of the nodes kwok simulates, e.g. `type=kwok`. */
  nodeSelector?: string;
  /** Annotation selector instead; the default is `kwok.x-k8s.io/node=fake`. */
  nodeAnnotationSelector?: string;
}

export interface ControlPlaneOptions {
  /** Run kube-scheduler, so pods are bound to nodes by the real scheduler. */
  scheduler?: boolean;
  /**
   * Run kube-controller-manager: garbage collection, namespace deletion, Deployments and
   * ReplicaSets, ServiceAccounts and their tokens, node lifecycle (taints of NotReady nodes).
   */
  controllerManager?: boolean;
  /** Run kwok, which makes selected nodes Ready and the pods bound to them Running and Ready. */
  kwok?: boolean | KwokOptions;
  /**
   * Where certificates, etcd data, kubeconfigs and logs go. Default: a fresh temporary directory,
   * removed by stop(). A directory passed in is kept, so etcd data survives a restart.
   */
  workDir?: string;
  /** Progress lines (component started, ready, stopped). */
  log?: (line: string) => void;
  /** How long each component may take to become ready. Default 60 s. */
  readyTimeoutMs?: number;
  /** Flags appended to a component's command line, e.g. `{ 'kube-scheduler': ['--v=4'] }`. */
  extraArgs?: Partial<Record<ComponentName, readonly string[]>>;
  /**
   * Run kube-scheduler from a configuration file with these settings (e.g. a benchmark raising
   * `clientConnection.qps`); the harness fills in the scheduler's kubeconfig. Needs `scheduler`.
   */
  schedulerConfiguration?: SchedulerConfiguration;
}

export interface ControlPlaneComponent {
  name: ComponentName;
  pid: number;
  logFile: string;
}

export interface ControlPlane {
  /** `https://127.0.0.1:<port>` */
  server: string;
  /** Kubeconfig of an administrator (group system:masters), certificates embedded. */
  kubeconfigPath: string;
  workDir: string;
  /** The CA that signed the API server's certificate. */
  caCert: string;
  components: readonly ControlPlaneComponent[];
  install: ControlPlaneInstall;
  /** A client-node KubeConfig for the administrator. */
  kubeConfig(): KubeConfig;
  /** Runs kubectl as the administrator; resolves with its stdout, rejects with its stderr. */
  kubectl(args: readonly string[]): Promise<string>;
  /** Stops every component (dependents first), and removes the work directory when it made it. */
  stop(): Promise<void>;
}

const run = promisify(execFile);

/**
 * Starts etcd and kube-apiserver on 127.0.0.1 (and, as asked, kube-scheduler,
 * kube-controller-manager and kwok) from the binaries `make controlplane` builds, and resolves once
 * each one reports ready. Everything it starts is stopped again by stop(), when this process exits,
 * on SIGINT/SIGTERM/SIGHUP, and by a watchdog process should this process be killed outright.
 */
export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const kwokNodeSelector = options.kwok ? kwokNodes(options.kwok) : undefined;
  if (options.schedulerConfiguration && !options.scheduler) throw new Error('startControlPlane: schedulerConfiguration needs scheduler: true');
  const install = controlPlaneInstall();
  // A port found free can be taken by someone else before the component binds it; try again then.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(install, options, kwokNodeSelector);
    } catch (err) {
      if (!(err instanceof PortTakenError) || attempt === 3) throw err;
      options.log?.(`${err.message}; retrying with other ports`);
    }
  }
}

class PortTakenError extends Error {}

async function startOnce(install: ControlPlaneInstall, options: ControlPlaneOptions, kwokNodeSelector: KwokNodeSelector | undefined): Promise<ControlPlane> {
  const log = options.log ?? (() => undefined);
  const timeoutMs = options.readyTimeoutMs ?? 60_000;
  const started = Date.now();
  const ownsWorkDir = options.workDir === undefined;
  const workDir = options.workDir ?? (await mkdtemp(join(tmpdir(), 'musubi-cp-')));
  const logDir = join(workDir, 'logs');
  await mkdir(logDir, { recursive: true });

  const processes: ManagedProcess[] = [];
  const watchdog = startWatchdog({ groupsFile: join(workDir, 'process-groups'), logFile: join(logDir, 'watchdog.log'), removeDir: ownsWorkDir ? workDir : undefined });
  let stopping: Promise<void> | undefined;
  const handle: LiveControlPlane = {
    stop: () => (stopping ??= stopAll()),
    killNow: () => {
      for (const p of processes) p.kill();
      watchdog.process.kill();
      if (ownsWorkDir) rmSync(workDir, { recursive: true, force: true });
    },
  };
  async function stopAll(): Promise<void> {
    // Dependents first and etcd last, so nothing spends its last seconds retrying a dead server.
    const byName = (names: ComponentName[]): ManagedProcess[] => names.flatMap((name) => processes.filter((p) => p.name === name));
    const stopOne = async (p: ManagedProcess): Promise<void> => {
      const t0 = Date.now();
      await p.stop();
      log(`${p.name} stopped (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    };
    await Promise.all(byName(['kwok', 'kube-scheduler', 'kube-controller-manager']).map(stopOne));
    for (const p of byName(['kube-apiserver', 'etcd'])) await stopOne(p);
    watchdog.process.kill();
    await watchdog.process.exited;
    if (ownsWorkDir) await rm(workDir, { recursive: true, force: true, maxRetries: 3 });
    forget(handle);
    log(`stopped (${workDir}${ownsWorkDir ? ' removed' : ' kept'})`);
  }
  remember(handle);

  const start = (name: ComponentName, args: string[], env?: NodeJS.ProcessEnv): ManagedProcess => {
    const p = startProcess(name, install.bin(name), [...args, ...(options.extraArgs?.[name] ?? [])], { logFile: join(logDir, `${name}.log`), env });
    processes.push(p);
    watchdog.track(processes.map((q) => q.pid));
    void p.exited.then((status) => {
      if (stopping === undefined) log(`${name} exited unexpectedly (${status.signal ?? `code ${status.code}`}); see ${p.logFile}`);
    });
    return p;
  };
  const ready = async (p: ManagedProcess, url: string, credentials: ProbeCredentials, accept?: (body: string) => boolean): Promise<void> => {
    await waitUntilReady(p.name, url, credentials, { timeoutMs, exited: p.exited, accept });
    log(`${p.name} ready (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  };

  try {
    const pki = await generatePki(join(workDir, 'pki'));
    const [etcdClientPort, etcdPeerPort, apiServerPort, schedulerPort, controllerManagerPort, kwokPort] = (await freePorts(6)) as [number, number, number, number, number, number];
    const server = `https://127.0.0.1:${apiServerPort}`;
    const kubeconfigFor = async (client: ControlPlaneClient, file: string): Promise<string> => {
      await writeKubeconfig(file, { server, caCert: pki.caCert, client: pki.clients[client] });
      return file;
    };
    const kubeconfigPath = await kubeconfigFor('admin', join(workDir, 'kubeconfig'));
    const admin: ProbeCredentials = { caCert: pki.caCert, client: pki.clients.admin };

    const etcd = start('etcd', etcdArgs({ dataDir: join(workDir, 'etcd'), clientPort: etcdClientPort, peerPort: etcdPeerPort }));
    await ready(etcd, `http://127.0.0.1:${etcdClientPort}/health`, admin, (body) => body.includes('"health":"true"'));

    const apiServer = start('kube-apiserver', apiServerArgs({ etcdClientPort, port: apiServerPort, pki, serviceAccountAdmission: options.controllerManager === true }));
    await ready(apiServer, `${server}/readyz`, admin);

    const dependents: Promise<void>[] = [];
    if (options.scheduler) {
      const kubeconfig = await kubeconfigFor('kubeScheduler', join(workDir, 'kube-scheduler.kubeconfig'));
      let configFile: string | undefined;
      if (options.schedulerConfiguration) {
        configFile = join(workDir, 'kube-scheduler.config.json');
        // JSON is YAML, which is what the scheduler reads.
        await writeFile(configFile, JSON.stringify(schedulerConfiguration({ kubeconfig, settings: options.schedulerConfiguration }), null, 2));
      }
      const scheduler = start('kube-scheduler', schedulerArgs({ kubeconfig, port: schedulerPort, pki, ...(configFile ? { configFile } : {}) }));
      dependents.push(ready(scheduler, `https://127.0.0.1:${schedulerPort}/readyz`, admin));
    }
    if (options.controllerManager) {
      const kubeconfig = await kubeconfigFor('kubeControllerManager', join(workDir, 'kube-controller-manager.kubeconfig'));
      const controllerManager = start('kube-controller-manager', controllerManagerArgs({ kubeconfig, port: controllerManagerPort, pki }));
      dependents.push((async () => {
        await waitUntilReady('kube-controller-manager', `https://127.0.0.1:${controllerManagerPort}/healthz`, admin, { timeoutMs, exited: controllerManager.exited });
        // Healthy is not yet working: the "default" ServiceAccount appears once the controllers run
        // with their own credentials, and pods can only be created after it exists.
        await ready(controllerManager, `${server}/api/v1/namespaces/default/serviceaccounts/default`, admin);
      })());
    }
    if (kwokNodeSelector) {
      const kubeconfig = await kubeconfigFor('kwok', join(workDir, 'kwok.kubeconfig'));
      const home = join(workDir, 'kwok-home');
      // kwok also reads ~/.kwok/kwok.yaml when it exists; a home of its own keeps a developer's out.
      await mkdir(home, { recursive: true });
      const kwok = start('kwok', kwokArgs({ kubeconfig, port: kwokPort, pki, stagesFile: install.kwokStages, nodes: kwokNodeSelector }), { ...process.env, HOME: home });
      dependents.push(ready(kwok, `https://127.0.0.1:${kwokPort}/healthz`, admin));
    }
    await Promise.all(dependents);

    return {
      server,
      kubeconfigPath,
      workDir,
      caCert: pki.caCert,
      components: processes.map((p) => ({ name: p.name as ComponentName, pid: p.pid, logFile: p.logFile })),
      install,
      kubeConfig: () => {
        const kc = new KubeConfig();
        kc.loadFromFile(kubeconfigPath);
        return kc;
      },
      kubectl: async (args) => {
        try {
          return (await run(install.bin('kubectl'), ['--kubeconfig', kubeconfigPath, ...args], { maxBuffer: 64 * 1024 * 1024 })).stdout;
        } catch (err) {
          const e = err as Error & { stderr?: string };
          throw new Error(`kubectl ${args.join(' ')} failed: ${(e.stderr ?? e.message).trim()}`, { cause: err });
        }
      },
      stop: handle.stop,
    };
  } catch (err) {
    const logs = processes.map((p) => `--- ${p.name} (${p.logFile}):\n${tail(p.logFile)}`).join('\n');
    const portTaken = err instanceof ComponentExitedError && /address already in use/i.test(logs);
    await handle.stop();
    const message = `control plane did not start: ${(err as Error).message}\n${logs}`;
    throw portTaken ? new PortTakenError(message, { cause: err }) : new Error(message, { cause: err });
  }
}

function kwokNodes(option: true | KwokOptions): KwokNodeSelector {
  const o = option === true ? {} : option;
  if (o.nodeSelector && o.nodeAnnotationSelector) {
    throw new Error('kwok: set nodeSelector (labels) or nodeAnnotationSelector, not both; kwok manages the nodes one selector picks');
  }
  if (o.nodeSelector) return { label: o.nodeSelector };
  return { annotation: o.nodeAnnotationSelector ?? `${KWOK_NODE_ANNOTATION.key}=${KWOK_NODE_ANNOTATION.value}` };
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

// Every control plane this process started and has not stopped yet, so one set of exit and signal
// handlers can take them all down, and is removed again once none is left.
interface LiveControlPlane {
  stop(): Promise<void>;
  killNow(): void;
}
const live = new Set<LiveControlPlane>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function onExit(): void {
  for (const cp of live) cp.killNow();
}

function onSignal(signal: NodeJS.Signals): void {
  void Promise.allSettled([...live].map((cp) => cp.stop())).then(() => {
    // With our handler gone, a signal nobody else handles must still end the process.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}

function remember(cp: LiveControlPlane): void {
  if (live.size === 0) {
    process.on('exit', onExit);
    for (const s of SIGNALS) process.on(s, onSignal);
  }
  live.add(cp);
}

function forget(cp: LiveControlPlane): void {
  live.delete(cp);
  if (live.size === 0) {
    process.removeListener('exit', onExit);
    for (const s of SIGNALS) process.removeListener(s, onSignal);
  }
}
