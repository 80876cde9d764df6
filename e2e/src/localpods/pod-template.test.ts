import type { KubeObject } from '@musubi/operator/runtime';
import { readPodTemplate } from './pod-template.js';

function deployment(pod: Record<string, unknown>, template: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'jp-anchor-issuer', namespace: 'dataspace' },
    spec: { replicas: 1, template: { metadata: { labels: { app: 'issuer' } }, spec: pod, ...template } },
  };
}

const container = {
  name: 'issuer', image: 'musubi-trust', args: ['issuer', '--config', '/etc/musubi/issuer/issuer.json'],
  ports: [{ name: 'http', containerPort: 8080 }],
  volumeMounts: [{ name: 'config', mountPath: '/etc/musubi/issuer/', readOnly: true }, { name: 'key', mountPath: '/var/run/key' }, { name: 'data', mountPath: '/var/lib/musubi' }],
};
const volumes = [
  { name: 'config', configMap: { name: 'jp-anchor-issuer-config' } },
  { name: 'key', secret: { secretName: 'jp-anchor-signing-key', items: [{ key: 'signing-key.jwk', path: 'signing-key.jwk' }], optional: true } },
  { name: 'data', emptyDir: {} },
];

test('reads the command, config file, ports, volumes and mounts of the pod template', () => {
  const template = readPodTemplate(deployment({ containers: [container], volumes }));
  expect(template).toEqual({
    namespace: 'dataspace', deployment: 'jp-anchor-issuer', labels: { app: 'issuer' }, replicas: 1,
    command: 'issuer', configPath: '/etc/musubi/issuer/issuer.json',
    ports: [{ name: 'http', containerPort: 8080 }],
    volumes: [
      { name: 'config', source: { kind: 'configMap', name: 'jp-anchor-issuer-config', optional: false } },
      { name: 'key', source: { kind: 'secret', name: 'jp-anchor-signing-key', optional: true, items: [{ key: 'signing-key.jwk', path: 'signing-key.jwk' }] } },
      { name: 'data', source: { kind: 'emptyDir' } },
    ],
    mounts: [{ volume: 'config', mountPath: '/etc/musubi/issuer' }, { volume: 'key', mountPath: '/var/run/key' }, { volume: 'data', mountPath: '/var/lib/musubi' }],
    revision: expect.stringMatching(/^[0-9a-f]{16}$/),
    recreate: false,
  });
});

test('a claim\'s volume and the Recreate strategy are read', () => {
  const claimed = volumes.map((v) => (v.name === 'data' ? { name: 'data', persistentVolumeClaim: { claimName: 'jp-anchor-issuer-data' } } : v));
  const template = readPodTemplate({ ...deployment({ containers: [container], volumes: claimed }), spec: { replicas: 1, strategy: { type: 'Recreate' }, template: { spec: { containers: [container], volumes: claimed } } } });
  expect(template.volumes[2]).toEqual({ name: 'data', source: { kind: 'persistentVolumeClaim', claimName: 'jp-anchor-issuer-data' } });
  expect(template.recreate).toBe(true);
  expect(() => readPodTemplate(deployment({ containers: [container], volumes: [...volumes.slice(0, 2), { name: 'data', persistentVolumeClaim: {} }] })))
    .toThrow('spec.template.spec.volumes[2].persistentVolumeClaim.claimName: missing');
});

test('a projected volume lists its ConfigMaps and Secrets', () => {
  const projected = { name: 'sts-clients', projected: { sources: [{ secret: { name: 'a-wallet-client', optional: true, items: [{ key: 'client-secret', path: 'a/client-secret' }] } }, { configMap: { name: 'ca' } }] } };
  expect(readPodTemplate(deployment({ containers: [container], volumes: [...volumes, projected] })).volumes[3]).toEqual({
    name: 'sts-clients',
    source: { kind: 'projected', sources: [{ kind: 'secret', name: 'a-wallet-client', optional: true, items: [{ key: 'client-secret', path: 'a/client-secret' }] }, { kind: 'configMap', name: 'ca', optional: false }] },
  });
});

test('the revision changes with any change of the pod template, not with the Deployment around it', () => {
  const base = readPodTemplate(deployment({ containers: [container], volumes }));
  const annotated = readPodTemplate(deployment({ containers: [container], volumes }, { metadata: { labels: { app: 'issuer' }, annotations: { 'musubi.dev/config-hash': 'abc' } } }));
  const scaled = readPodTemplate({ ...deployment({ containers: [container], volumes }), spec: { replicas: 3, template: { metadata: { labels: { app: 'issuer' } }, spec: { containers: [container], volumes } } } });
  expect(annotated.revision).not.toBe(base.revision);
  expect(scaled.revision).toBe(base.revision);
  expect(scaled.replicas).toBe(3);
});

test.each([
  [{ containers: [container, container], volumes }, 'spec.template.spec.containers: has 2 containers; the local runner runs pods with exactly one'],
  [{ containers: [{ ...container, args: ['issuer'] }], volumes }, 'spec.template.spec.containers[0].args: has no "--config <file>"; the local runner reads the service configuration the pod would read'],
  [{ containers: [{ ...container, args: ['issuer', '--config', 'issuer.json'] }], volumes }, 'spec.template.spec.containers[0].args: --config issuer.json is not an absolute path'],
  [{ containers: [container], volumes: [...volumes.slice(0, 2), { name: 'data', hostPath: { path: '/var/lib/x' } }] }, 'spec.template.spec.volumes[2]: hostPath volumes are not run locally (configMap, secret, projected, emptyDir and persistentVolumeClaim are)'],
  [{ containers: [container], volumes: [...volumes, { name: 'token', projected: { sources: [{ serviceAccountToken: { path: 't' } }] } }] }, 'spec.template.spec.volumes[3].projected.sources[0]: serviceAccountToken projections are not run locally (configMap and secret are)'],
  [{ containers: [{ ...container, volumeMounts: [{ name: 'nope', mountPath: '/x' }] }], volumes }, 'spec.template.spec.containers[0].volumeMounts[0].name: no volume "nope" in spec.template.spec.volumes'],
  [{ containers: [{ ...container, volumeMounts: [{ name: 'config', mountPath: '/x', subPath: 'a' }] }], volumes }, 'spec.template.spec.containers[0].volumeMounts[0].subPath: sub-path mounts are not run locally; mount the whole volume'],
  [{ containers: [container], volumes: [{ name: 'config', configMap: { name: 'c', items: [{ key: 'k', path: '../escape' }] } }] }, 'spec.template.spec.volumes[0].configMap.items[0].path: "../escape" must be a relative path without ".." or empty segments'],
])('refuses what it cannot run, naming the field (%#)', (pod, message) => {
  expect(() => readPodTemplate(deployment(pod))).toThrow(`Deployment dataspace/jp-anchor-issuer: ${message}`);
});
