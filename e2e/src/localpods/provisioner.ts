import { Informer, isAlreadyExists, objectKey, type KubeClient, type KubeObject, type LabelSelector, type Logger } from '@musubi/operator/runtime';

// A dynamic provisioner for the local control plane, which has none: for every pending claim it sees it
// creates a PersistentVolume pre-bound to that claim (claimRef), with the claim's size, access modes and
// class, whose hostPath is the directory the local runner mounts for the claim. kube-controller-manager's
// binder then binds the pair and the scheduler places the claim's pods, as with a real provisioner; under
// kwok no pod reads the hostPath, the local runner does. Volumes it made are deleted when it stops.

const PERSISTENT_VOLUME_CLAIM = { apiVersion: 'v1', kind: 'PersistentVolumeClaim' } as const;
const PERSISTENT_VOLUME = { apiVersion: 'v1', kind: 'PersistentVolume' } as const;
export const PROVISIONED_BY_ANNOTATION = 'pv.kubernetes.io/provisioned-by';
export const LOCAL_PROVISIONER = 'musubi.dev/localpods';

interface ClaimShape {
  spec?: { volumeName?: string; storageClassName?: string; accessModes?: string[]; resources?: { requests?: { storage?: string } }; volumeMode?: string };
  status?: { phase?: string };
}

/** Name of the volume provisioned for a claim: unique per claim (its uid), a valid object name. */
export function volumeNameFor(claim: KubeObject): string {
  return `musubi-local-${(claim.metadata.uid ?? '').toLowerCase().replace(/[^a-z0-9-]/g, '')}`;
}

/** The PersistentVolume that satisfies `claim`, at `hostPath`; undefined when the claim needs none. */
export function volumeFor(claim: KubeObject, hostPath: string): KubeObject | undefined {
  const { spec, status } = claim as KubeObject & ClaimShape;
  if (!claim.metadata.uid || claim.metadata.deletionTimestamp || spec?.volumeName || (status?.phase && status.phase !== 'Pending')) return undefined;
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: volumeNameFor(claim), annotations: { [PROVISIONED_BY_ANNOTATION]: LOCAL_PROVISIONER } },
    spec: {
      capacity: { storage: spec?.resources?.requests?.storage ?? '1Gi' },
      accessModes: spec?.accessModes?.length ? spec.accessModes : ['ReadWriteOnce'],
      // The claim's class ("" when it has none, which only a volume without a class satisfies).
      storageClassName: spec?.storageClassName ?? '',
      ...(spec?.volumeMode ? { volumeMode: spec.volumeMode } : {}),
      // Retain: nothing in the cluster can delete a hostPath outside /tmp; the provisioner removes its
      // volumes itself, and the runner its directories.
      persistentVolumeReclaimPolicy: 'Retain',
      claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: claim.metadata.namespace, name: claim.metadata.name, uid: claim.metadata.uid },
      hostPath: { path: hostPath, type: 'DirectoryOrCreate' },
    },
  };
}

export class LocalVolumeProvisioner {
  private readonly claims: Informer<KubeObject>;
  private readonly provisioned = new Set<string>();
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly options: { client: KubeClient; selector: LabelSelector; hostPathOf(namespace: string, claimName: string): string; logger: Logger },
  ) {
    this.claims = new Informer(options.client, { type: PERSISTENT_VOLUME_CLAIM, labelSelector: options.selector, logger: options.logger });
    this.claims.addEventHandler({ onAdd: (claim) => void this.provision(claim), onUpdate: (_old, claim) => void this.provision(claim) });
  }

  async start(): Promise<void> {
    this.claims.start();
    await this.claims.waitForSync();
  }

  /** Stops watching and deletes the volumes it created (their claims are gone or going with the run). */
  async stop(): Promise<void> {
    await this.claims.stop();
    for (const name of this.provisioned) {
      await this.options.client.delete({ ...PERSISTENT_VOLUME, name }).catch((err: unknown) => this.options.logger.warn('could not delete a local volume', { volume: name, error: String(err) }));
    }
    this.provisioned.clear();
  }

  private async provision(claim: KubeObject): Promise<void> {
    const volume = volumeFor(claim, this.options.hostPathOf(claim.metadata.namespace ?? 'default', claim.metadata.name ?? ''));
    const name = volume?.metadata.name;
    if (!volume || !name || this.provisioned.has(name) || this.inFlight.has(name)) return;
    this.inFlight.add(name);
    try {
      await this.options.client.create(volume);
      this.options.logger.info('provisioned a local volume', { claim: objectKey(claim), volume: name });
      this.provisioned.add(name);
    } catch (err) {
      if (isAlreadyExists(err)) this.provisioned.add(name);
      else this.options.logger.warn('could not provision a local volume', { claim: objectKey(claim), error: String(err) });
    } finally {
      this.inFlight.delete(name);
    }
  }
}
