import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compiledPolicy } from '../testing/harness.test-support.js';
import type { PublishedOffer } from '../policy/offer-book.js';
import { text } from 'node:stream/consumers';
import { DataSourceFailed, openOfferData } from './sources.js';

const policy = compiledPolicy('ns/p', [{ action: 'use', constraints: [] }]);

function offer(source: PublishedOffer['source']): PublishedOffer {
  return { assetId: 'a', offerId: 'o', policy, source, dataset: { title: 't', mediaType: 'application/json' } };
}

describe('offer data sources', () => {
  const dir = mkdtempSync(join(tmpdir(), 'musubi-sources-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('an HTTP backend gets the credential from its mounted file; a backend on a private address is refused unless allowed', async () => {
    let seen: string | undefined;
    const server = createServer((req, res) => {
      seen = req.headers['x-api-key'] as string | undefined;
      res.setHeader('content-type', 'application/json');
      res.end('{"v":1}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const authFile = join(dir, 'key');
    writeFileSync(authFile, 'secret-123\n');
    try {
      const http = { url: `http://127.0.0.1:${port}/data`, method: 'GET' as const, authHeader: 'X-Api-Key', authFile, timeoutMs: 2000 };
      const data = await openOfferData(offer({ http: { ...http, allowPrivateNetwork: true } }), { maxBytes: 1000, allowHttp: true });
      expect(data).toMatchObject({ mediaType: 'application/json', length: 7 });
      expect(await text(data.body)).toBe('{"v":1}');
      expect(seen).toBe('secret-123');
      const refused = openOfferData(offer({ http: { ...http, allowPrivateNetwork: false } }), { maxBytes: 1000, allowHttp: true });
      await expect(refused).rejects.toBeInstanceOf(DataSourceFailed);
      await expect(refused).rejects.toThrow(/non-public address.*allowPrivateNetwork is off/);
    } finally {
      server.close();
    }
  });

  test('a file source larger than the data limit is refused before a byte is read; a smaller one streams with its size', async () => {
    const path = join(dir, 'big.json');
    writeFileSync(path, 'x'.repeat(2000));
    await expect(openOfferData(offer({ file: { path } }), { maxBytes: 1000, allowHttp: false })).rejects.toThrow('more than dataPlane.maxDataBytes (1000)');
    const data = await openOfferData(offer({ file: { path } }), { maxBytes: 4000, allowHttp: false });
    expect(data.length).toBe(2000);
    expect((await text(data.body)).length).toBe(2000);
    await expect(openOfferData(offer({ file: { path: join(dir, 'missing.json') } }), { maxBytes: 1000, allowHttp: false })).rejects.toMatchObject({ retryable: true, message: expect.stringContaining('cannot read its data file') });
  });

  test('a backend announcing more than the limit is refused for good; one breaking off mid-body fails the stream with DataSourceFailed', async () => {
    const server = createServer((req, res) => {
      if (req.url === '/huge') {
        res.setHeader('content-length', '5000');
        res.end('x'.repeat(5000));
        return;
      }
      res.setHeader('content-length', '100000');
      res.write('x'.repeat(1000));
      setTimeout(() => res.destroy(), 20);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const http = (path: string) => offer({ http: { url: `http://127.0.0.1:${port}${path}`, method: 'GET', authHeader: 'Authorization', allowPrivateNetwork: true, timeoutMs: 2000 } });
    try {
      await expect(openOfferData(http('/huge'), { maxBytes: 1000, allowHttp: true })).rejects.toMatchObject({ retryable: false, message: expect.stringContaining('announced 5000 bytes') });
      const broken = await openOfferData(http('/broken'), { maxBytes: 1_000_000, allowHttp: true });
      await expect(text(broken.body)).rejects.toBeInstanceOf(DataSourceFailed);
    } finally {
      server.close();
    }
  });
});
