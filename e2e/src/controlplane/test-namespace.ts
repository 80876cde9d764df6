import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { testKubeConfig, testNamespace as operatorTestNamespace, type TestNamespaceOptions } from '@musubi/operator/runtime/testing';

// The namespace-per-suite helper lives in the operator's runtime testing module (one implementation);
// e2e scenarios also want client-node's typed CoreV1Api (e.g. for createOrv3Racks), added here.
export { testKubeConfig, TEST_KUBECONFIG_ENV, TEST_SUITE_LABEL } from '@musubi/operator/runtime/testing';

export interface TestNamespace {
  /** The namespace, `<prefix>-<random>`. */
  name: string;
  kubeConfig: KubeConfig;
  core: CoreV1Api;
  /** Deletes the namespace (the namespace controller removes its contents afterwards). */
  cleanup(): Promise<void>;
}

/** A namespace of its own for one suite on the shared control plane (see the operator's testNamespace). */
export async function testNamespace(prefix: string, options: TestNamespaceOptions = {}): Promise<TestNamespace> {
  const { namespace, cleanup } = await operatorTestNamespace(prefix, options);
  const kubeConfig = testKubeConfig();
  return { name: namespace, kubeConfig, core: kubeConfig.makeApiClient(CoreV1Api), cleanup };
}
