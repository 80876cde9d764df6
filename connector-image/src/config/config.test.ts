import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { ConfigError, loadConnectorConfig, parseConnectorConfig } from './load.js';

const example = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'config.example.yaml');

describe('connector configuration', () => {
  test('the example configuration is valid and gets its defaults', () => {
    const config = loadConnectorConfig({ MUSUBI_CONNECTOR_CONFIG: example });
    expect(config.dsp.maxBodyBytes).toBe(1024 * 1024);
    expect(config.delivery).toEqual({ maxAttempts: 12, baseDelayMs: 500, maxDelayMs: 60_000, pollIntervalMs: 500 });
    expect(config.offers[0]?.dataset.mediaType).toBe('application/json');
    expect(config.store.sqlite?.path).toBe('./local/connector.db');
  });

  test('every problem is named by its path', () => {
    const document = parse(readFileSync(example, 'utf8')) as { participant: { did: string }; dsp: { publicUrl: string }; store: unknown; offers: Array<{ assetId: string; source: unknown }> };
    document.participant.did = 'maker';
    document.dsp.publicUrl = 'ftp://x';
    document.store = { sqlite: { path: 'a' }, postgres: { host: 'h', database: 'd', user: 'u' } };
    const offer = document.offers[0] as { assetId: string; source: unknown };
    offer.assetId = '-bad';
    offer.source = {};
    try {
      parseConnectorConfig(document, 'test.yaml');
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues.map((i) => i.path)).toEqual(expect.arrayContaining([
        'participant.did', 'dsp.publicUrl', 'store', 'offers[0].assetId', 'offers[0].source',
      ]));
      expect((error as ConfigError).message).toContain('participant.did: must be a DID, e.g. did:web:maker.example.jp');
    }
  });

  test('a missing variable or file says what to do', () => {
    expect(() => loadConnectorConfig({})).toThrow('set MUSUBI_CONNECTOR_CONFIG to the path of the connector configuration file');
    expect(() => loadConnectorConfig({ MUSUBI_CONNECTOR_CONFIG: '/nonexistent/config.yaml' })).toThrow('cannot read the file');
  });
});
