import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIG_ENV, loadConnectorConfig } from '@musubi/connector/config';
import { startFromConfig } from '@musubi/connector/connector';
import { silentLogger } from '@musubi/connector/observability';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../runtime/index.js';
import { FakeKubeClient } from '../../runtime/testing/index.js';
import { setupPolicyController } from '../policy/policy.controller.js';
import { CONFIG_MAP, CONNECTOR, DEPLOYMENT, PERSISTENT_VOLUME_CLAIM, SECRET } from '../shared/kinds.js';
import { startTestOperator, type TestOperator } from '../shared/test-operator.js';
import { setupTrustAnchorController } from '../trustanchor/controller.js';
import { setupConnectorController } from './controller.js';
import { issuerWithTrustLists } from './test-trust-lists.js';

// The contract between the operator and the connector, end to end without a cluster: the operator's
// controllers reconcile the cross-border example (examples/cross-border-pcf) in the in-memory API
// server; the ConfigMap, Secrets and claim the jp-manufacturer connector's Deployment mounts are laid
// out under a temp dir standing for the pod's root file system, exactly as its volumes would put them;
// then the connector's own loader (MUSUBI_CONNECTOR_CONFIG, as the Deployment sets it) and start path
// run on them. The only changes are what a local run needs: paths below the temp root, and servers on
// 127.0.0.1 with free ports instead of 0.0.0.0 and the container ports.

const here = dirname(fileURLToPath(import.meta.url));
const EXAMPLE = join(here, '../../../../examples/cross-border-pcf');
const NS = 'dataspace';

type Volume = {
  name: string;
  configMap?: { name: string; items?: Array<{ key: string; path: string }> };
  secret?: { secretName: string; items?: Array<{ key: string; path: string }> };
  persistentVolumeClaim?: { claimName: string };
  emptyDir?: object;
};
type Container = { env?: Array<{ name: string; value: string }>; volumeMounts: Array<{ name: string; mountPath: string }> };
type PodSpec = { containers: Container[]; volumes: Volume[] };

let op: TestOperator;
let root: string;
afterEach(async () => {
  await op?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

function exampleObjects(): KubeObject[] {
  return readdirSync(EXAMPLE).filter((f) => f.endsWith('.yaml')).sort()
    .flatMap((file) => parseAllDocuments(readFileSync(join(EXAMPLE, file), 'utf8')).map((doc) => doc.toJSON() as KubeObject))
    .filter((obj) => obj.kind !== 'Namespace');
}

/** Writes what each volume of `pod` holds where the container mounts it, below `root`. */
async function layOutVolumes(pod: PodSpec, client: FakeKubeClient): Promise<string[]> {
  const mountPaths: string[] = [];
  for (const mount of pod.containers[0]!.volumeMounts) {
    const volume = pod.volumes.find((v) => v.name === mount.name);
    if (!volume) throw new Error(`volumeMount ${mount.name} names no volume`);
    const dir = join(root, mount.mountPath);
    mkdirSync(dir, { recursive: true });
    mountPaths.push(mount.mountPath);
    const write = (data: Record<string, string>, items: Array<{ key: string; path: string }> | undefined, decode: (value: string) => Buffer | string) => {
      for (const { key, path } of items ?? Object.keys(data).map((key) => ({ key, path: key }))) {
        if (data[key] === undefined) throw new Error(`volume ${volume.name} projects key ${key}, which its object does not have: the pod would not start`);
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), decode(data[key]));
      }
    };
    if (volume.configMap) {
      const configMap = await client.get({ ...CONFIG_MAP, namespace: NS, name: volume.configMap.name });
      write(configMap.data as Record<string, string>, volume.configMap.items, (v) => v);
    } else if (volume.secret) {
      const secret = await client.get({ ...SECRET, namespace: NS, name: volume.secret.secretName });
      write((secret.data ?? {}) as Record<string, string>, volume.secret.items, (v) => Buffer.from(v, 'base64'));
    } else if (volume.persistentVolumeClaim) {
      await client.get({ ...PERSISTENT_VOLUME_CLAIM, namespace: NS, name: volume.persistentVolumeClaim.claimName });
    } else if (!volume.emptyDir) {
      throw new Error(`volume ${volume.name} is of a kind this test cannot lay out`);
    }
  }
  return mountPaths;
}

/** The pod's configuration as a local run reads it: mounted paths below `root`, servers on 127.0.0.1:0. */
function localProfile(value: unknown, mountPaths: string[], paths: string[]): unknown {
  if (typeof value === 'string') {
    if (!mountPaths.some((m) => value === m || value.startsWith(`${m}/`))) return value;
    paths.push(value);
    return join(root, value);
  }
  if (Array.isArray(value)) return value.map((item) => localProfile(item, mountPaths, paths));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, key === 'listen' ? { host: '127.0.0.1', port: 0 } : localProfile(item, mountPaths, paths)]));
  }
  return value;
}

test('the connector loads and runs the configuration the operator renders for the example Connector, from the files its pod mounts', async () => {
  const client = new FakeKubeClient();
  const issuer = issuerWithTrustLists(client);
  op = await startTestOperator((manager, context) => {
    setupTrustAnchorController(manager, { ...context, issuer });
    setupPolicyController(manager, context);
    setupConnectorController(manager, context, { issuer });
  }, { client });
  for (const obj of exampleObjects()) await client.create(obj);

  const deployment = await op.until('the jp-manufacturer connector deployed with its offer', async () => {
    const connector = await op.get(CONNECTOR, NS, 'jp-manufacturer');
    return (connector?.status as { offers?: number } | undefined)?.offers === 1 ? op.get(DEPLOYMENT, NS, 'jp-manufacturer-connector') : undefined;
  }, 15_000);
  const pod = (deployment.spec as { template: { spec: PodSpec } }).template.spec;
  root = mkdtempSync(join(tmpdir(), 'musubi-connector-pod-'));
  const mountPaths = await layOutVolumes(pod, client);

  const configPath = pod.containers[0]!.env?.find((e) => e.name === CONFIG_ENV)?.value;
  expect(configPath).toBe('/etc/musubi/connector/connector.json');
  const localConfig = join(root, configPath!);
  const named: string[] = [];
  writeFileSync(localConfig, JSON.stringify(localProfile(JSON.parse(readFileSync(localConfig, 'utf8')), mountPaths, named), null, 2));
  // Every file the configuration names is one a volume provides (the database is created on the data volume).
  const files = named.filter((path) => !path.endsWith('.db'));
  expect(files.length).toBeGreaterThanOrEqual(6);
  for (const path of files) expect({ path, isFile: existsSync(join(root, path)) && statSync(join(root, path)).isFile() }).toEqual({ path, isFile: true });

  const config = loadConnectorConfig({ [CONFIG_ENV]: localConfig });
  expect(config.participant.did).toBe('did:web:wallet.jp-manufacturer.dataspace.svc');
  const { connector, store } = await startFromConfig(config, silentLogger);
  try {
    const version = await fetch(`${connector.urls.dsp}/.well-known/dspace-version`);
    expect(version.status).toBe(200);
    expect(await version.json()).toMatchObject({ protocolVersions: [{ version: '2025-1', path: '/api/dsp', binding: 'HTTPS' }] });
    // The probes' endpoints, and the offer published from the copied policy and data.
    expect((await fetch(`${connector.urls.metrics}/readyz`)).status).toBe(200);
    const token = readFileSync(config.management.tokenFile, 'utf8').trim();
    const offers = await fetch(`${connector.urls.management}/offers`, { headers: { authorization: `Bearer ${token}` } });
    expect(await offers.json()).toEqual([expect.objectContaining({ assetId: 'pcf-hybrid-2026' })]);
  } finally {
    await connector.stop();
    await store.close();
  }
}, 30_000);
