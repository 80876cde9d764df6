// TEST ONLY: connectors on 127.0.0.1 for protocol tests. Builds the files a pod would have mounted
// (compiled policy, data, management token) in a temp directory, picks free ports, and records every
// DSP message each connector sends or receives so tests can check them against the official schemas.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assembleCompiledPolicy, type CompiledPolicy, type CompiledRule } from '@musubi/core/policy';
import { startConnector, type RunningConnector } from '../connector/connector.js';
import { OfferBook } from '../policy/offer-book.js';
import { SqlConnectorStore } from '../store/sql-store.js';
import { openSqliteDriver } from '../store/sqlite-driver.js';
import type { ConnectorStore } from '../store/store.js';
import { silentLogger, createJsonLogger, type Logger } from '../observability/logger.js';
import type { OfferConfig } from '../config/schema.js';
import type { ProviderNegotiationReactions } from '../negotiation/provider.js';
import type { ProviderTransferReactions } from '../transfer/provider.js';
import { TestIdentityRealm } from '../identity/test-identities.test-support.js';
import type { NotificationSettings } from '../notifications/service.js';
import type { DataPlaneSettings } from '../runtime/context.js';

export interface WireRecord {
  connector: string;
  direction: 'sent' | 'received';
  messageType: string;
  message: unknown;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function compiledPolicy(id: string, permissions: CompiledRule[], prohibitions: CompiledRule[] = []): CompiledPolicy {
  return assembleCompiledPolicy({ id, generation: 1, permissions, prohibitions, obligations: [] });
}

export interface TestOffer {
  assetId: string;
  policy: CompiledPolicy;
  data?: string;
  mediaType?: string;
  source?: OfferConfig['source'];
}

export interface TestConnectorSpec {
  name: string;
  did: string;
  offers?: TestOffer[];
  dbPath?: string;
  port?: number;
  /** Port counter-parties use (publicUrl), when it differs from the listening port (a TcpGate in between). */
  publicPort?: number;
  reactions?: { negotiation?: ProviderNegotiationReactions; transfer?: ProviderTransferReactions };
  store?: ConnectorStore;
  outbound?: { allowHttp: boolean; allowPrivateNetwork: boolean };
  maxBodyBytes?: number;
  clock?: () => Date;
  dataPlane?: Partial<DataPlaneSettings>;
  notifications?: NotificationSettings;
}

/** A management API answer; `json` is {} when the body is not JSON. */
export interface ManagementAnswer {
  status: number;
  json: Record<string, unknown> & { [key: string]: unknown };
  text: string;
}

export interface TestConnector {
  name: string;
  did: string;
  running: RunningConnector;
  store: ConnectorStore;
  publicUrl: string;
  managementUrl: string;
  port: number;
  dbPath: string;
  spec: TestConnectorSpec;
  /** Calls the management API with this connector's token. */
  manage(method: string, path: string, body?: unknown): Promise<ManagementAnswer>;
}

export class TestDataspace {
  readonly dir = mkdtempSync(join(tmpdir(), 'musubi-connector-'));
  readonly realm = new TestIdentityRealm();
  readonly wire: WireRecord[] = [];
  readonly connectors: TestConnector[] = [];
  readonly tokenFile = join(this.dir, 'management-token');
  readonly managementToken = 'test-management-token-0123456789';
  readonly log: Logger;

  constructor(options: { verbose?: boolean } = {}) {
    writeFileSync(this.tokenFile, this.managementToken + '\n');
    this.log = options.verbose ? createJsonLogger({ level: 'debug' }) : silentLogger;
  }

  async start(spec: TestConnectorSpec): Promise<TestConnector> {
    const port = spec.port ?? (await freePort());
    const dbPath = spec.dbPath ?? join(this.dir, `${spec.name}.db`);
    const offers = (spec.offers ?? []).map((offer): OfferConfig & { policy: CompiledPolicy } => {
      const dataFile = join(this.dir, `${spec.name}-${offer.assetId}.data`);
      writeFileSync(dataFile, offer.data ?? '{}');
      const policyFile = join(this.dir, `${spec.name}-${offer.assetId}.policy.json`);
      writeFileSync(policyFile, JSON.stringify(offer.policy));
      return {
        assetId: offer.assetId, policyFile, policy: offer.policy,
        dataset: { title: `Dataset ${offer.assetId}`, mediaType: offer.mediaType ?? 'application/json', keywords: ['test'] },
        source: offer.source ?? { file: { path: dataFile } },
      };
    });
    const book = OfferBook.load(spec.did, offers);
    const store = spec.store ?? (await SqlConnectorStore.open(openSqliteDriver({ path: dbPath })));
    const publicUrl = `http://127.0.0.1:${spec.publicPort ?? port}/api/dsp`;
    const running = await startConnector({
      participantDid: spec.did,
      publicUrl,
      listen: { dsp: { host: '127.0.0.1', port }, management: { host: '127.0.0.1', port: 0 } },
      maxBodyBytes: spec.maxBodyBytes ?? 256 * 1024,
      store,
      offers: book,
      authenticator: this.realm.authenticator(),
      credentials: this.realm.credentialsFor(spec.did),
      managementTokenFile: this.tokenFile,
      outbound: { allowHttp: true, allowPrivateNetwork: true, ...spec.outbound, timeoutMs: 5_000 },
      delivery: { maxAttempts: 6, baseDelayMs: 50, maxDelayMs: 400, pollIntervalMs: 100 },
      dataPlane: { accessTokenTtlSeconds: 60, refreshTokenTtlSeconds: 600, maxDataBytes: 1024 * 1024, idleTimeoutMs: 10_000, ...spec.dataPlane },
      ...(spec.notifications && { notifications: spec.notifications }),
      log: this.log.child({ connector: spec.name }),
      observeWire: (event) => this.wire.push({ connector: spec.name, ...event }),
      ...(spec.reactions && { reactions: spec.reactions }),
      ...(spec.clock && { clock: spec.clock }),
    });
    const token = this.managementToken;
    const connector: TestConnector = {
      name: spec.name, did: spec.did, running, store, publicUrl, managementUrl: running.urls.management, port, dbPath, spec,
      async manage(method, path, body) {
        const response = await fetch(`${running.urls.management}${path}`, {
          method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
          ...(body !== undefined && { body: JSON.stringify(body) }),
        });
        const text = await response.text();
        let json: ManagementAnswer['json'];
        try {
          json = JSON.parse(text) as ManagementAnswer['json'];
        } catch {
          json = {};
        }
        return { status: response.status, json, text };
      },
    };
    this.connectors.push(connector);
    return connector;
  }

  /** Stops a connector and closes its store, as a crash or a pod deletion would end it. */
  async stop(connector: TestConnector): Promise<void> {
    await connector.running.stop();
    await connector.store.close();
    this.connectors.splice(this.connectors.indexOf(connector), 1);
  }

  /** Starts a stopped connector again on the same port and database. */
  async restart(connector: TestConnector): Promise<TestConnector> {
    return this.start({ ...connector.spec, port: connector.port, dbPath: connector.dbPath });
  }

  async close(): Promise<void> {
    for (const connector of [...this.connectors]) await this.stop(connector);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Polls `probe` until `done` holds, failing with the last value seen after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (done(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${JSON.stringify(last)?.slice(0, 2000)}`);
}

/** A TCP forwarder that can be cut and restored: makes a connector unreachable while it keeps running. */
export class TcpGate {
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();

  private constructor(readonly port: number, private target: number) {}

  /** Sends new connections to another port (a Service moving to another replica). */
  retarget(port: number): void {
    this.target = port;
  }

  static async open(target: number): Promise<TcpGate> {
    const gate = new TcpGate(await freePort(), target);
    await gate.restore();
    return gate;
  }

  async restore(): Promise<void> {
    if (this.#server) return;
    const server = createServer((inbound) => {
      const outbound = connect(this.target, '127.0.0.1');
      for (const socket of [inbound, outbound]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      inbound.pipe(outbound).pipe(inbound);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.#server = server;
  }

  async cut(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
