// The STS client's own outbound rule: plain HTTP only to the participant's wallet inside the cluster (or
// on loopback), never to a public host, and the connector's outbound.allowHttp is not what decides it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutboundRefused } from '../net/outbound-http.js';
import { stsCredentialsFromFiles, stsOutboundPolicy } from './sts.js';

const strict = { allowHttp: false, allowPrivateNetwork: false };

test('the wallet\'s in-cluster Service and loopback may be reached over plain HTTP with allowHttp off', () => {
  for (const url of [
    'http://acme-wallet.musubi-acme.svc.cluster.local:8080/sts/token',
    'http://acme-wallet.musubi-acme.svc:8080/sts/token',
    'http://127.0.0.1:8080/sts/token',
    'http://localhost:8080/sts/token',
    'http://10.96.4.2:8080/sts/token',
  ]) {
    expect(stsOutboundPolicy(url, strict)).toEqual({ allowHttp: true, allowPrivateNetwork: true });
  }
  expect(stsOutboundPolicy('https://wallet.acme.example/sts/token', strict)).toEqual({ allowHttp: false, allowPrivateNetwork: true });
});

test('a plain-HTTP STS on a public host is refused, naming the field and the fix', () => {
  expect(() => stsOutboundPolicy('http://wallet.acme.example/sts/token', strict)).toThrow(OutboundRefused);
  expect(() => stsOutboundPolicy('http://wallet.acme.example/sts/token', strict)).toThrow(/identity\.dcp\.stsUrl http:\/\/wallet\.acme\.example uses plain HTTP on a host outside the cluster; use https:\/\//);
  expect(() => stsOutboundPolicy('http://8.8.8.8/sts/token', strict)).toThrow(OutboundRefused);
  // A local-run profile that allows plain HTTP everywhere allows it here too.
  expect(stsOutboundPolicy('http://wallet.acme.example/sts/token', { allowHttp: true, allowPrivateNetwork: false })).toEqual({ allowHttp: true, allowPrivateNetwork: true });
});

test('client credentials are read from the Secret\'s files on every use; a missing file names the field, never a value', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'musubi-sts-'));
  try {
    const files = { idFile: join(dir, 'client-id'), secretFile: join(dir, 'client-secret') };
    writeFileSync(files.idFile, 'pcf-connector\n');
    writeFileSync(files.secretFile, 'first-secret-0123456789\n');
    const read = stsCredentialsFromFiles(files);
    expect(await read()).toEqual({ clientId: 'pcf-connector', clientSecret: 'first-secret-0123456789' });
    writeFileSync(files.secretFile, 'rotated-secret-0123456789');
    expect(await read()).toEqual({ clientId: 'pcf-connector', clientSecret: 'rotated-secret-0123456789' });
    rmSync(files.secretFile);
    await expect(read()).rejects.toThrow(/identity\.dcp\.stsClient\.secretFile: cannot read .*client-secret \(ENOENT\); mount the connector's wallet client Secret there/);
    writeFileSync(files.secretFile, '  \n');
    await expect(read()).rejects.toThrow(/secretFile: .* is empty/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
