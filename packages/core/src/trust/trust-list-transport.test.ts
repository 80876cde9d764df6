import { createDidWebResolver } from './did-web.js';
import { assertFetchableUrl, isClusterServiceHost, type FetchLike } from './http-fetch.js';
import { createHttpStatusListFetcher } from './status-list.js';
import { fetchVerifiedTrustList, issueTrustList } from './trust-list.js';
import { DAY, DID, T0, TestClock, didKey, pinned } from './test-fixtures.js';

// Plain HTTP is allowed for one thing only: a signed trust list, verified against pinned keys, fetched
// from an in-cluster Service. Everything else stays HTTPS-only.

const IN_CLUSTER = 'http://eu-anchor-issuer.dataspace.svc.cluster.local:8080/trust-list';

async function anchorList() {
  const anchorKey = await didKey(DID.euAnchor);
  const jwt = await issueTrustList({ anchorKey, jurisdiction: 'EU', keys: [pinned(anchorKey)], validFrom: T0, validUntil: new Date(T0.getTime() + DAY), recognises: [] });
  return { anchorKey, jwt, pinnedAnchor: { did: DID.euAnchor, jurisdiction: 'EU', keys: [pinned(anchorKey)] } };
}

/** A fetch that serves `body` and records what was asked. */
function serving(body: string) {
  const asked: string[] = [];
  const fetch: FetchLike = async (url) => {
    asked.push(url);
    return new Response(body, { status: 200, headers: { 'content-type': 'application/vc+jwt' } });
  };
  return { fetch, asked };
}

test('in-cluster Service names are recognised; look-alikes are not', () => {
  for (const host of ['eu-anchor-issuer.dataspace.svc', 'eu-anchor-issuer.dataspace.svc.cluster.local', 'EU-ANCHOR-ISSUER.dataspace.svc.cluster.local.']) expect(isClusterServiceHost(host)).toBe(true);
  for (const host of ['svc', 'dataspace.svc', 'a.b.c.svc', 'eu-anchor-issuer.dataspace.svc.evil.example', 'issuer.example.com', '127.0.0.1', 'x_y.ns.svc']) expect(isClusterServiceHost(host)).toBe(false);
});

test('a signed trust list is fetched over plain HTTP from an in-cluster Service and verified against the pinned keys', async () => {
  const { jwt, pinnedAnchor } = await anchorList();
  const { fetch, asked } = serving(jwt);
  const time = new TestClock();
  const { list, jwt: fetched } = await fetchVerifiedTrustList(IN_CLUSTER, pinnedAnchor, { fetch, timeoutMs: 1000, clock: time.clock });
  expect(asked).toEqual([IN_CLUSTER]);
  expect(fetched).toBe(jwt);
  expect(list.anchor.did).toBe(DID.euAnchor);
  await expect(fetchVerifiedTrustList('http://eu-anchor-issuer.dataspace.svc:8080/trust-list', pinnedAnchor, { fetch, timeoutMs: 1000, clock: time.clock })).resolves.toBeDefined();
});

test('over in-cluster HTTP a list signed by another key is still refused: the signature, not the transport, is what is trusted', async () => {
  const { jwt } = await anchorList();
  const other = await didKey(DID.euAnchor);
  const { fetch } = serving(jwt);
  await expect(fetchVerifiedTrustList(IN_CLUSTER, { did: DID.euAnchor, jurisdiction: 'EU', keys: [pinned(other)] }, { fetch, timeoutMs: 1000, clock: new TestClock().clock }))
    .rejects.toMatchObject({ reason: expect.stringMatching(/WrongIssuerKey|InvalidSignature/) });
});

test('plain HTTP to any non-cluster host is refused for trust lists too, before anything is fetched', async () => {
  const { jwt, pinnedAnchor } = await anchorList();
  for (const url of ['http://eu-anchor.example/trust-list', 'http://eu-anchor-issuer.dataspace.svc.evil.example/trust-list', 'http://10.0.0.7:8080/trust-list']) {
    const { fetch, asked } = serving(jwt);
    await expect(fetchVerifiedTrustList(url, pinnedAnchor, { fetch, timeoutMs: 1000 })).rejects.toMatchObject({ reason: 'InsecureTransport' });
    expect(asked).toEqual([]);
  }
});

test('did:web resolution and status lists stay HTTPS-only, in-cluster hosts included', async () => {
  expect(() => assertFetchableUrl(IN_CLUSTER, true)).toThrow(expect.objectContaining({ reason: 'InsecureTransport', message: expect.stringContaining('only HTTPS') }));
  const { fetch, asked } = serving('{}');
  await expect(createHttpStatusListFetcher({ fetch, allowHttpLoopback: true })('http://issuer.dataspace.svc.cluster.local:8080/status/1')).rejects.toMatchObject({ reason: 'InsecureTransport' });
  expect(asked).toEqual([]);
  // did:web names an HTTPS origin; an in-cluster one is no exception.
  await expect(createDidWebResolver({ fetch, allowHttpLoopback: true }).resolve('did:web:wallet.dataspace.svc')).rejects.toBeDefined();
  expect(asked).toEqual(['https://wallet.dataspace.svc/.well-known/did.json']);
});
