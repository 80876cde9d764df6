// A connector's event-signing key in its participant's DID document: the wallet lists it as
// <did>#<kid> under assertionMethod only, and an event the connector signs with it verifies the way a
// consumer connector verifies events, against the document this wallet serves.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@musubi/core/logging';
import { LocalDidRegistry, createKeyResolver, generateKeyPair, type KeyPair } from '@musubi/core/trust';
import { ConfigError } from '../config/load.js';
import { WalletServiceConfig, type WalletServiceConfigInput } from './config.js';
import { createWalletCore } from './core.js';
import * as connector from '@musubi/connector/notifications';

const DID = 'did:web:wallet.maker.example.jp';

describe('connector event-signing keys in the participant DID document', () => {
  const dir = mkdtempSync(join(tmpdir(), 'musubi-connector-keys-'));
  let companyKey: KeyPair;
  let connectorKey: KeyPair;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeAll(async () => {
    companyKey = await generateKeyPair({ algorithm: 'Ed25519' });
    // As the operator generates it (connector/event-signing-key.ts): a bare kid naming the connector and key.
    const generated = await generateKeyPair({ algorithm: 'Ed25519' });
    connectorKey = generated.withKid(`connector-pcf-offers-${generated.thumbprint.slice(0, 12)}`);
  });

  function config(connectorEventKeys: WalletServiceConfigInput['connectorEventKeys'], name = 'wallet'): WalletServiceConfig {
    const storageDir = join(dir, name);
    const keyFile = join(dir, `${name}-key.jwk`);
    writeFileSync(keyFile, JSON.stringify(companyKey.exportPrivateJwk()));
    return WalletServiceConfig.parse({
      participant: { name: 'maker', namespace: 'dataspace', did: DID, legalName: 'Musubi Motors', country: 'JP', publicURL: 'https://wallet.maker.example.jp' },
      keyFile, credentialsDir: join(dir, 'credentials'), storageDir,
      trustAnchor: {
        did: 'did:web:jp-anchor.example', jurisdiction: 'JP', issuerURL: 'https://jp-anchor.example',
        keys: [{ kid: 'did:web:jp-anchor.example#k1', kty: 'OKP', crv: 'Ed25519', x: 'wL9MpTiipoJLNETc74WkbJivrmDUsXUl5IOHfkJpTwA' }],
      },
      listen: { host: '127.0.0.1', port: 0 },
      connectorEventKeys,
    } satisfies WalletServiceConfigInput);
  }
  const publicOf = (key: KeyPair) => ({ kid: key.kid, kty: key.publicJwk.kty, crv: key.publicJwk.crv, x: key.publicJwk.x });

  test('the company document lists the connector key for assertions only, beside the company key', async () => {
    const core = await createWalletCore(config([{ connector: 'pcf-offers', key: publicOf(connectorKey) }], 'listed'), { logger: silentLogger });
    const document = core.company.didDocument;
    const companyId = `${DID}#${companyKey.thumbprint}`;
    const connectorId = `${DID}#${connectorKey.kid}`;
    expect(document.verificationMethod?.map((m) => m.id)).toEqual([companyId, connectorId]);
    expect(document.verificationMethod?.[1]).toEqual({ id: connectorId, type: 'JsonWebKey2020', controller: DID, publicKeyJwk: { kty: 'OKP', crv: 'Ed25519', x: connectorKey.publicJwk.x } });
    expect(document.assertionMethod).toEqual([companyId, connectorId]);
    expect(document.authentication).toEqual([companyId]);
    // The company key still signs for the wallet itself.
    expect(core.company.key.kid).toBe(companyId);
    expect(JSON.stringify(document)).not.toContain('"d"');
  });

  test('without connector keys the document is the company key alone; an unusable key names its entry', async () => {
    const plain = await createWalletCore(config([], 'plain'), { logger: silentLogger });
    expect(plain.company.didDocument.verificationMethod?.map((m) => m.id)).toEqual([`${DID}#${companyKey.thumbprint}`]);
    const short = { ...publicOf(connectorKey), x: 'AAAA' };
    const failure = createWalletCore(config([{ connector: 'pcf-offers', key: short }], 'short'), { logger: silentLogger });
    await expect(failure).rejects.toThrow(ConfigError);
    await expect(failure).rejects.toThrow('connectorEventKeys[0].key (Connector pcf-offers) is not a usable public key: JWK x must be 32 bytes, got 3');
    expect(() => config([{ connector: 'pcf-offers', key: { ...publicOf(connectorKey), kid: `${DID}#k` } }], 'bound')).toThrow('must be a bare fragment');
  });

  test('an event the connector signs with its key verifies against the document the wallet serves; the company document without it refuses the event', async () => {
    const keyFile = join(dir, 'connector-signing-key.jwk');
    writeFileSync(keyFile, JSON.stringify(connectorKey.exportPrivateJwk()));
    const signingKey = await connector.loadSigningKey(keyFile, DID);
    expect(signingKey.kid).toBe(`${DID}#${connectorKey.kid}`);
    const claims = {
      iss: DID, aud: 'did:web:recycler.example.de', sub: 'urn:uuid:s1', jti: 'urn:uuid:e1', iat: 1_770_000_000, type: 'DatasetChanged' as const, seq: 1,
      consumerSubscriptionId: 'urn:uuid:c1', agreementId: 'urn:uuid:a1', datasetId: 'pcf', changedAt: '2026-02-02T00:00:00.000Z',
    };
    const { decoded } = connector.readEvent(await connector.signEvent(claims, signingKey));

    const served = await createWalletCore(config([{ connector: 'pcf-offers', key: publicOf(connectorKey) }], 'served'), { logger: silentLogger });
    const keys = createKeyResolver(new LocalDidRegistry().register(JSON.parse(JSON.stringify(served.company.didDocument))));
    await expect(connector.verifyEventSignature(decoded, DID, keys)).resolves.toBeUndefined();
    // It speaks for the participant's events, but never authenticates as the participant.
    await expect(keys.resolveKey(signingKey.kid, 'authentication')).rejects.toThrow();

    const without = await createWalletCore(config([], 'without'), { logger: silentLogger });
    const unlisted = createKeyResolver(new LocalDidRegistry().register(JSON.parse(JSON.stringify(without.company.didDocument))));
    await expect(connector.verifyEventSignature(decoded, DID, unlisted)).rejects.toMatchObject({ code: 'InvalidSignature', status: 401 });
  });
});
