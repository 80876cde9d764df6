// Test support for code built on the runtime: an in-memory API server, a controllable clock, and
// helpers for integration tests against the real control plane.

export { FakeKubeClient, serverError, type FakeRequest, type FakeVerb } from './fake-kube-client.js';
export { FakeClock, settle } from './fake-clock.js';
export { eventually, testKubeConfig, testNamespace, TEST_KUBECONFIG_ENV, TEST_SUITE_LABEL, type TestNamespaceOptions } from './test-cluster.js';
