import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IssuerServiceConfig } from '../issuer/config.js';
import { WalletServiceConfig } from '../wallet/config.js';
import { ConfigError, configPathFromEnv, loadConfigFile } from './load.js';

describe('service configuration files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'musubi-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('an invalid issuer config names every bad field', () => {
    const path = join(dir, 'issuer.yaml');
    writeFileSync(path, [
      'anchor: {name: jp, namespace: ns, did: "did:web:anchor.jp.example", publicURL: "https://anchor.jp.example", framework: Japan, jurisdiction: Japan, identifierSchemes: [jp-corporate-number], dataspace: d}',
      'signingKeyFile: /keys/key.jwk',
      'apiTokenFile: /keys/token',
      'dataSource: {name: NTA, file: {path: /registry/r.yaml}}',
      'credentials: [{type: LegalPersonCredential, validitySeconds: 60}]',
      'trustList: {validitySeconds: 86400, refreshIntervalSeconds: 3600}',
      'listen: {port: 8080}',
      'storageDir: /var/lib/musubi',
    ].join('\n'));
    let message = '';
    try {
      loadConfigFile(IssuerServiceConfig, path);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message).toContain('anchor.jurisdiction');
    expect(message).toContain('credentials[0].validitySeconds');
  });

  test('a file the operator renders today is valid as it is; the services\' own settings default', () => {
    const config = IssuerServiceConfig.parse({
      anchor: { name: 'jp', namespace: 'ns', did: 'did:web:anchor.jp.example', publicURL: 'https://anchor.jp.example', framework: 'Japan', jurisdiction: 'JP', identifierSchemes: ['jp-corporate-number'], dataspace: 'd' },
      signingKeyFile: '/keys/key.jwk', apiTokenFile: '/keys/token', dataSource: { name: 'NTA', file: { path: '/r.yaml' } },
      credentials: [{ type: 'LegalPersonCredential', validitySeconds: 3600 }], trustList: { validitySeconds: 86_400, refreshIntervalSeconds: 3600 },
      listen: { host: '0.0.0.0', port: 8080 }, storageDir: '/var/lib/musubi',
    });
    expect(config).toMatchObject({ network: { allowHttpLoopback: false }, limits: { maxBodyBytes: 524_288 }, statusList: { cacheSeconds: 30 }, logLevel: 'info', recognised: [] });
    const wallet = WalletServiceConfig.safeParse({ participant: { name: 'acme', namespace: 'ns', did: 'did:web:acme.example', legalName: 'ACME', country: 'JP' } });
    expect(wallet.success).toBe(false);
  });

  test('the config path comes from the environment, or the error says which variable to set', () => {
    expect(configPathFromEnv('MUSUBI_ISSUER_CONFIG', { MUSUBI_ISSUER_CONFIG: '/etc/issuer.json' })).toBe('/etc/issuer.json');
    expect(() => configPathFromEnv('MUSUBI_WALLET_CONFIG', {})).toThrow(/set MUSUBI_WALLET_CONFIG/);
    expect(() => loadConfigFile(IssuerServiceConfig, join(dir, 'missing.yaml'))).toThrow(/cannot read the configuration file/);
  });
});
