import { createHash } from 'node:crypto';
import type { KubeObject } from '@musubi/operator/runtime';

// What the local runner needs from a Deployment to play kubelet for its one pod: the container's
// command and config file (the args the operator renders), the volumes and where they are mounted,
// the container ports a Service can target, and the template's revision. Only what a trust-services
// pod uses is supported; anything else is refused with the field path, rather than half-emulated.

export interface KeyToPath {
  key: string;
  path: string;
}

export type ObjectVolumeSource =
  | { kind: 'configMap'; name: string; items?: KeyToPath[]; optional: boolean }
  | { kind: 'secret'; name: string; items?: KeyToPath[]; optional: boolean };

export type VolumeSource =
  | ObjectVolumeSource
  /** Several ConfigMaps and Secrets in one directory. */
  | { kind: 'projected'; sources: ObjectVolumeSource[] }
  | { kind: 'emptyDir' }
  /** A claim's volume: the same directory for every pod of the run that mounts the claim. */
  | { kind: 'persistentVolumeClaim'; claimName: string };

export interface PodVolume {
  name: string;
  source: VolumeSource;
}

export interface PodVolumeMount {
  volume: string;
  mountPath: string;
}

export interface ContainerPort {
  name?: string;
  containerPort: number;
}

export interface LocalPodTemplate {
  namespace: string;
  deployment: string;
  /** Labels of the pod template: what Service selectors match. */
  labels: Record<string, string>;
  replicas: number;
  /** First container argument: the service to run (`issuer`, `wallet`). */
  command: string;
  /** The file named by `--config`, as the pod sees it. */
  configPath: string;
  ports: ContainerPort[];
  volumes: PodVolume[];
  mounts: PodVolumeMount[];
  /**
   * Hash of the whole pod template. The Deployment controller makes a new ReplicaSet (new pods) for
   * any change of the template, not only the config-hash annotation, so the runner restarts on any.
   */
  revision: string;
  /** spec.strategy.type is Recreate: the old pod stops before the new one starts (one writer of a claim). */
  recreate: boolean;
}

export class PodTemplateError extends Error {
  override name = 'PodTemplateError';
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads the pod template of `deployment`; PodTemplateError names the field the runner cannot run. */
export function readPodTemplate(deployment: KubeObject): LocalPodTemplate {
  const where = `Deployment ${deployment.metadata.namespace ?? ''}/${deployment.metadata.name ?? ''}`;
  const fail = (path: string, message: string): never => {
    throw new PodTemplateError(`${where}: ${path}: ${message}`);
  };
  const spec = isObject(deployment.spec) ? deployment.spec : fail('spec', 'missing');
  const template = isObject(spec.template) ? spec.template : fail('spec.template', 'missing');
  const podSpec = isObject(template.spec) ? template.spec : fail('spec.template.spec', 'missing');
  const metadata = isObject(template.metadata) ? template.metadata : {};
  const labels = isObject(metadata.labels) ? (metadata.labels as Record<string, string>) : {};

  const containers = Array.isArray(podSpec.containers) ? podSpec.containers : fail('spec.template.spec.containers', 'missing');
  if (containers.length !== 1) fail('spec.template.spec.containers', `has ${containers.length} containers; the local runner runs pods with exactly one`);
  if (Array.isArray(podSpec.initContainers) && podSpec.initContainers.length > 0) fail('spec.template.spec.initContainers', 'init containers are not run locally');
  const container = isObject(containers[0]) ? containers[0] : fail('spec.template.spec.containers[0]', 'not an object');
  const cpath = 'spec.template.spec.containers[0]';
  const args = Array.isArray(container.args) && container.args.every((a) => typeof a === 'string') ? (container.args as string[]) : fail(`${cpath}.args`, 'must be a list of strings: the service and --config <file>');
  const command = args[0] ?? fail(`${cpath}.args`, 'is empty; expected the service name first (issuer or wallet)');
  const flag = args.indexOf('--config');
  const configPath = flag >= 0 && args[flag + 1] ? args[flag + 1]! : fail(`${cpath}.args`, 'has no "--config <file>"; the local runner reads the service configuration the pod would read');
  if (!configPath.startsWith('/')) fail(`${cpath}.args`, `--config ${configPath} is not an absolute path`);

  const ports: ContainerPort[] = (Array.isArray(container.ports) ? container.ports : []).map((p, i) => {
    const port = isObject(p) ? p : fail(`${cpath}.ports[${i}]`, 'not an object');
    const number = typeof port.containerPort === 'number' ? port.containerPort : fail(`${cpath}.ports[${i}].containerPort`, 'must be a number');
    return { containerPort: number, ...(typeof port.name === 'string' ? { name: port.name } : {}) };
  });

  const volumes: PodVolume[] = (Array.isArray(podSpec.volumes) ? podSpec.volumes : []).map((v, i) => readVolume(v, `spec.template.spec.volumes[${i}]`, fail));
  const mounts: PodVolumeMount[] = (Array.isArray(container.volumeMounts) ? container.volumeMounts : []).map((m, i) => {
    const path = `${cpath}.volumeMounts[${i}]`;
    const mount = isObject(m) ? m : fail(path, 'not an object');
    const volume = typeof mount.name === 'string' ? mount.name : fail(`${path}.name`, 'missing');
    if (!volumes.some((v) => v.name === volume)) fail(`${path}.name`, `no volume "${volume}" in spec.template.spec.volumes`);
    const mountPath = typeof mount.mountPath === 'string' && mount.mountPath.startsWith('/') ? mount.mountPath.replace(/\/+$/, '') || '/' : fail(`${path}.mountPath`, 'must be an absolute path');
    if (mount.subPath !== undefined || mount.subPathExpr !== undefined) fail(`${path}.subPath`, 'sub-path mounts are not run locally; mount the whole volume');
    return { volume, mountPath };
  });

  const replicas = spec.replicas === undefined ? 1 : typeof spec.replicas === 'number' ? spec.replicas : fail('spec.replicas', 'must be a number');
  return {
    namespace: deployment.metadata.namespace ?? 'default',
    deployment: deployment.metadata.name ?? '',
    labels,
    replicas,
    command,
    configPath,
    ports,
    volumes,
    mounts,
    revision: createHash('sha256').update(JSON.stringify(sortedKeys(template))).digest('hex').slice(0, 16),
    recreate: isObject(spec.strategy) && spec.strategy.type === 'Recreate',
  };
}

function readVolume(value: unknown, path: string, fail: (path: string, message: string) => never): PodVolume {
  const volume = isObject(value) ? value : fail(path, 'not an object');
  const name = typeof volume.name === 'string' && volume.name ? volume.name : fail(`${path}.name`, 'missing');
  const kinds = Object.keys(volume).filter((k) => k !== 'name');
  if (kinds.length !== 1) fail(path, `must have exactly one source, has ${kinds.join(', ') || 'none'}`);
  const items = (source: Json, at: string): KeyToPath[] | undefined => {
    if (source.items === undefined) return undefined;
    if (!Array.isArray(source.items)) return fail(`${at}.items`, 'must be a list');
    return source.items.map((item, i) => {
      const entry = isObject(item) ? item : fail(`${at}.items[${i}]`, 'not an object');
      const key = typeof entry.key === 'string' ? entry.key : fail(`${at}.items[${i}].key`, 'missing');
      const file = typeof entry.path === 'string' ? entry.path : fail(`${at}.items[${i}].path`, 'missing');
      assertRelativePath(file, `${at}.items[${i}].path`, fail);
      return { key, path: file };
    });
  };
  // A secret volume names its Secret `secretName`; a projection of one names it `name`.
  const objectSource = (kind: 'configMap' | 'secret', source: Json, at: string, nameField: string): ObjectVolumeSource => {
    const ref = typeof source[nameField] === 'string' ? (source[nameField] as string) : fail(`${at}.${nameField}`, 'missing');
    const listed = items(source, at);
    return { kind, name: ref, optional: source.optional === true, ...(listed ? { items: listed } : {}) };
  };
  if (isObject(volume.configMap)) return { name, source: objectSource('configMap', volume.configMap, `${path}.configMap`, 'name') };
  if (isObject(volume.secret)) return { name, source: objectSource('secret', volume.secret, `${path}.secret`, 'secretName') };
  if (isObject(volume.emptyDir)) return { name, source: { kind: 'emptyDir' } };
  if (isObject(volume.persistentVolumeClaim)) {
    const claimName = typeof volume.persistentVolumeClaim.claimName === 'string' ? volume.persistentVolumeClaim.claimName : fail(`${path}.persistentVolumeClaim.claimName`, 'missing');
    return { name, source: { kind: 'persistentVolumeClaim', claimName } };
  }
  if (isObject(volume.projected)) {
    const at = `${path}.projected.sources`;
    const sources = Array.isArray(volume.projected.sources) ? volume.projected.sources : fail(at, 'must be a list');
    return {
      name,
      source: {
        kind: 'projected',
        sources: sources.map((entry, i) => {
          const source = isObject(entry) ? entry : fail(`${at}[${i}]`, 'not an object');
          if (isObject(source.configMap)) return objectSource('configMap', source.configMap, `${at}[${i}].configMap`, 'name');
          if (isObject(source.secret)) return objectSource('secret', source.secret, `${at}[${i}].secret`, 'name');
          return fail(`${at}[${i}]`, `${Object.keys(source)[0] ?? 'empty'} projections are not run locally (configMap and secret are)`);
        }),
      },
    };
  }
  return fail(path, `${kinds[0]} volumes are not run locally (configMap, secret, projected, emptyDir and persistentVolumeClaim are)`);
}

/** A file path inside a volume: relative, no "..", as the API server's validation demands. */
export function assertRelativePath(file: string, path: string, fail: (path: string, message: string) => never): void {
  if (!file || file.startsWith('/') || file.split('/').some((segment) => segment === '..' || segment === '')) {
    fail(path, `"${file}" must be a relative path without ".." or empty segments`);
  }
}

/** `value` with every object's keys in sorted order, so equal templates hash alike whatever their key order. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortedKeys((value as Json)[k])]));
  }
  return value;
}
