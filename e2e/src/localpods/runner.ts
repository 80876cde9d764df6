import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEPLOYMENT, ISSUER_COMPONENT, MANAGED_BY, SERVICE, WALLET_COMPONENT } from '@musubi/operator/controllers';
import { Informer, objectKey, silentLogger, type KubeClient, type KubeObject, type LabelSelector, type Logger } from '@musubi/operator/runtime';
import { addressKey, isClusterHostname, serviceAddressOf, serviceEndpoints, type ServiceAddress } from './cluster-routes.js';
import { LocalPod, LoopbackSlot } from './local-pod.js';
import { PodTemplateError, readPodTemplate, type LocalPodTemplate } from './pod-template.js';
import { LocalVolumeProvisioner } from './provisioner.js';
import { claimDirectory, type VolumeSourceLookup } from './volumes.js';

// Plays kubelet, cluster DNS and kube-proxy for the trust services on this machine. Under kwok the
// issuer and wallet pods the operator deploys run no code, so nothing would answer their Services;
// the runner watches those Deployments (by the operator's labels), runs the real trust-services issuer
// or wallet for each from the configuration and Secrets its pod template mounts, restarts it when the
// template changes (a rollout), stops it when the Deployment goes, and routes requests for in-cluster
// URLs to it (the operator's issuer client uses `fetch`; the services' own calls to other Services go
// through loopback stand-ins, see local-profile.ts). It also provisions the operator's
// PersistentVolumeClaims (provisioner.ts), whose volumes are directories kept for the whole run.
// Everything listens on 127.0.0.1 only; files live in a private 0700 directory removed on stop.

export interface LocalWorkloadRunnerOptions {
  client: KubeClient;
  /** The runner's lines and the services' own logs (each with the pod's namespace/name). Default: silent. */
  logger?: Logger;
  /** Narrows the Deployments run, e.g. to one test's objects (added to the operator's labels). */
  selector?: LabelSelector;
  /** DNS domain of the cluster, as the operator is configured (default cluster.local). */
  clusterDomain?: string;
  /** Parent of the runner's private directory (default the OS temp directory). */
  workDir?: string;
}

export type LocalWorkloadPhase = 'Pending' | 'Running' | 'Failed';

export interface LocalWorkloadStatus {
  namespace: string;
  deployment: string;
  phase: LocalWorkloadPhase;
  /** Why it is not running, or what runs. */
  message: string;
  /** Loopback URL of the pod (stable while the Deployment exists). */
  url: string;
  /** The service command (issuer, wallet) and DID of the running pod. */
  command?: string;
  did?: string;
  /** Pod template revision of the running pod. */
  revision?: string;
  /** How many pods were started for this Deployment. */
  starts: number;
}

interface Workload {
  namespace: string;
  deployment: string;
  slot: LoopbackSlot;
  pod?: LocalPod;
  phase: LocalWorkloadPhase;
  message: string;
  starts: number;
  failure?: { revision: string; count: number; retryAt: number };
}

interface NamespaceCache {
  configMaps: Informer;
  secrets: Informer;
}

const MAX_RETRY_MS = 60_000;

export class LocalWorkloadRunner {
  private readonly logger: Logger;
  private readonly clusterDomain: string;
  private readonly deployments: Informer;
  /** Services of every namespace: cheap, and they decide whether a name is refused or unknown. */
  private readonly services: Informer;
  private readonly namespaces = new Map<string, NamespaceCache>();
  private readonly workloads = new Map<string, Workload>();
  private readonly serviceSlots = new Map<string, LoopbackSlot>();
  private readonly dir: string;
  private readonly provisioner: LocalVolumeProvisioner;
  private pass: Promise<void> | undefined;
  private dirty = false;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private podSerial = 0;

  private constructor(private readonly options: LocalWorkloadRunnerOptions) {
    this.logger = (options.logger ?? silentLogger).child({ component: 'localpods' });
    this.clusterDomain = options.clusterDomain ?? 'cluster.local';
    this.dir = mkdtempSync(join(options.workDir ?? tmpdir(), 'musubi-localpods-'));
    const selector = options.selector ?? {};
    this.deployments = new Informer(options.client, {
      type: DEPLOYMENT,
      labelSelector: {
        matchLabels: { ...selector.matchLabels, 'app.kubernetes.io/managed-by': MANAGED_BY },
        matchExpressions: [...(selector.matchExpressions ?? []), { key: 'app.kubernetes.io/component', operator: 'In', values: [ISSUER_COMPONENT, WALLET_COMPONENT] }],
      },
      logger: this.logger,
    });
    this.services = new Informer(options.client, { type: SERVICE, logger: this.logger });
    // The operator's claims (issuer state, connector databases) get volumes, so their pods schedule.
    this.provisioner = new LocalVolumeProvisioner({
      client: options.client,
      selector: { matchLabels: { ...selector.matchLabels, 'app.kubernetes.io/managed-by': MANAGED_BY }, ...(selector.matchExpressions ? { matchExpressions: selector.matchExpressions } : {}) },
      hostPathOf: (namespace, claimName) => claimDirectory(this.dir, namespace, claimName),
      logger: this.logger,
    });
  }

  /** Starts watching; resolves once the Deployments are listed (their pods start in the background). */
  static async start(options: LocalWorkloadRunnerOptions): Promise<LocalWorkloadRunner> {
    const runner = new LocalWorkloadRunner(options);
    for (const informer of [runner.deployments, runner.services]) {
      informer.addEventHandler(runner.handler());
      informer.start();
    }
    await Promise.all([runner.deployments.waitForSync(), runner.services.waitForSync(), runner.provisioner.start()]);
    runner.schedule();
    return runner;
  }

  /**
   * fetch for code outside the cluster that speaks to in-cluster URLs (the operator's issuer client,
   * tests): a Service's cluster DNS name goes to the pod behind it, a workload's did:web host to that
   * workload, over loopback HTTP. A cluster name nothing local serves fails as the connection would
   * (ECONNREFUSED for a Service without a running pod, ENOTFOUND otherwise); other URLs go out as usual.
   */
  readonly fetch: typeof fetch = async (input, init) => {
    const request = input instanceof Request ? input : undefined;
    const url = new URL(request ? request.url : input instanceof URL ? input.href : input);
    const pod = this.podFor(url);
    if (!pod) {
      if (!isClusterHostname(url.hostname, this.clusterDomain)) return fetch(input, init);
      const address = serviceAddressOf(url, this.clusterDomain);
      const known = address && this.serviceOf(address);
      const code = known ? 'ECONNREFUSED' : 'ENOTFOUND';
      const detail = known ? `connect ECONNREFUSED ${url.host}: no local pod serves Service ${address.namespace}/${address.service} port ${address.port}` : `getaddrinfo ENOTFOUND ${url.hostname}: no local workload answers this name`;
      throw new TypeError('fetch failed', { cause: Object.assign(new Error(detail), { code }) });
    }
    const target = `${pod.slot.origin}${url.pathname}${url.search}`;
    return fetch(request ? new Request(target, request) : target, init);
  };

  /** What runs (or why not) for each Deployment, sorted by namespace/name. */
  status(): LocalWorkloadStatus[] {
    return [...this.workloads.values()]
      .map((w) => ({
        namespace: w.namespace, deployment: w.deployment, phase: w.phase, message: w.message, url: w.slot.origin, starts: w.starts,
        ...(w.pod ? { command: w.pod.template.command, did: w.pod.service.did, revision: w.pod.template.revision } : {}),
      }))
      .sort((a, b) => `${a.namespace}/${a.deployment}`.localeCompare(`${b.namespace}/${b.deployment}`));
  }

  /** Stops every pod and watch, closes the sockets and removes the private directory. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await Promise.all([this.deployments.stop(), this.services.stop(), this.provisioner.stop()]);
    await this.pass;
    for (const workload of this.workloads.values()) await this.remove(workload);
    for (const slot of this.serviceSlots.values()) await slot.close();
    this.serviceSlots.clear();
    for (const cache of this.namespaces.values()) await stopCache(cache);
    this.namespaces.clear();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private handler() {
    const changed = () => this.schedule();
    return { onAdd: changed, onUpdate: changed, onDelete: changed };
  }

  private schedule(): void {
    if (this.stopped) return;
    this.dirty = true;
    this.pass ??= this.drain().finally(() => {
      this.pass = undefined;
    });
  }

  /** One pass at a time; events during a pass cause one more. */
  private async drain(): Promise<void> {
    while (this.dirty && !this.stopped) {
      this.dirty = false;
      try {
        await this.reconcile();
      } catch (err) {
        this.logger.error('local workload pass failed', { error: (err as Error).message });
      }
    }
  }

  private async reconcile(): Promise<void> {
    const wanted = new Map<string, KubeObject>();
    for (const deployment of this.deployments.store.list()) {
      if (!deployment.metadata.deletionTimestamp) wanted.set(objectKey(deployment), deployment);
    }
    for (const [key, workload] of this.workloads) {
      if (wanted.has(key)) continue;
      await this.remove(workload);
      this.workloads.delete(key);
    }
    this.watchNamespaces(new Set([...wanted.values()].map((d) => d.metadata.namespace ?? 'default')));
    for (const [key, deployment] of wanted) {
      if (this.stopped) return;
      try {
        await this.reconcileOne(key, deployment);
      } catch (err) {
        this.logger.error('local workload failed', { pod: key, error: (err as Error).message });
      }
    }
    await this.closeUnusedServiceSlots();
    this.armRetry();
  }

  private async reconcileOne(key: string, deployment: KubeObject): Promise<void> {
    const namespace = deployment.metadata.namespace ?? 'default';
    let workload = this.workloads.get(key);
    if (!workload) {
      const created: Workload = {
        namespace, deployment: deployment.metadata.name ?? '', phase: 'Pending', message: 'starting', starts: 0,
        slot: await LoopbackSlot.open(`Deployment ${key}`, () => created.pod?.service.app),
      };
      this.workloads.set(key, created);
      workload = created;
    }
    let template: LocalPodTemplate;
    try {
      template = readPodTemplate(deployment);
    } catch (err) {
      if (!(err instanceof PodTemplateError)) throw err;
      await this.stopPod(workload);
      this.setPhase(workload, 'Failed', err.message);
      return;
    }
    if (template.replicas < 1) {
      await this.stopPod(workload);
      this.setPhase(workload, 'Pending', 'scaled to zero replicas');
      return;
    }
    const cache = this.namespaces.get(namespace);
    if (!cache || ![cache.configMaps, cache.secrets].every((i) => i.hasSynced())) {
      this.setPhase(workload, workload.pod ? workload.phase : 'Pending', workload.pod ? workload.message : `reading the ConfigMaps and Secrets of namespace ${namespace}`);
      return;
    }
    const sources = this.sources();
    if (workload.pod?.template.revision === template.revision) {
      if (workload.pod.syncVolumes(sources)) this.logger.debug('volumes updated in place', { pod: key });
      return;
    }
    const failure = workload.failure;
    if (failure?.revision === template.revision && Date.now() < failure.retryAt) return;
    // Until every source exists kubelet keeps the new pod in ContainerCreating; the old one keeps serving.
    const pending = LocalPod.pendingReason(template, sources);
    if (pending) {
      this.setPhase(workload, workload.pod ? 'Running' : 'Pending', `${workload.pod ? 'rollout waits' : 'waiting'}: ${pending}`);
      return;
    }
    await this.startPod(key, workload, template, sources);
  }

  /**
   * Starts the template's pod; once it runs, the slot sends traffic to it and the previous pod stops (a
   * rolling update; with the Recreate strategy the previous pod is stopped first). The new pod gets
   * fresh emptyDir volumes, as a new pod does in a cluster: what a service kept there does not survive
   * a rollout there either. A claim's volume is the claim's directory, kept for the whole run.
   */
  private async startPod(key: string, workload: Workload, template: LocalPodTemplate, sources: VolumeSourceLookup): Promise<void> {
    const logger = (this.options.logger ?? silentLogger).child({ pod: key });
    // Recreate: the old pod lets go of its claims before the new one opens them.
    if (template.recreate) await this.stopPod(workload);
    let pod: LocalPod;
    try {
      pod = await LocalPod.start({
        template, sources, logger,
        dir: join(this.dir, `${template.namespace}.${template.deployment}.${template.revision}.${++this.podSerial}`),
        claimDir: (namespace, claimName) => claimDirectory(this.dir, namespace, claimName),
        listen: { host: '127.0.0.1', port: workload.slot.port },
        serviceOrigins: (urls) => this.serviceOrigins(urls),
      });
    } catch (err) {
      const count = workload.failure?.revision === template.revision ? workload.failure.count + 1 : 1;
      const delay = Math.min(MAX_RETRY_MS, 1000 * 2 ** (count - 1));
      workload.failure = { revision: template.revision, count, retryAt: Date.now() + delay };
      this.setPhase(workload, 'Failed', `${(err as Error).message} (retry in ${Math.round(delay / 1000)} s)`);
      return;
    }
    const previous = workload.pod;
    workload.pod = pod;
    workload.failure = undefined;
    workload.starts += 1;
    this.setPhase(workload, 'Running', `${template.command} ${pod.service.did} revision ${template.revision}`);
    this.logger.info(previous ? 'pod replaced' : 'pod started', { pod: key, command: template.command, revision: template.revision, url: workload.slot.origin, did: pod.service.did });
    await previous?.stop();
  }

  private async stopPod(workload: Workload): Promise<void> {
    const pod = workload.pod;
    workload.pod = undefined;
    if (!pod) return;
    await pod.stop();
    this.logger.info('pod stopped', { pod: `${workload.namespace}/${workload.deployment}` });
  }

  private async remove(workload: Workload): Promise<void> {
    await this.stopPod(workload);
    await workload.slot.close();
  }

  private setPhase(workload: Workload, phase: LocalWorkloadPhase, message: string): void {
    if (workload.phase !== phase || workload.message !== message) {
      const log = phase === 'Failed' ? this.logger.warn : this.logger.debug;
      log('local pod', { pod: `${workload.namespace}/${workload.deployment}`, phase, message });
    }
    workload.phase = phase;
    workload.message = message;
  }

  /** One timer for all failed pods, set for the earliest retry (a pass retries every pod that is due). */
  private armRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const due = [...this.workloads.values()].flatMap((w) => (w.failure ? [w.failure.retryAt] : []));
    if (due.length === 0 || this.stopped) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.schedule();
    }, Math.max(0, Math.min(...due) - Date.now()));
    this.retryTimer.unref();
  }

  private sources(): VolumeSourceLookup {
    const get = (kind: 'configMaps' | 'secrets') => (namespace: string, name: string) => this.namespaces.get(namespace)?.[kind].store.getByName(namespace, name);
    return { configMap: get('configMaps'), secret: get('secrets') };
  }

  /** ConfigMaps and Secrets are watched only in namespaces where a workload runs. */
  private watchNamespaces(needed: Set<string>): void {
    for (const [namespace, cache] of this.namespaces) {
      if (needed.has(namespace)) continue;
      this.namespaces.delete(namespace);
      void stopCache(cache);
    }
    for (const namespace of needed) {
      if (this.namespaces.has(namespace)) continue;
      const informer = (kind: string) => new Informer(this.options.client, { type: { apiVersion: 'v1', kind }, namespace, logger: this.logger });
      const cache: NamespaceCache = { configMaps: informer('ConfigMap'), secrets: informer('Secret') };
      this.namespaces.set(namespace, cache);
      for (const i of [cache.configMaps, cache.secrets]) {
        i.addEventHandler(this.handler());
        i.start();
        void i.waitForSync().then((synced) => synced && this.schedule());
      }
    }
  }

  private serviceOf(address: ServiceAddress): KubeObject | undefined {
    return this.services.store.getByName(address.namespace, address.service);
  }

  /** The workload `url` reaches: through a Service's cluster DNS name, or as the host of a workload's DID. */
  private podFor(url: URL): Workload | undefined {
    const address = serviceAddressOf(url, this.clusterDomain);
    if (address) {
      const endpoint = this.endpointOf(address);
      if (endpoint) return endpoint;
    }
    const hostname = url.hostname.toLowerCase();
    return [...this.workloads.values()].find((w) => w.pod?.didHostname === hostname);
  }

  private endpointOf(address: ServiceAddress): Workload | undefined {
    const service = this.serviceOf(address);
    if (!service) return undefined;
    const running = [...this.workloads.values()]
      .filter((w) => w.namespace === address.namespace && w.pod)
      .map((w) => ({ workload: w, labels: w.pod!.labels, ports: w.pod!.ports, listenPort: w.pod!.listenPort }));
    return serviceEndpoints(service, address.port, running)[0]?.workload;
  }

  /**
   * A loopback stand-in for every in-cluster Service URL a configuration names, opened before the
   * configuration is translated. It resolves the Service at request time, so it works whichever pod
   * is behind it later (or answers 503 until one is), as a Service's address does.
   */
  private async serviceOrigins(urls: URL[]): Promise<(url: URL) => string | undefined> {
    for (const url of urls) {
      const address = serviceAddressOf(url, this.clusterDomain);
      if (!address) continue;
      const key = addressKey(address);
      if (this.serviceSlots.has(key)) continue;
      this.serviceSlots.set(key, await LoopbackSlot.open(`Service ${address.namespace}/${address.service} port ${address.port}`, () => this.endpointOf(address)?.pod?.service.app));
    }
    return (url) => {
      const address = serviceAddressOf(url, this.clusterDomain);
      return address ? this.serviceSlots.get(addressKey(address))?.origin : undefined;
    };
  }

  private async closeUnusedServiceSlots(): Promise<void> {
    const used = new Set<string>();
    for (const workload of this.workloads.values()) {
      for (const url of workload.pod?.referencedUrls ?? []) {
        const address = serviceAddressOf(url, this.clusterDomain);
        if (address) used.add(addressKey(address));
      }
    }
    for (const [key, slot] of this.serviceSlots) {
      if (used.has(key)) continue;
      this.serviceSlots.delete(key);
      await slot.close();
    }
  }
}

async function stopCache(cache: NamespaceCache): Promise<void> {
  await Promise.all([cache.configMaps.stop(), cache.secrets.stop()]);
}
