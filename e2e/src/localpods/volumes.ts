import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { KubeObject } from '@musubi/operator/runtime';
import type { ObjectVolumeSource, PodVolume } from './pod-template.js';

// Volumes as kubelet fills them: a configMap or secret volume holds one file per key (or per listed
// item), a projected volume those of several, updated in place when the objects change; an emptyDir
// starts empty with each new pod; a persistentVolumeClaim's directory is the claim's, kept across the
// pods of a run that mount it (see claimDirectory). Files
// are replaced by rename, so a service re-reading a file sees the old or the new content, never half.
// Secret files are 0600 in a 0700 tree; their content is never logged or put in an error.

export interface VolumeSourceLookup {
  configMap(namespace: string, name: string): KubeObject | undefined;
  secret(namespace: string, name: string): KubeObject | undefined;
}

export type VolumeContent =
  | { state: 'ready'; files: Map<string, Buffer>; secret: boolean }
  | { state: 'empty' }
  /** The claim's own directory, whatever the previous pods left in it. */
  | { state: 'claim'; claimName: string }
  /** The source is missing: kubelet would keep the pod in ContainerCreating. */
  | { state: 'missing'; reason: string };

/** What `volume` of a pod in `namespace` holds right now. */
export function volumeContent(volume: PodVolume, namespace: string, lookup: VolumeSourceLookup): VolumeContent {
  const source = volume.source;
  if (source.kind === 'emptyDir') return { state: 'empty' };
  if (source.kind === 'persistentVolumeClaim') return { state: 'claim', claimName: source.claimName };
  const sources = source.kind === 'projected' ? source.sources : [source];
  const files = new Map<string, Buffer>();
  for (const part of sources) {
    const content = objectContent(part, namespace, lookup, volume.name);
    if (content.state === 'missing') return content;
    for (const [path, value] of content.files) files.set(path, value);
  }
  // One Secret in it makes the whole volume private.
  return { state: 'ready', files, secret: sources.some((s) => s.kind === 'secret') };
}

function objectContent(source: ObjectVolumeSource, namespace: string, lookup: VolumeSourceLookup, volume: string): { state: 'ready'; files: Map<string, Buffer> } | { state: 'missing'; reason: string } {
  const secret = source.kind === 'secret';
  const object = secret ? lookup.secret(namespace, source.name) : lookup.configMap(namespace, source.name);
  const describe = `${secret ? 'Secret' : 'ConfigMap'} ${namespace}/${source.name} (volume "${volume}")`;
  if (!object) return source.optional ? { state: 'ready', files: new Map() } : { state: 'missing', reason: `${describe} does not exist` };
  const values = secret ? secretValues(object) : configMapValues(object);
  if (!source.items) return { state: 'ready', files: values };
  const files = new Map<string, Buffer>();
  for (const item of source.items) {
    const value = values.get(item.key);
    if (value === undefined) {
      if (source.optional) continue;
      return { state: 'missing', reason: `${describe} has no key "${item.key}"` };
    }
    files.set(item.path, value);
  }
  return { state: 'ready', files };
}

function configMapValues(object: KubeObject): Map<string, Buffer> {
  const values = new Map<string, Buffer>();
  for (const [key, value] of Object.entries((object.data ?? {}) as Record<string, string>)) values.set(key, Buffer.from(value, 'utf8'));
  for (const [key, value] of Object.entries((object.binaryData ?? {}) as Record<string, string>)) values.set(key, Buffer.from(value, 'base64'));
  return values;
}

function secretValues(object: KubeObject): Map<string, Buffer> {
  const values = new Map<string, Buffer>();
  for (const [key, value] of Object.entries((object.data ?? {}) as Record<string, string>)) values.set(key, Buffer.from(value, 'base64'));
  // stringData is write-only on the API server; it appears only in objects that were never stored.
  for (const [key, value] of Object.entries((object.stringData ?? {}) as Record<string, string>)) values.set(key, Buffer.from(value, 'utf8'));
  return values;
}

/**
 * Keeps one volume directory in step with its content: writes changed files, removes files whose key
 * went away. Remembers what it wrote (as digests), so an unchanged volume costs no disk access.
 */
export class VolumeDirectory {
  private written = new Map<string, string>();

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  /** Brings the directory to `files`; true when anything changed. */
  sync(files: Map<string, Buffer>, secret: boolean): boolean {
    let changed = false;
    const next = new Map<string, string>();
    for (const [path, content] of files) {
      const digest = createHash('sha256').update(content).digest('hex');
      next.set(path, digest);
      if (this.written.get(path) === digest) continue;
      const target = join(this.dir, path);
      if (relative(this.dir, target).startsWith('..')) throw new Error(`volume file "${path}" would leave its volume directory`);
      mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
      // A dot-dot name: services that list the directory (the wallet reads *.jwt) never pick it up.
      const temporary = join(dirname(target), `..tmp-${randomBytes(6).toString('hex')}`);
      writeFileSync(temporary, content, { mode: secret ? 0o600 : 0o644 });
      renameSync(temporary, target);
      changed = true;
    }
    for (const path of this.written.keys()) {
      if (next.has(path)) continue;
      rmSync(join(this.dir, path), { force: true });
      changed = true;
    }
    this.written = next;
    return changed;
  }

  /** Files currently in the directory (relative paths), for tests and diagnostics. */
  list(): string[] {
    return readdirSync(this.dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => relative(this.dir, join(entry.parentPath, entry.name)))
      .sort();
  }
}

/**
 * Where the claim `namespace/claimName` keeps its data on this machine, under the runner's directory:
 * what a PersistentVolume is to the pods that mount its claim (the local provisioner's PersistentVolumes
 * name this path as their hostPath).
 */
export function claimDirectory(root: string, namespace: string, claimName: string): string {
  return join(root, 'claims', namespace, claimName);
}
