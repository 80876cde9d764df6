import { IssueCredentialRequest, IssuerConfig, ServiceConfigError, WalletConfig, parseServiceConfig, validateServiceConfig } from './index.js';

const anchorKey = { kid: 'did:web:a.example#k', kty: 'OKP', crv: 'Ed25519', x: 'abc' };
const minimalWallet = {
  participant: { name: 'p', namespace: 'ns', did: 'did:web:p.example', legalName: 'P GmbH', country: 'DE' },
  keyFile: '/var/run/musubi/wallet-key/signing-key.jwk',
  credentialsDir: '/var/run/musubi/credentials',
  trustAnchor: { did: 'did:web:a.example', jurisdiction: 'EU', keys: [anchorKey], issuerURL: 'http://a-issuer.ns.svc:8080' },
  listen: { port: 8080 },
  storageDir: '/var/lib/musubi',
};

test('servers bind loopback unless the configuration says otherwise', () => {
  expect(WalletConfig.parse(minimalWallet).listen).toEqual({ host: '127.0.0.1', port: 8080 });
});

test('errors name every offending field and the file', () => {
  const bad = { ...minimalWallet, keyFile: 'signing-key.jwk', participant: { ...minimalWallet.participant, country: 'Germany' } };
  let message = '';
  try {
    validateServiceConfig(WalletConfig, bad, '/etc/musubi/wallet/wallet.json');
  } catch (err) {
    expect(err).toBeInstanceOf(ServiceConfigError);
    message = (err as Error).message;
  }
  expect(message).toContain('/etc/musubi/wallet/wallet.json: keyFile: must be an absolute file path');
  expect(message).toContain('/etc/musubi/wallet/wallet.json: participant.country:');
  expect(() => parseServiceConfig(IssuerConfig, '{ not: [yaml', 'issuer.json')).toThrow(/^issuer.json: not valid YAML or JSON/);
});

test('a public key with a private part is not a pinned key', () => {
  const withD = { ...minimalWallet, trustAnchor: { ...minimalWallet.trustAnchor, keys: [{ ...anchorKey, d: 'secret' }] } };
  expect(() => validateServiceConfig(WalletConfig, withD, 'w')).toThrow(/Unrecognized key: "d"/);
});

test('an issue request carries either the legal-person claims or just the subject id', () => {
  const base = { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiableCredential', 'LegalPersonCredential'] };
  expect(IssueCredentialRequest.safeParse({ credential: { ...base, credentialSubject: { id: 'did:web:a.example', legalName: 'A', country: 'JP', identifiers: [{ scheme: 'jp-corporate-number', value: '3010401099999' }] } } }).success).toBe(true);
  expect(IssueCredentialRequest.safeParse({ credential: { ...base, credentialSubject: { id: 'did:web:a.example', identifiers: [{ scheme: 'nope', value: '1' }] } } }).success).toBe(false);
});

test('the wallet STS lists one client per connector; a client listed twice is refused by path', () => {
  const clients = [
    { clientId: 'pcf-connector', clientSecretFile: '/var/run/musubi/sts-clients/pcf-connector/client-secret' },
    { clientId: 'bom-connector', clientSecretFile: '/var/run/musubi/sts-clients/bom-connector/client-secret' },
  ];
  expect(WalletConfig.parse({ ...minimalWallet, sts: { clients } }).sts?.clients).toEqual(clients);
  expect(WalletConfig.parse({ ...minimalWallet, sts: { clients: [] } }).sts?.clients).toEqual([]);
  expect(() => validateServiceConfig(WalletConfig, { ...minimalWallet, sts: { clients: [clients[0], clients[0]] } }, 'wallet.json'))
    .toThrow('wallet.json: sts.clients[1].clientId: client pcf-connector is listed twice; client ids must be unique');
  expect(() => validateServiceConfig(WalletConfig, { ...minimalWallet, sts: { clients: [{ clientId: 'x', clientSecretFile: 'secret' }] } }, 'wallet.json'))
    .toThrow('wallet.json: sts.clients[0].clientSecretFile: must be an absolute file path');
});
