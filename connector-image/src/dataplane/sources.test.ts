import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compiledPolicy } from '../testing/harness.test-support.js';
import type { PublishedOffer } from '../policy/offer-book.js';
import { DataSourceFailed, readOfferData } from './sources.js';

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
      const data = await readOfferData(offer({ http: { ...http, allowPrivateNetwork: true } }), { maxBytes: 1000, allowHttp: true });
      expect(data.body.toString()).toBe('{"v":1}');
      expect(seen).toBe('secret-123');
      const refused = readOfferData(offer({ http: { ...http, allowPrivateNetwork: false } }), { maxBytes: 1000, allowHttp: true });
      await expect(refused).rejects.toBeInstanceOf(DataSourceFailed);
      await expect(refused).rejects.toThrow(/non-public address.*allowPrivateNetwork is off/);
    } finally {
      server.close();
    }
  });

  test('a file source larger than the data limit is refused', async () => {
    const path = join(dir, 'big.json');
    writeFileSync(path, 'x'.repeat(2000));
    await expect(readOfferData(offer({ file: { path } }), { maxBytes: 1000, allowHttp: false })).rejects.toThrow('more than dataPlane.maxDataBytes (1000)');
  });
});
