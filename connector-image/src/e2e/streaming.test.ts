// The data plane streams: 100 MiB go from the provider's source to the consumer by pull and by push
// with the content intact (SHA-256) while the process's memory grows by a fraction of that. A pull the
// reader abandons half-way and a push whose source breaks off leave both transfers in a state from
// which the data is then delivered whole; a push over the consumer's limit is refused for good.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { digestBody, peakRssGrowth, writeRandomFile } from '../testing/payload.js';
import { TestDataspace, compiledPolicy, eventually, type TestConnector } from '../testing/harness.test-support.js';

const PROVIDER = 'did:web:maker.example.jp';
const CONSUMER = 'did:web:recycler.example.de';
const MiB = 1024 * 1024;
const BULK_BYTES = 100 * MiB;
// Streaming holds a few buffers per hop; what remains is garbage awaiting collection (measured 3–29 MiB).
// A body held whole would add at least the payload itself.
const MAX_GROWTH = BULK_BYTES / 2;
const open = compiledPolicy('dataspace/open', [{ action: 'use', constraints: [] }]);

type Json = Record<string, unknown>;

describe('streamed transfers on 127.0.0.1', () => {
  let space: TestDataspace;
  let provider: TestConnector;
  let consumer: TestConnector;
  let small: TestConnector;
  let bulkSha: string;
  let flakySha: string;
  let backend: Server;
  let backendRequests = 0;
  const flaky = randomBytes(5 * MiB);

  const agreementFor = async (who: TestConnector, datasetId: string): Promise<string> => {
    const dataset = await who.manage('POST', '/catalog/request', { providerUrl: provider.publicUrl, providerDid: PROVIDER });
    const offer = ((dataset.json.dataset as Json[]).find((d) => d['@id'] === datasetId)?.hasPolicy as Json[])[0];
    const started = await who.manage('POST', '/negotiations', { providerUrl: provider.publicUrl, providerDid: PROVIDER, datasetId, offer });
    const done = await eventually(() => who.manage('GET', `/negotiations/${encodeURIComponent(started.json.localPid as string)}`), (r) => r.json.state === 'FINALIZED', `the agreement for ${datasetId}`);
    return done.json.agreementId as string;
  };
  const transfer = async (who: TestConnector, agreementId: string, format: string, until: string[]): Promise<Json> => {
    const started = await who.manage('POST', '/transfers', { agreementId, format });
    expect(started.status).toBe(201);
    const pid = encodeURIComponent(started.json.localPid as string);
    return (await eventually(() => who.manage('GET', `/transfers/${pid}`), (r) => until.includes(r.json.state as string), `transfer ${pid} to reach ${until.join(' or ')}`, 60_000)).json;
  };
  const data = (who: TestConnector, transferPid: string, signal?: AbortSignal): Promise<Response> =>
    fetch(`${who.managementUrl}/transfers/${encodeURIComponent(transferPid)}/data`, { headers: { authorization: `Bearer ${space.managementToken}` }, ...(signal && { signal }) });
  const auditEvents = async (who: TestConnector, processKey: string): Promise<string[]> =>
    (await who.manage('GET', '/audit')).text.trim().split('\n').map((line) => JSON.parse(line) as Json).filter((e) => e.processKey === processKey).map((e) => e.event as string);

  beforeAll(async () => {
    space = new TestDataspace();
    space.realm.register({ did: CONSUMER });
    space.realm.register({ did: 'did:web:small.example' });
    space.realm.register({ did: PROVIDER });
    const bulkFile = join(space.dir, 'bulk.bin');
    bulkSha = await writeRandomFile(bulkFile, BULK_BYTES);
    flakySha = createHash('sha256').update(flaky).digest('hex');
    // A backend that breaks off its first answer half-way and serves the whole data afterwards.
    backend = createServer((req, res) => {
      if (req.url === '/chunked') {
        // No content-length: the consumer finds out the size only while the data arrives.
        res.setHeader('content-type', 'application/octet-stream');
        res.write(flaky.subarray(0, 3 * MiB));
        res.end(flaky.subarray(3 * MiB));
        return;
      }
      backendRequests++;
      res.setHeader('content-type', 'application/octet-stream');
      res.setHeader('content-length', String(flaky.length));
      if (backendRequests === 1) {
        res.write(flaky.subarray(0, 2 * MiB), () => setTimeout(() => res.destroy(), 50));
        return;
      }
      res.end(flaky);
    });
    await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
    const { port } = backend.address() as AddressInfo;
    const dataPlane = { maxDataBytes: 256 * MiB };
    provider = await space.start({
      name: 'provider', did: PROVIDER, dataPlane, offers: [
        { assetId: 'bulk', policy: open, mediaType: 'application/octet-stream', source: { file: { path: bulkFile } } },
        { assetId: 'flaky', policy: open, mediaType: 'application/octet-stream', source: { http: { url: `http://127.0.0.1:${port}/data`, method: 'GET', authHeader: 'Authorization', allowPrivateNetwork: true, timeoutMs: 5000 } } },
        { assetId: 'unsized', policy: open, mediaType: 'application/octet-stream', source: { http: { url: `http://127.0.0.1:${port}/chunked`, method: 'GET', authHeader: 'Authorization', allowPrivateNetwork: true, timeoutMs: 5000 } } },
      ],
    });
    consumer = await space.start({ name: 'consumer', did: CONSUMER, dataPlane });
    small = await space.start({ name: 'small', did: 'did:web:small.example', dataPlane: { maxDataBytes: MiB } });
  }, 60_000);
  afterAll(async () => {
    await space.close();
    backend.close();
  });

  test('100 MiB pulled: the consumer receives every byte, memory grows by a fraction of the payload', async () => {
    const agreementId = await agreementFor(consumer, 'bulk');
    const started = await transfer(consumer, agreementId, 'HttpData-PULL', ['STARTED', 'TERMINATED']);
    expect(started.state).toBe('STARTED');
    const { result, growth } = await peakRssGrowth(async () => {
      const response = await data(consumer, started.localPid as string);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-length')).toBe(String(BULK_BYTES));
      return digestBody(response);
    });
    expect(result).toEqual({ bytes: BULK_BYTES, sha256: bulkSha });
    expect(growth).toBeLessThan(MAX_GROWTH);
    const providerPid = (await eventually(async () => (await provider.manage('GET', '/transfers?role=provider')).json as unknown as Json[], (list) => list.length > 0, 'the provider\'s transfer'))[0]?.localPid as string;
    const served = await eventually(() => auditEvents(provider, providerPid), (events) => events.includes('transfer.data-served'), 'the provider to audit the pull');
    expect(served).toContain('transfer.data-served');
  }, 120_000);

  test('100 MiB pushed: stored as it arrives and read back intact, memory grows by a fraction of the payload', async () => {
    const agreementId = await agreementFor(consumer, 'bulk');
    const { result: completed, growth: pushGrowth } = await peakRssGrowth(() => transfer(consumer, agreementId, 'HttpData-PUSH', ['COMPLETED', 'TERMINATED']));
    expect(completed.state).toBe('COMPLETED');
    expect(pushGrowth).toBeLessThan(MAX_GROWTH);
    const { result, growth } = await peakRssGrowth(async () => {
      const response = await data(consumer, completed.localPid as string);
      expect(response.status).toBe(200);
      expect(response.headers.get('repr-digest')).toBe(`sha-256=:${Buffer.from(bulkSha, 'hex').toString('base64')}:`);
      return digestBody(response);
    });
    expect(result).toEqual({ bytes: BULK_BYTES, sha256: bulkSha });
    expect(growth).toBeLessThan(MAX_GROWTH);
    const audit = (await consumer.manage('GET', '/audit')).text.trim().split('\n').map((line) => JSON.parse(line) as Json);
    expect(audit.find((e) => e.processKey === completed.localPid && e.event === 'transfer.data-received')?.detail).toMatchObject({ bytes: BULK_BYTES, sha256: bulkSha });
  }, 120_000);

  test('a pull abandoned half-way leaves the transfer STARTED; pulling again delivers the whole data', async () => {
    const agreementId = await agreementFor(consumer, 'bulk');
    const started = await transfer(consumer, agreementId, 'HttpData-PULL', ['STARTED', 'TERMINATED']);
    const abort = new AbortController();
    const partial = await digestBody(await data(consumer, started.localPid as string, abort.signal), { stopAfter: 10 * MiB, abort });
    expect(partial.bytes).toBeLessThan(BULK_BYTES);
    const providerPid = (await provider.manage('GET', '/transfers?role=provider')).json as unknown as Json[];
    const mine = providerPid.find((t) => t.consumerPid === started.localPid)?.localPid as string;
    await eventually(() => auditEvents(provider, mine), (events) => events.includes('transfer.data-serve-interrupted'), 'the provider to audit the broken pull');
    expect((await consumer.manage('GET', `/transfers/${encodeURIComponent(started.localPid as string)}`)).json.state).toBe('STARTED');
    expect((await provider.manage('GET', `/transfers/${encodeURIComponent(mine)}`)).json.state).toBe('STARTED');
    const again = await digestBody(await data(consumer, started.localPid as string));
    expect(again).toEqual({ bytes: BULK_BYTES, sha256: bulkSha });
  }, 120_000);

  test('a push whose source breaks off is retried whole; nothing of the broken attempt is readable', async () => {
    const agreementId = await agreementFor(consumer, 'flaky');
    const completed = await transfer(consumer, agreementId, 'HttpData-PUSH', ['COMPLETED', 'TERMINATED']);
    expect(completed.state).toBe('COMPLETED');
    expect(backendRequests).toBeGreaterThanOrEqual(2);
    const response = await data(consumer, completed.localPid as string);
    expect(await digestBody(response)).toEqual({ bytes: flaky.length, sha256: flakySha });
    const received = (await auditEvents(consumer, completed.localPid as string)).filter((e) => e === 'transfer.data-received');
    expect(received).toHaveLength(1);
    const providerSide = ((await provider.manage('GET', '/transfers?role=provider')).json as unknown as Json[]).find((t) => t.consumerPid === completed.localPid) as Json;
    const detail = await provider.manage('GET', `/transfers/${encodeURIComponent(providerSide.localPid as string)}`);
    expect((detail.json.deliveries as Json[]).find((d) => d.kind === 'push-data')).toMatchObject({ status: 'done', attempts: 2 });
  }, 60_000);

  test('a push over the consumer\'s per-transfer limit is refused for good and the transfer terminated with the reason', async () => {
    const agreementId = await agreementFor(small, 'flaky');
    const ended = await transfer(small, agreementId, 'HttpData-PUSH', ['COMPLETED', 'TERMINATED']);
    expect(ended.state).toBe('TERMINATED');
    expect(JSON.stringify(ended.termination)).toContain('dataPlane.maxDataBytes');
    expect((await small.manage('GET', `/transfers/${encodeURIComponent(ended.localPid as string)}/data`)).json).toMatchObject({ error: 'NoDataYet' });
  }, 60_000);

  test('a push of unannounced size is cut off when it passes the consumer\'s limit, and the provider hears why', async () => {
    const agreementId = await agreementFor(small, 'unsized');
    const ended = await transfer(small, agreementId, 'HttpData-PUSH', ['COMPLETED', 'TERMINATED']);
    expect(ended.state).toBe('TERMINATED');
    expect(JSON.stringify(ended.termination)).toContain('HTTP 413');
    expect(JSON.stringify(ended.termination)).toContain('dataPlane.maxDataBytes');
  }, 60_000);
});
