import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '@musubi/operator/runtime';
import { VolumeDirectory, volumeContent, type VolumeSourceLookup } from './volumes.js';

const objects = new Map<string, KubeObject>([
  ['ConfigMap/registry', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'registry', namespace: 'ns' }, data: { 'registry.yaml': '[]' }, binaryData: { 'logo.png': Buffer.from([1, 2, 3]).toString('base64') } }],
  ['Secret/key', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'key', namespace: 'ns' }, data: { 'signing-key.jwk': Buffer.from('{"d":"private"}').toString('base64'), 'public.jwk': Buffer.from('{}').toString('base64') } }],
]);
const lookup: VolumeSourceLookup = {
  configMap: (_ns, name) => objects.get(`ConfigMap/${name}`),
  secret: (_ns, name) => objects.get(`Secret/${name}`),
};
const text = (content: ReturnType<typeof volumeContent>) => (content.state === 'ready' ? Object.fromEntries([...content.files].map(([k, v]) => [k, v.toString('base64')])) : content);

test('a volume holds every key of its source, or only the listed items under their paths', () => {
  expect(text(volumeContent({ name: 'registry', source: { kind: 'configMap', name: 'registry', optional: false } }, 'ns', lookup)))
    .toEqual({ 'registry.yaml': Buffer.from('[]').toString('base64'), 'logo.png': 'AQID' });
  expect(text(volumeContent({ name: 'key', source: { kind: 'secret', name: 'key', optional: false, items: [{ key: 'signing-key.jwk', path: 'keys/private.jwk' }] } }, 'ns', lookup)))
    .toEqual({ 'keys/private.jwk': Buffer.from('{"d":"private"}').toString('base64') });
});

test('a projected volume holds the files of all its sources; it is private when one is a Secret', () => {
  const content = volumeContent({ name: 'both', source: { kind: 'projected', sources: [
    { kind: 'configMap', name: 'registry', optional: false, items: [{ key: 'registry.yaml', path: 'registry/registry.yaml' }] },
    { kind: 'secret', name: 'key', optional: false, items: [{ key: 'public.jwk', path: 'keys/public.jwk' }] },
    { kind: 'secret', name: 'not-yet', optional: true },
  ] } }, 'ns', lookup);
  expect(text(content)).toEqual({ 'registry/registry.yaml': Buffer.from('[]').toString('base64'), 'keys/public.jwk': Buffer.from('{}').toString('base64') });
  expect(content.state === 'ready' && content.secret).toBe(true);
  expect(volumeContent({ name: 'both', source: { kind: 'projected', sources: [{ kind: 'secret', name: 'gone', optional: false }] } }, 'ns', lookup))
    .toEqual({ state: 'missing', reason: 'Secret ns/gone (volume "both") does not exist' });
});

test('a missing source or key keeps the pod waiting, unless the volume is optional', () => {
  expect(volumeContent({ name: 'creds', source: { kind: 'secret', name: 'gone', optional: false } }, 'ns', lookup))
    .toEqual({ state: 'missing', reason: 'Secret ns/gone (volume "creds") does not exist' });
  expect(volumeContent({ name: 'registry', source: { kind: 'configMap', name: 'registry', optional: false, items: [{ key: 'other.yaml', path: 'r.yaml' }] } }, 'ns', lookup))
    .toEqual({ state: 'missing', reason: 'ConfigMap ns/registry (volume "registry") has no key "other.yaml"' });
  expect(text(volumeContent({ name: 'creds', source: { kind: 'secret', name: 'gone', optional: true } }, 'ns', lookup))).toEqual({});
  expect(volumeContent({ name: 'data', source: { kind: 'emptyDir' } }, 'ns', lookup)).toEqual({ state: 'empty' });
});

test('a volume directory follows its content: changed files replaced, removed keys deleted, secrets 0600', () => {
  const dir = mkdtempSync(join(tmpdir(), 'volume-test-'));
  try {
    const volume = new VolumeDirectory(join(dir, 'credentials'));
    expect(volume.sync(new Map([['a.jwt', Buffer.from('one')], ['nested/b.jwt', Buffer.from('two')]]), true)).toBe(true);
    expect(volume.list()).toEqual(['a.jwt', 'nested/b.jwt']);
    expect(statSync(join(volume.dir, 'a.jwt')).mode & 0o777).toBe(0o600);
    expect(statSync(volume.dir).mode & 0o777).toBe(0o700);
    expect(volume.sync(new Map([['a.jwt', Buffer.from('one')], ['nested/b.jwt', Buffer.from('two')]]), true)).toBe(false);
    expect(volume.sync(new Map([['a.jwt', Buffer.from('three')]]), true)).toBe(true);
    expect(volume.list()).toEqual(['a.jwt']);
    expect(readFileSync(join(volume.dir, 'a.jwt'), 'utf8')).toBe('three');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
