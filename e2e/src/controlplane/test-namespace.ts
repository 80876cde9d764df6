import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';

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

export interface TestNamespace {
  /** The namespace, `<prefix>-<random>`. */
  name: string;
  kubeConfig: KubeConfig;
  core: CoreV1Api;
  /** Deletes the namespace (the namespace controller removes its contents afterwards). */
  cleanup(): Promise<void>;
}

const PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * A namespace of its own for one suite on the shared control plane. When a controller manager runs,
 * it resolves only once the namespace's "default" ServiceAccount exists, because until then the
 * ServiceAccount admission plugin rejects every pod created in it.
 */
export async function testNamespace(prefix: string, options: { timeoutMs?: number } = {}): Promise<TestNamespace> {
  if (!PREFIX.test(prefix) || prefix.length > 52) {
    throw new Error(`testNamespace: prefix "${prefix}" must be at most 52 lower-case letters, digits and '-', starting and ending with a letter or digit (a random suffix is added)`);
  }
  const kubeConfig = testKubeConfig();
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const name = `${prefix}-${randomBytes(4).toString('hex')}`;
  await core.createNamespace({ body: { metadata: { name, labels: { [TEST_SUITE_LABEL]: prefix } } } });

  if (await exists(() => core.readNamespacedServiceAccount({ name: 'default', namespace: 'default' }))) {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const deadline = Date.now() + timeoutMs;
    while (!(await exists(() => core.readNamespacedServiceAccount({ name: 'default', namespace: name })))) {
      if (Date.now() > deadline) throw new Error(`testNamespace: ServiceAccount ${name}/default did not appear within ${timeoutMs} ms; is kube-controller-manager running?`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  return {
    name,
    kubeConfig,
    core,
    cleanup: async () => {
      await exists(() => core.deleteNamespace({ name }));
    },
  };
}

/** Runs a read or delete; false when the API answers 404. */
async function exists(call: () => Promise<unknown>): Promise<boolean> {
  try {
    await call();
    return true;
  } catch (err) {
    if ((err as { code?: number }).code === 404) return false;
    throw err;
  }
}
