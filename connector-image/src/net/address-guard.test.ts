import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isSpecialPurposeAddress } from './address-guard.js';
import { OutboundRefused, checkOutboundDestination, sendOutbound } from './outbound-http.js';

describe('SSRF guard', () => {
  test.each(['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '64:ff9b::a9fe:a9fe'])('%s is not public', (address) => {
    expect(isSpecialPurposeAddress(address)).toBe(true);
  });
  test.each(['8.8.8.8', '151.101.1.69', '2606:4700:4700::1111'])('%s is public', (address) => {
    expect(isSpecialPurposeAddress(address)).toBe(false);
  });

  test('names resolving to loopback, IP literals in private ranges and non-HTTPS schemes are refused before connecting', async () => {
    const strict = { allowHttp: false, allowPrivateNetwork: false };
    await expect(checkOutboundDestination('https://localhost/x', strict)).rejects.toThrow(/resolves to (127\.0\.0\.1|::1)/);
    await expect(checkOutboundDestination('https://[::1]/x', strict)).rejects.toBeInstanceOf(OutboundRefused);
    await expect(checkOutboundDestination('http://8.8.8.8/x', strict)).rejects.toThrow('uses plain HTTP');
    await expect(checkOutboundDestination('gopher://8.8.8.8/x', strict)).rejects.toThrow('only https:// is allowed');
    await expect(checkOutboundDestination('https://user:pw@8.8.8.8/x', strict)).rejects.toThrow('carries credentials');
  });

  test('sendOutbound refuses the connection to a private address, and connects when private networks are allowed', async () => {
    const server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      await expect(sendOutbound({ url: `http://localhost:${port}/` }, { allowHttp: true, allowPrivateNetwork: false })).rejects.toBeInstanceOf(OutboundRefused);
      await expect(sendOutbound({ url: `http://127.0.0.1:${port}/` }, { allowHttp: true, allowPrivateNetwork: false })).rejects.toBeInstanceOf(OutboundRefused);
      const ok = await sendOutbound({ url: `http://127.0.0.1:${port}/` }, { allowHttp: true, allowPrivateNetwork: true });
      expect(ok.body.toString()).toBe('ok');
    } finally {
      server.close();
    }
  });

  test('an answer larger than the limit is cut off', async () => {
    const server = createServer((_req, res) => res.end('x'.repeat(5000)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      await expect(sendOutbound({ url: `http://127.0.0.1:${port}/`, maxResponseBytes: 1000 }, { allowHttp: true, allowPrivateNetwork: true })).rejects.toThrow('limit of 1000 bytes');
    } finally {
      server.close();
    }
  });
});
