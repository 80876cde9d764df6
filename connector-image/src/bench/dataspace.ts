// The benchmark's dataspace: two connectors on 127.0.0.1 with SQLite stores, each participant with a
// wallet (Secure Token Service and credential service, the identity tests' TestWallet) holding a
// legal-person credential from a trusted anchor. Every DSP request carries a self-issued ID token from
// the caller's wallet; the receiving connector has its own wallet wrap the grant into an ID token for
// the caller's credential service, fetches the presentation and verifies it, as in a dataspace.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  InMemoryReplayGuard, LocalDidRegistry, TrustStore, buildDidDocument, buildLegalPersonCredential, createKeyResolver, createStatusListResolver, generateKeyPair,
  issueCredentialJwt, type KeyPair,
} from '@musubi/core/trust';
import { assembleCompiledPolicy, type CompiledPolicy } from '@musubi/core/policy';
import { startConnector, type RunningConnector } from '../connector/connector.js';
import { DcpCallerAuthenticator, StsCallerCredentials, credentialServicePresentations } from '../identity/dcp.js';
import { TestWallet } from '../identity/test-wallet.test-support.js';
import { silentLogger } from '../observability/logger.js';
import { OfferBook } from '../policy/offer-book.js';
import { writeRandomFile } from '../testing/payload.js';
import { SqlConnectorStore } from '../store/sql-store.js';
import { openSqliteDriver } from '../store/sqlite-driver.js';
import type { ConnectorStore } from '../store/store.js';

const ANCHOR = 'did:web:anchor.jp.example';
const outbound = { allowHttp: true, allowPrivateNetwork: true };

export interface BenchParticipant {
  did: string;
  connector: RunningConnector;
  store: ConnectorStore;
  wallet: TestWallet;
  publicUrl: string;
  /** Calls the connector's management API; the JSON answer. */
  manage(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }>;
}

export interface BenchDataspace {
  dir: string;
  provider: BenchParticipant;
  consumer: BenchParticipant;
  managementToken: string;
  bulk: { path: string; bytes: number; sha256: string };
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

async function legalPerson(anchorKey: KeyPair, subject: string, legalName: string): Promise<string> {
  return issueCredentialJwt(buildLegalPersonCredential({
    issuer: ANCHOR, validFrom: new Date(Date.now() - 60_000), validUntil: new Date(Date.now() + 86_400_000),
    subject: {
      id: subject, legalName, country: 'JP', identifiers: [{ scheme: 'jp-corporate-number', value: '1180301018771' }],
      verification: { dataSource: 'National Tax Agency corporate number registry', checkedAt: new Date().toISOString() },
    },
  }), anchorKey);
}

export async function startBenchDataspace(options: { bulkBytes: number }): Promise<BenchDataspace> {
  const dir = mkdtempSync(join(tmpdir(), 'musubi-bench-'));
  const started: Array<() => Promise<void>> = [];
  const close = async (): Promise<void> => {
    for (const stop of started.reverse()) await stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const managementToken = randomBytes(24).toString('base64url');
    const tokenFile = join(dir, 'management-token');
    writeFileSync(tokenFile, managementToken);
    const bulkPath = join(dir, 'bulk.bin');
    const bulkSha = await writeRandomFile(bulkPath, options.bulkBytes);
    const pcfPath = join(dir, 'pcf.json');
    writeFileSync(pcfPath, JSON.stringify({ productId: 'urn:jp:vehicle:example-hybrid-2026', pcfExcludingBiogenic: 8123.4, unit: 'kgCO2e' }));

    const anchorKey = (await generateKeyPair({ algorithm: 'Ed25519' })).forDid(ANCHOR, 'key-1');
    const trustStore = await TrustStore.create({ own: [{ did: ANCHOR, jurisdiction: 'JP', keys: [{ ...anchorKey.publicJwk, kid: anchorKey.kid }] }] });
    // The credentials carry no status entry, so no status list is ever fetched.
    const statusLists = createStatusListResolver({ fetch: async (url) => { throw new Error(`no status list ${url} in the benchmark`); }, verify: async () => { throw new Error('unused'); } });
    const registry = new LocalDidRegistry();
    const keys = createKeyResolver(registry);
    const legalPersonsOfJapan: CompiledPolicy = assembleCompiledPolicy({
      id: 'dataspace/jp-legal-persons', generation: 1, obligations: [], prohibitions: [],
      permissions: [{ action: 'use', constraints: [{ leftOperand: 'credentialType', operator: 'eq', rightOperand: 'LegalPersonCredential' }, { leftOperand: 'jurisdiction', operator: 'eq', rightOperand: 'JP' }] }],
    });
    const policyFile = join(dir, 'policy.json');
    writeFileSync(policyFile, JSON.stringify(legalPersonsOfJapan));

    const participant = async (name: string, did: string, offers: boolean): Promise<BenchParticipant> => {
      const holderKey = (await generateKeyPair({ algorithm: 'Ed25519' })).forDid(did, 'key-1');
      const wallet = await new TestWallet(holderKey, [await legalPerson(anchorKey, did, `${name} K.K.`)], { keys }).start();
      started.push(() => wallet.stop());
      registry.register(buildDidDocument({ did, keys: [{ key: holderKey }], services: [{ id: `${did}#cs`, type: 'CredentialService', serviceEndpoint: `${wallet.url}/cs` }] }));
      const store = await SqlConnectorStore.open(openSqliteDriver({ path: join(dir, `${name}.db`) }));
      started.push(() => store.close());
      const port = await freePort();
      const publicUrl = `http://127.0.0.1:${port}/api/dsp`;
      const book = OfferBook.load(did, offers ? [
        { assetId: 'pcf', dataset: { title: 'Product carbon footprint', mediaType: 'application/json' }, source: { file: { path: pcfPath } }, policyFile },
        { assetId: 'bulk', dataset: { title: 'Bulk measurements', mediaType: 'application/octet-stream' }, source: { file: { path: bulkPath } }, policyFile },
      ] : []);
      const connector = await startConnector({
        participantDid: did, publicUrl, listen: { dsp: { host: '127.0.0.1', port }, management: { host: '127.0.0.1', port: 0 } }, maxBodyBytes: 1024 * 1024,
        store, offers: book,
        authenticator: new DcpCallerAuthenticator({
          keys, replayGuard: new InMemoryReplayGuard(), presentations: credentialServicePresentations({ dids: registry, sts: wallet.stsClient(outbound, 10_000), outbound, timeoutMs: 10_000 }),
          access: { trustStore, statusLists, verifierDid: did },
        }),
        credentials: new StsCallerCredentials({ sts: wallet.stsClient(outbound, 10_000) }),
        managementTokenFile: tokenFile, outbound: { ...outbound, timeoutMs: 15_000 },
        delivery: { maxAttempts: 12, baseDelayMs: 100, maxDelayMs: 2_000, pollIntervalMs: 100 },
        dataPlane: { accessTokenTtlSeconds: 300, refreshTokenTtlSeconds: 3_600, maxDataBytes: 2 * options.bulkBytes, idleTimeoutMs: 30_000 },
        log: silentLogger,
      });
      started.push(() => connector.stop());
      const managementUrl = connector.urls.management;
      return {
        did, connector, store, wallet, publicUrl,
        async manage(method, path, body) {
          const response = await fetch(`${managementUrl}${path}`, {
            method, headers: { authorization: `Bearer ${managementToken}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
            ...(body !== undefined && { body: JSON.stringify(body) }),
          });
          const text = await response.text();
          let json: Record<string, unknown> = {};
          try {
            json = JSON.parse(text) as Record<string, unknown>;
          } catch {
            // not JSON: the status says enough
          }
          return { status: response.status, json };
        },
      };
    };
    const provider = await participant('maker', 'did:web:maker.example.jp', true);
    const consumer = await participant('recycler', 'did:web:recycler.example.jp', false);
    return { dir, provider, consumer, managementToken, bulk: { path: bulkPath, bytes: options.bulkBytes, sha256: bulkSha }, close };
  } catch (error) {
    await close();
    throw error;
  }
}
