import { testNamespace } from './test-namespace.js';

test.each(['Upper', '-leading', 'trailing-', 'under_score', 'x'.repeat(53)])('prefix %j is rejected with the rule it breaks', async (prefix) => {
  await expect(testNamespace(prefix)).rejects.toThrow(`testNamespace: prefix "${prefix}" must be at most 52 lower-case letters, digits and '-'`);
});

test('without a control plane it says how integration tests are run', async () => {
  const saved = process.env.MUSUBI_TEST_KUBECONFIG;
  delete process.env.MUSUBI_TEST_KUBECONFIG;
  try {
    await expect(testNamespace('suite')).rejects.toThrow('MUSUBI_TEST_KUBECONFIG is not set: run integration tests with `npx jest --selectProjects integration`');
  } finally {
    if (saved !== undefined) process.env.MUSUBI_TEST_KUBECONFIG = saved;
  }
});
