import { ConnectorConfig, IssueCredentialRequest, IssuerConfig, ServiceConfigError, parseServiceConfig, validateServiceConfig } from './index.js';

const minimalConnector = {
  connector: { name: 'c', namespace: 'ns', publicURL: 'https://dsp.example/api/dsp' },
  participant: { name: 'p', did: 'did:web:p.example', legalName: 'P GmbH', country: 'DE', walletURL: 'http://p-wallet.ns.svc:8080' },
  listen: { dsp: { port: 8080 }, management: { port: 8081 } },
  managementTokenFile: '/var/run/token',
  storage: { sqlite: { path: '/var/lib/musubi/connector.db' } },
  trust: { anchors: [{ did: 'did:web:a.example', jurisdiction: 'EU', keys: [{ kid: 'did:web:a.example#k', kty: 'OKP', crv: 'Ed25519', x: 'abc' }] }] },
};

test('servers bind loopback unless the configuration says otherwise', () => {
  expect(ConnectorConfig.parse(minimalConnector).listen.dsp).toEqual({ host: '127.0.0.1', port: 8080 });
});

test('errors name every offending field and the file', () => {
  const bad = { ...minimalConnector, storage: {}, managementTokenFile: 'token', offers: [{ assetId: 'a', dataset: { title: 'A' }, source: { file: { path: '/d' } }, policy: { name: 'missing', digest: 'sha256:x' } }] };
  let message = '';
  try {
    validateServiceConfig(ConnectorConfig, bad, '/etc/musubi/connector/connector.json');
  } catch (err) {
    expect(err).toBeInstanceOf(ServiceConfigError);
    message = (err as Error).message;
  }
  expect(message).toContain('/etc/musubi/connector/connector.json: managementTokenFile: must be an absolute file path');
  expect(message).toContain('/etc/musubi/connector/connector.json: storage: set exactly one of sqlite or postgres');
  expect(message).toContain('offers[0].policy.name: no compiled policy "missing" in policies');
  expect(() => parseServiceConfig(IssuerConfig, '{ not: [yaml', 'issuer.json')).toThrow(/^issuer.json: not valid YAML or JSON/);
});

test('a public key with a private part is not a pinned key', () => {
  const withD = { ...minimalConnector, trust: { anchors: [{ ...minimalConnector.trust.anchors[0], keys: [{ ...minimalConnector.trust.anchors[0]!.keys[0], d: 'secret' }] }] } };
  expect(() => validateServiceConfig(ConnectorConfig, withD, 'c')).toThrow(/Unrecognized key: "d"/);
});

test('an issue request carries either the legal-person claims or just the subject id', () => {
  const base = { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiableCredential', 'LegalPersonCredential'] };
  expect(IssueCredentialRequest.safeParse({ credential: { ...base, credentialSubject: { id: 'did:web:a.example', legalName: 'A', country: 'JP', identifiers: [{ scheme: 'jp-corporate-number', value: '3010401099999' }] } } }).success).toBe(true);
  expect(IssueCredentialRequest.safeParse({ credential: { ...base, credentialSubject: { id: 'did:web:a.example', identifiers: [{ scheme: 'nope', value: '1' }] } } }).success).toBe(false);
});
