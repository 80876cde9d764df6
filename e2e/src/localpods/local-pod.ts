import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '@musubi/core/logging';
import { listen, type RunningServer } from '@musubi/trust-services/http';
import { parseDidWeb } from '@musubi/core/trust';
import { addressUrlsOf, hostPathOf, toLocalProfile, type MountedDirectory } from './local-profile.js';
import type { LocalPodTemplate } from './pod-template.js';
import { TRUST_IMAGES, type RunningService } from './trust-images.js';
import { VolumeDirectory, volumeContent, type VolumeSourceLookup } from './volumes.js';

// One pod of a Deployment, run on this machine: its volumes materialised in a private directory, its
// service started from the configuration the pod would read, and the loopback socket in front of it.

/**
 * A loopback socket whose requests go to whatever `backend` names at the time of the request: a
 * Deployment's pod (its port stays the same while the pod behind it is replaced, as a pod's Service
 * address does), or a Service's current endpoint. With none it answers 503, as a request to a Service
 * without ready endpoints fails.
 */
export class LoopbackSlot {
  private constructor(private readonly server: RunningServer, private readonly name: string, private readonly backend: () => RequestListener | undefined) {}

  static async open(name: string, backend: () => RequestListener | undefined): Promise<LoopbackSlot> {
    const holder: { slot?: LoopbackSlot } = {};
    const server = await listen((req: IncomingMessage, res: ServerResponse) => holder.slot!.dispatch(req, res), { host: '127.0.0.1', port: 0 });
    holder.slot = new LoopbackSlot(server, name, backend);
    return holder.slot;
  }

  get port(): number {
    return this.server.port;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.server.port}`;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private dispatch(req: IncomingMessage, res: ServerResponse): void {
    const handler = this.backend();
    if (handler) {
      handler(req, res);
      return;
    }
    req.resume();
    res.writeHead(503, { 'content-type': 'application/problem+json', 'retry-after': '1' });
    res.end(JSON.stringify({ title: 'ServiceUnavailable', status: 503, detail: `no ready local pod of ${this.name}` }));
  }
}

export interface LocalPodOptions {
  template: LocalPodTemplate;
  /** Private directory of this pod; created here, removed by stop(). */
  dir: string;
  /** Directory of a PersistentVolumeClaim's volume; outlives the pod. */
  claimDir(namespace: string, claimName: string): string;
  sources: VolumeSourceLookup;
  /** Where the service is reached (the Deployment's slot). */
  listen: { host: string; port: number };
  /** Loopback origins for the in-cluster URLs the configuration names (opened before it is translated). */
  serviceOrigins(urls: URL[]): Promise<(url: URL) => string | undefined>;
  logger: Logger;
}

export class LocalPod {
  private constructor(
    readonly template: LocalPodTemplate,
    readonly service: RunningService,
    /** The port the service listens on in the pod (listen.port of its configuration): what Services target. */
    readonly listenPort: number | undefined,
    /** Host name of the service's did:web DID: where its public URL points. */
    readonly didHostname: string | undefined,
    /** In-cluster URLs its configuration names (their loopback stand-ins must stay open while it runs). */
    readonly referencedUrls: URL[],
    private readonly dir: string,
    private readonly volumes: Map<string, VolumeDirectory>,
  ) {}

  get labels(): Record<string, string> {
    return this.template.labels;
  }

  get ports(): LocalPodTemplate['ports'] {
    return this.template.ports;
  }

  /** Why the pod cannot start yet (a volume source is missing), or undefined when it can. */
  static pendingReason(template: LocalPodTemplate, sources: VolumeSourceLookup): string | undefined {
    for (const volume of template.volumes) {
      const content = volumeContent(volume, template.namespace, sources);
      if (content.state === 'missing') return content.reason;
    }
    return undefined;
  }

  /** Materialises the volumes, reads the configuration as the pod would, creates and starts the service. */
  static async start(options: LocalPodOptions): Promise<LocalPod> {
    const { template } = options;
    const image = TRUST_IMAGES[template.command];
    if (!image) throw new Error(`container argument "${template.command}" names no service the local runner can run (${Object.keys(TRUST_IMAGES).join(', ')})`);
    mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    try {
      const volumes = new Map<string, VolumeDirectory>();
      for (const volume of template.volumes) {
        const content = volumeContent(volume, template.namespace, options.sources);
        const directory = new VolumeDirectory(content.state === 'claim' ? options.claimDir(template.namespace, content.claimName) : join(options.dir, 'volumes', volume.name));
        if (content.state === 'missing') throw new Error(content.reason);
        if (content.state === 'ready') directory.sync(content.files, content.secret);
        volumes.set(volume.name, directory);
      }
      const mounts: MountedDirectory[] = template.mounts.map((m) => ({ mountPath: m.mountPath, hostPath: volumes.get(m.volume)!.dir }));
      const configFile = hostPathOf(template.configPath, mounts);
      if (!configFile) throw new Error(`--config ${template.configPath} is not on any volume the pod mounts`);
      const podConfig = image.load(configFile);
      const referencedUrls = addressUrlsOf(podConfig);
      const serviceOrigin = await options.serviceOrigins(referencedUrls);
      const local = toLocalProfile(podConfig, { mounts, listen: options.listen, serviceOrigin });
      const service = await image.create(local, `local profile of ${template.configPath}`, options.logger);
      await service.start();
      const listenPort = (podConfig.listen as { port?: unknown } | undefined)?.port;
      return new LocalPod(template, service, typeof listenPort === 'number' ? listenPort : undefined, didHostnameOf(service.did), referencedUrls, options.dir, volumes);
    } catch (err) {
      rmSync(options.dir, { recursive: true, force: true });
      throw err;
    }
  }

  /**
   * Updates configMap and secret volumes in place, as kubelet does for a running pod (services re-read
   * the files they watch: credentials, registry, tokens). A source that disappeared keeps its last
   * content, as kubelet leaves it. True when a file changed.
   */
  syncVolumes(sources: VolumeSourceLookup): boolean {
    let changed = false;
    for (const volume of this.template.volumes) {
      const content = volumeContent(volume, this.template.namespace, sources);
      if (content.state !== 'ready') continue;
      changed = this.volumes.get(volume.name)!.sync(content.files, content.secret) || changed;
    }
    return changed;
  }

  async stop(): Promise<void> {
    try {
      await this.service.stop();
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

function didHostnameOf(did: string): string | undefined {
  try {
    return parseDidWeb(did).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}
