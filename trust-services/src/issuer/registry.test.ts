import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listen, type RunningServer } from '../http/server.js';
import { verifyLegalPerson } from './identity-check.js';
import { FileRegistry, HttpRegistry } from './registry.js';

describe('trusted registries', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'musubi-registry-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('a YAML registry file is read, normalised, and re-read when the ConfigMap changes', async () => {
    const path = join(dir, 'registry.yaml');
    writeFileSync(path, '- {scheme: jp-corporate-number, value: "1180-3010-18771", legalName: ACME Recycling K.K., country: JP}\n');
    const registry = new FileRegistry('NTA mirror', path);
    expect(await registry.lookup('jp-corporate-number', '1180301018771')).toMatchObject({ legalName: 'ACME Recycling K.K.', country: 'JP' });
    writeFileSync(path, 'entries:\n  - {scheme: eu-vat, value: DE129273398, legalName: BlueRecycle GmbH, country: DE}\n');
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    expect(await registry.lookup('jp-corporate-number', '1180301018771')).toBeUndefined();
    expect(await registry.lookup('eu-vat', 'DE129273398')).toMatchObject({ legalName: 'BlueRecycle GmbH' });
  });

  test('a registry file with a bad entry is refused naming the entry and field', () => {
    const path = join(dir, 'registry.json');
    writeFileSync(path, JSON.stringify([{ scheme: 'jp-corporate-number', value: '1180301018772', legalName: 'X', country: 'JP' }]));
    expect(() => new FileRegistry('r', path)).toThrow(/\[0\]\.value: .*check digit/i);
    writeFileSync(path, JSON.stringify([{ scheme: 'jp-corporate-number', value: '1180301018771', legalName: 'X', country: 'Japan' }]));
    expect(() => new FileRegistry('r', path)).toThrow(/\[0\]\.country/);
  });

  describe('HTTP registry', () => {
    let server: RunningServer;
    const seen: { url?: string; auth?: string }[] = [];
    let mode: 'ok' | 'slow' | 'broken' = 'ok';

    beforeAll(async () => {
      server = await listen((req, res) => {
        seen.push({ url: req.url, auth: req.headers.authorization });
        if (mode === 'slow') return; // never answers: the client's deadline must end it
        if (mode === 'broken') {
          res.statusCode = 502;
          res.end();
          return;
        }
        if (req.url === '/v1/jp-corporate-number/1180301018771') {
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ legalName: 'ACME Recycling K.K.', country: 'JP' }));
        } else {
          res.statusCode = 404;
          res.end();
        }
      }, { host: '127.0.0.1', port: 0 });
    });
    afterAll(async () => {
      server.server.closeAllConnections();
      await server.close();
    });

    test('asks GET <url>/<scheme>/<value> with the bearer token and reads the answer', async () => {
      const tokenFile = join(dir, 'token');
      writeFileSync(tokenFile, 'registry-token-0123456789\n');
      const registry = new HttpRegistry({ name: 'NTA', url: `${server.url}/v1/`, tokenFile, timeoutMs: 2000, allowHttpLoopback: true });
      mode = 'ok';
      expect(await registry.lookup('jp-corporate-number', '1180301018771')).toEqual({ scheme: 'jp-corporate-number', value: '1180301018771', legalName: 'ACME Recycling K.K.', country: 'JP' });
      expect(seen.at(-1)).toEqual({ url: '/v1/jp-corporate-number/1180301018771', auth: 'Bearer registry-token-0123456789' });
      expect(await registry.lookup('jp-corporate-number', '7000012050002')).toBeUndefined();
    });

    test('an unavailable or slow registry is RegistryUnavailable (503), so DCP requests are retried', async () => {
      const registry = new HttpRegistry({ name: 'NTA', url: server.url, timeoutMs: 300, allowHttpLoopback: true });
      mode = 'broken';
      await expect(registry.lookup('jp-corporate-number', '1180301018771')).rejects.toMatchObject({ status: 503, reason: 'RegistryUnavailable' });
      mode = 'slow';
      const started = Date.now();
      await expect(registry.lookup('jp-corporate-number', '1180301018771')).rejects.toMatchObject({ status: 503, message: expect.stringContaining('within 300 ms') });
      expect(Date.now() - started).toBeLessThan(2000);
    });

    test('plain HTTP to a non-loopback registry is refused by the transport policy', async () => {
      const registry = new HttpRegistry({ name: 'NTA', url: 'http://registry.example.com', timeoutMs: 300, allowHttpLoopback: true });
      await expect(registry.lookup('jp-corporate-number', '1180301018771')).rejects.toMatchObject({ reason: 'RegistryUnavailable', message: expect.stringContaining('only HTTPS') });
    });
  });

  test('identity check: legal names compare across full-width forms, spacing and case', async () => {
    const path = join(dir, 'r.json');
    writeFileSync(path, JSON.stringify([{ scheme: 'jp-corporate-number', value: '1180301018771', legalName: 'ACME Recycling K.K.', country: 'JP' }]));
    const registry = new FileRegistry('NTA', path);
    const verified = await verifyLegalPerson(
      { legalName: 'ＡＣＭＥ  recycling k.k.', country: 'JP', identifiers: [{ scheme: 'jp-corporate-number', value: '１１８０３０１０１８７７１' }] },
      { registry, schemes: ['jp-corporate-number'], now: new Date('2026-06-01T00:00:00Z'), field: 'claims' },
    );
    expect(verified).toMatchObject({ identifiers: [{ scheme: 'jp-corporate-number', value: '1180301018771' }], verification: { dataSource: 'NTA', checkedAt: '2026-06-01T00:00:00.000Z' } });
    await expect(verifyLegalPerson({ legalName: 'ACME', country: 'JP', identifiers: [{ scheme: 'eu-vat', value: 'DE129273398' }] }, { registry, schemes: ['jp-corporate-number'], now: new Date(), field: 'claims' }))
      .rejects.toMatchObject({ status: 400, reason: 'IdentifierInvalid', field: 'claims.identifiers[0].scheme' });
  });
});
