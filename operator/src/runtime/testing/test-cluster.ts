import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { KubeConfig } from '@kubernetes/client-node';
import { RestKubeClient } from '../rest-kube-client.js';
import { ignoreNotFound } from '../errors.js';

// For *.itest.ts and e2e scenarios: the control plane the jest global setup started (e2e/src/controlplane)
// is named by MUSUBI_TEST_KUBECONFIG, a kubeconfig file path (or the kubeconfig text itself). This is the
// one implementation; e2e/src/controlplane re-exports it with client-node API objects added.

/** Names the control plane of an integration run: a kubeconfig file path, or kubeconfig text. */
export const TEST_KUBECONFIG_ENV = 'MUSUBI_TEST_KUBECONFIG';

/** Label on every namespace testNamespace makes, so leftovers of a crashed run are easy to find. */
export const TEST_SUITE_LABEL = 'test.musubi.dev/suite';

/** The administrator's KubeConfig for the control plane the jest global setup started. */
export function testKubeConfig(): KubeConfig {
  const value = process.env[TEST_KUBECONFIG_ENV];
  if (!value) {
    throw new Error(`${TEST_KUBECONFIG_ENV} is not set: run integration tests with \`npx jest --selectProjects integration\`, whose global setup starts the control plane`);
  }
  const kc = new KubeConfig();
  if (!value.includes('\n') && existsSync(value)) kc.loadFromFile(value);
  else kc.loadFromString(value);
  return kc;
}

const PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export interface TestNamespaceOptions {
  /** How long to wait for the namespace's "default" ServiceAccount when a controller manager runs. Default 30 s. */
  timeoutMs?: number;
}

/**
 * A client and a fresh namespace `<prefix>-<random>` for one suite on the shared control plane, removed
 * again by `cleanup()`. When a controller manager runs, it resolves only once the namespace's "default"
 * ServiceAccount exists, because until then the ServiceAccount admission plugin rejects every pod in it.
 */
export async function testNamespace(prefix: string, options: TestNamespaceOptions = {}): Promise<{ client: RestKubeClient; namespace: string; cleanup(): Promise<void> }> {
  if (!PREFIX.test(prefix) || prefix.length > 52) {
    throw new Error(`testNamespace: prefix "${prefix}" must be at most 52 lower-case letters, digits and '-', starting and ending with a letter or digit (a random suffix is added)`);
  }
  const client = RestKubeClient.fromKubeConfig(testKubeConfig());
  const namespace = `${prefix}-${randomBytes(4).toString('hex')}`;
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { [TEST_SUITE_LABEL]: prefix } } });

  const serviceAccount = (ns: string) => ignoreNotFound(client.get({ apiVersion: 'v1', kind: 'ServiceAccount', namespace: ns, name: 'default' }));
  if (await serviceAccount('default')) {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const deadline = Date.now() + timeoutMs;
    while (!(await serviceAccount(namespace))) {
      if (Date.now() > deadline) throw new Error(`testNamespace: ServiceAccount ${namespace}/default did not appear within ${timeoutMs} ms; is kube-controller-manager running?`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    client,
    namespace,
    cleanup: async () => {
      await ignoreNotFound(client.delete({ apiVersion: 'v1', kind: 'Namespace', name: namespace }));
    },
  };
}

/** Polls `probe` until it returns a value other than undefined, failing with what was last seen. */
export async function eventually<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
      last = 'undefined';
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) throw new Error(`${what}: not true within ${timeoutMs} ms; last seen: ${last instanceof Error ? last.message : String(last)}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
