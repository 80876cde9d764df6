import { EventRecorder } from './events.js';
import { FakeKubeClient, serverError } from './testing/fake-kube-client.js';
import { FakeClock } from './testing/fake-clock.js';
import type { KubeObject } from './objects.js';

const participant: KubeObject = { apiVersion: 'musubi.dev/v1alpha1', kind: 'Participant', metadata: { name: 'acme', namespace: 'tenants', uid: 'u1', resourceVersion: '7' } };
const EVENT = { apiVersion: 'events.k8s.io/v1', kind: 'Event' };

describe('EventRecorder', () => {
  it('creates an events.k8s.io/v1 Event about the object, once per window', async () => {
    const client = new FakeKubeClient();
    const clock = new FakeClock();
    const recorder = new EventRecorder({ client, controller: 'musubi.dev/operator', instance: 'pod-1', clock, dedupeWindowMs: 60_000 });
    await recorder.record(participant, 'Warning', 'CredentialRejected', 'Verify', 'The trust anchor rejected the credential.');
    await recorder.record(participant, 'Warning', 'CredentialRejected', 'Verify', 'The trust anchor rejected the credential.');
    const { items } = await client.list(EVENT);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      metadata: { namespace: 'tenants', name: expect.stringMatching(/^acme\.[0-9a-f]{16}$/) },
      eventTime: '2025-01-01T00:00:00.000000Z',
      reportingController: 'musubi.dev/operator',
      reportingInstance: 'pod-1',
      type: 'Warning',
      reason: 'CredentialRejected',
      action: 'Verify',
      regarding: { kind: 'Participant', name: 'acme', namespace: 'tenants', uid: 'u1' },
    });
    await clock.advance(60_000);
    await recorder.record(participant, 'Warning', 'CredentialRejected', 'Verify', 'The trust anchor rejected the credential.');
    expect((await client.list(EVENT)).items).toHaveLength(2);
  });

  it('never fails the caller when the API server refuses the event', async () => {
    const client = new FakeKubeClient();
    client.failNext('create', serverError());
    const recorder = new EventRecorder({ client, controller: 'musubi.dev/operator', instance: 'pod-1' });
    await expect(recorder.record(participant, 'Normal', 'Provisioned', 'Apply', 'ok')).resolves.toBeUndefined();
    await expect(recorder.record(participant, 'Normal', 'not camel', 'Apply', 'ok')).rejects.toThrow(/must be one CamelCase word/);
  });
});
