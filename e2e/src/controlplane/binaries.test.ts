import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONTROL_PLANE_BINARIES, controlPlaneInstall } from './binaries.js';

let dir: string;
const saved = process.env.MUSUBI_CONTROLPLANE_DIR;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'musubi-install-'));
  process.env.MUSUBI_CONTROLPLANE_DIR = dir;
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  if (saved === undefined) delete process.env.MUSUBI_CONTROLPLANE_DIR;
  else process.env.MUSUBI_CONTROLPLANE_DIR = saved;
});

test('a missing build names what is missing and `make controlplane`', () => {
  mkdirSync(join(dir, 'bin'));
  writeFileSync(join(dir, 'bin', 'etcd'), '');
  chmodSync(join(dir, 'bin', 'etcd'), 0o755);
  expect(() => controlPlaneInstall()).toThrow(/lacks bin\/kube-apiserver, .*bin\/kubeconform, kwok-stages\.yaml\. Run `make controlplane`/);
});

test('a non-executable binary counts as missing', () => {
  mkdirSync(join(dir, 'bin'));
  for (const b of CONTROL_PLANE_BINARIES) writeFileSync(join(dir, 'bin', b), '');
  writeFileSync(join(dir, 'kwok-stages.yaml'), '');
  expect(() => controlPlaneInstall()).toThrow('lacks bin/kube-apiserver, bin/kube-scheduler');
});

test('a complete install resolves each binary inside it', () => {
  mkdirSync(join(dir, 'bin'));
  for (const b of CONTROL_PLANE_BINARIES) {
    writeFileSync(join(dir, 'bin', b), '');
    chmodSync(join(dir, 'bin', b), 0o755);
  }
  writeFileSync(join(dir, 'kwok-stages.yaml'), '');
  const install = controlPlaneInstall();
  expect(install.bin('kube-apiserver')).toBe(join(dir, 'bin', 'kube-apiserver'));
  expect(install.kwokStages).toBe(join(dir, 'kwok-stages.yaml'));
});
