import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { KubeConfig } from '@kubernetes/client-node';
import { RestKubeClient } from '../rest-kube-client.js';
import { ignoreNotFound } from '../errors.js';

// For *.itest.ts: the control plane the jest global setup started (e2e/src/controlplane) is named by
// MUSUBI_TEST_KUBECONFIG, a kubeconfig file path (or the kubeconfig text itself).

export function testKubeConfig(): KubeConfig {
  const value = process.env.MUSUBI_TEST_KUBECONFIG;
  if (!value) {
    throw new Error('MUSUBI_TEST_KUBECONFIG is not set: run integration tests with `npx jest --selectProjects integration`, whose global setup starts the control plane');
  }
  const kc = new KubeConfig();
  if (!value.includes('\n') && existsSync(value)) kc.loadFromFile(value);
  else kc.loadFromString(value);
  return kc;
}

/** A client and a fresh namespace, removed again by `cleanup()`. */
export async function testNamespace(prefix: string): Promise<{ client: RestKubeClient; namespace: string; cleanup(): Promise<void> }> {
  const client = RestKubeClient.fromKubeConfig(testKubeConfig());
  const namespace = `${prefix}-${randomBytes(4).toString('hex')}`;
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
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
