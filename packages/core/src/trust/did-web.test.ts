import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildDidDocument, createDidWebResolver, didWebFromUrl, didWebToUrl, parseDidWeb } from './did-web.js';
import { createKeyResolver } from './key-resolver.js';
import { generateKeyPair } from './keys.js';
import { TestClock } from './test-fixtures.js';

describe('did:web identifiers', () => {
  test.each([
    ['https://example.com', 'did:web:example.com'],
    ['https://Example.COM/', 'did:web:example.com'],
    ['https://example.com:8443/tenants/acme', 'did:web:example.com%3A8443:tenants:acme'],
    ['https://example.com/tenants/acme/did.json', 'did:web:example.com:tenants:acme'],
    ['https://example.com/.well-known/did.json', 'did:web:example.com'],
    ['http://127.0.0.1:9000', 'did:web:127.0.0.1%3A9000'],
  ])('%s → %s', (url, did) => {
    expect(didWebFromUrl(url)).toBe(did);
  });

  test.each([
    ['did:web:example.com', 'https://example.com/.well-known/did.json'],
    ['did:web:example.com%3A8443:tenants:acme', 'https://example.com:8443/tenants/acme/did.json'],
    ['did:web:w3c-ccg.github.io:user:alice', 'https://w3c-ccg.github.io/user/alice/did.json'],
    ['did:web:%5B%3A%3A1%5D%3A8080', 'https://[::1]:8080/.well-known/did.json'],
  ])('%s → %s', (did, url) => {
    expect(didWebToUrl(did)).toBe(url);
    expect(didWebFromUrl(url.replace(/\/(\.well-known\/)?did\.json$/, ''))).toBe(did);
  });

  test('loopback DIDs map to http only when asked', () => {
    expect(didWebToUrl('did:web:localhost%3A3000', { allowHttpLoopback: true })).toBe('http://localhost:3000/.well-known/did.json');
    expect(didWebToUrl('did:web:example.com', { allowHttpLoopback: true })).toBe('https://example.com/.well-known/did.json');
  });

  test.each([
    ['did:key:z6Mk', /not a did:web DID/],
    ['did:web:example.com#key-1', /remove any fragment/],
    ['did:web:exa_mple.com', /not a domain name/],
    ['did:web:example.com%3A99999', /host%3Aport/],
    ['did:web:example.com:..', /not allowed/],
    ['did:web:example.com::x', /empty/],
    ['did:web:user%40example.com', /not a domain name/],
  ])('refuses %s', (did, message) => {
    expect(() => parseDidWeb(did)).toThrow(message);
  });

  test('refuses non-https base URLs', () => {
    expect(() => didWebFromUrl('http://example.com')).toThrow(/https URL/);
    expect(() => didWebFromUrl('https://example.com/?q=1')).toThrow(/query/);
  });
});

describe('DID documents', () => {
  test('lists JsonWebKey2020 and Multikey methods under assertionMethod and authentication', async () => {
    const did = 'did:web:example.com';
    const ed = (await generateKeyPair()).forDid(did, 'key-1');
    const k1 = (await generateKeyPair({ algorithm: 'secp256k1' })).forDid(did, 'key-2');
    const doc = buildDidDocument({
      did,
      keys: [{ key: ed, type: 'Multikey' }, { key: k1, relationships: ['assertionMethod'] }],
      services: [{ id: `${did}#dsp`, type: 'DataService', serviceEndpoint: 'https://example.com/dsp' }],
    });
    expect(doc).toEqual({
      '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1', 'https://w3id.org/security/suites/jws-2020/v1'],
      id: did,
      verificationMethod: [
        { id: `${did}#key-1`, type: 'Multikey', controller: did, publicKeyMultibase: expect.stringMatching(/^z6Mk/) },
        { id: `${did}#key-2`, type: 'JsonWebKey2020', controller: did, publicKeyJwk: { kty: 'EC', crv: 'secp256k1', x: k1.publicJwk.x, y: k1.publicJwk.y } },
      ],
      assertionMethod: [`${did}#key-1`, `${did}#key-2`],
      authentication: [`${did}#key-1`],
      service: [{ id: `${did}#dsp`, type: 'DataService', serviceEndpoint: 'https://example.com/dsp' }],
    });
    expect(JSON.stringify(doc)).not.toContain(ed.exportPrivateJwk().d);
    const other = (await generateKeyPair()).forDid('did:web:other.example');
    expect(() => buildDidDocument({ did, keys: [{ key: other }] })).toThrow(/belongs to another DID/);
  });
});

describe('did:web resolver', () => {
  let server: Server;
  let port: number;
  let requests: string[];
  let respond: (path: string) => { status: number; body: string; delayMs?: number };

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      const answer = respond(req.url ?? '');
      setTimeout(() => {
        res.writeHead(answer.status, { 'content-type': 'application/did+json' });
        res.end(answer.body);
      }, answer.delayMs ?? 0);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    requests = [];
  });

  async function documentFor(did: string): Promise<string> {
    const key = (await generateKeyPair()).forDid(did, 'key-1');
    return JSON.stringify(buildDidDocument({ did, keys: [{ key }] }));
  }

  test('fetches over loopback HTTP when allowed, caches for the TTL, then fetches again', async () => {
    const did = `did:web:127.0.0.1%3A${port}:participants:acme`;
    const body = await documentFor(did);
    respond = () => ({ status: 200, body });
    const time = new TestClock();
    const resolver = createDidWebResolver({ allowHttpLoopback: true, cacheTtlMs: 60_000, clock: time.clock });
    const doc = await resolver.resolve(did);
    expect(doc.id).toBe(did);
    expect(requests).toEqual(['/participants/acme/did.json']);
    await resolver.resolve(did);
    expect(requests).toHaveLength(1);
    time.advance(61_000);
    await resolver.resolve(did);
    expect(requests).toHaveLength(2);
    // and the key resolver finds its key, authorised for both purposes
    const keys = createKeyResolver(resolver);
    await expect(keys.resolveKey(`${did}#key-1`, 'assertionMethod')).resolves.toMatchObject({ controller: did, alg: 'EdDSA' });
    await expect(keys.resolveKey(`${did}#key-9`, 'assertionMethod')).rejects.toMatchObject({ reason: 'WrongIssuerKey' });
  });

  test('refuses plain HTTP unless allowed, and never to non-loopback hosts', async () => {
    respond = () => ({ status: 200, body: '{}' });
    const strict = createDidWebResolver();
    await expect(strict.resolve(`did:web:127.0.0.1%3A${port}`)).rejects.toMatchObject({ reason: 'DidResolutionFailed' });
    const { assertFetchableUrl } = await import('./http-fetch.js');
    expect(() => assertFetchableUrl(`http://127.0.0.1:${port}/x`, false)).toThrow(expect.objectContaining({ reason: 'InsecureTransport', message: expect.stringContaining('allowHttpLoopback') }));
    expect(() => assertFetchableUrl('http://10.0.0.1/x', true)).toThrow(expect.objectContaining({ reason: 'InsecureTransport', message: expect.stringContaining('only HTTPS') }));
    expect(() => assertFetchableUrl('http://evil.example/x', true)).toThrow(expect.objectContaining({ reason: 'InsecureTransport' }));
    expect(() => assertFetchableUrl('file:///etc/passwd', true)).toThrow(expect.objectContaining({ reason: 'InsecureTransport' }));
    expect(requests).toEqual([]);
  });

  test('refuses a document that is too large, too slow, of another DID or not JSON', async () => {
    const did = `did:web:127.0.0.1%3A${port}`;
    const resolver = createDidWebResolver({ allowHttpLoopback: true, maxBytes: 1024, timeoutMs: 200 });
    respond = () => ({ status: 200, body: JSON.stringify({ id: did, pad: 'x'.repeat(5000) }) });
    await expect(resolver.resolve(did)).rejects.toMatchObject({ reason: 'PayloadTooLarge' });
    respond = () => ({ status: 200, body: JSON.stringify({ id: 'did:web:elsewhere.example' }) });
    await expect(resolver.resolve(did)).rejects.toMatchObject({ reason: 'DidResolutionFailed', message: expect.stringContaining('must carry its own DID') });
    respond = () => ({ status: 200, body: 'not json' });
    await expect(resolver.resolve(did)).rejects.toMatchObject({ reason: 'DidResolutionFailed', message: expect.stringContaining('not JSON') });
    respond = () => ({ status: 404, body: '' });
    await expect(resolver.resolve(did)).rejects.toMatchObject({ reason: 'DidResolutionFailed', message: expect.stringContaining('HTTP 404') });
    respond = () => ({ status: 200, body: '{}', delayMs: 1000 });
    await expect(resolver.resolve(did)).rejects.toMatchObject({ reason: 'DidResolutionFailed', message: expect.stringContaining('within 200 ms') });
  });
});
