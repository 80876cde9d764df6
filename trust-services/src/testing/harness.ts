// Issuers and wallets on 127.0.0.1 random ports for tests and the conformance runner: real services, real
// HTTP, keys and tokens written to a temporary directory as the operator's Secrets would mount them.
// DIDs are did:web of the loopback URL, resolved over plain HTTP (the local-run network profile).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { didWebFromUrl, generateKeyPair, type Clock, type KeyAlgorithmInput, type KeyPair, type PinnedJwk } from '@musubi/core/trust';
import type { IdentifierSchemeId } from '@musubi/core/identifiers';
import type { CredentialFormat, CredentialType } from '@musubi/core/vocabulary';
import { silentLogger, type Logger } from '@musubi/core/logging';
import { listen, type RunningServer } from '../http/server.js';
import { IssuerServiceConfig, type IssuerServiceConfigInput, type RecognisedAnchorConfig } from '../issuer/config.js';
import { createIssuerService, type IssuerService } from '../issuer/service.js';
import { WalletServiceConfig, type WalletServiceConfigInput } from '../wallet/config.js';
import { createWalletService, type WalletService } from '../wallet/service.js';

export interface Slot {
  server: RunningServer;
  url: string;
  did: string;
  key: KeyPair;
  dir: string;
}

/** A listening socket, its DID and a fresh key, before any service is attached. */
export async function openSlot(algorithm: KeyAlgorithmInput = 'Ed25519'): Promise<Slot> {
  // Until a service is attached, the port answers 503 (as a starting pod would), never hangs.
  const server = await listen((_req, res) => {
    res.statusCode = 503;
    res.end();
  }, { host: '127.0.0.1', port: 0 });
  const did = didWebFromUrl(server.url);
  const key = (await generateKeyPair({ algorithm })).forDid(did, 'key-1');
  const dir = mkdtempSync(join(tmpdir(), 'musubi-trust-'));
  return { server, url: server.url, did, key, dir };
}

export function pinnedOf(key: KeyPair): PinnedJwk {
  return { ...key.publicJwk, kid: key.kid };
}

export function writeSecret(dir: string, name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content, { mode: 0o600 });
  return path;
}

export interface RegistryEntry {
  scheme: IdentifierSchemeId;
  value: string;
  legalName: string;
  country: string;
}

export interface IssuerOptions {
  jurisdiction: string;
  framework?: 'Japan' | 'EU' | 'GaiaX' | 'Custom';
  schemes: IdentifierSchemeId[];
  registry: RegistryEntry[];
  credentials?: { type: CredentialType; validitySeconds?: number; format?: CredentialFormat }[];
  recognised?: RecognisedAnchorConfig[];
  enrolment?: IssuerServiceConfigInput['enrolment'];
  clock?: Clock;
  logger?: Logger;
  refreshIntervalSeconds?: number;
  maxBodyBytes?: number;
  dataspace?: string;
}

export interface RunningIssuer extends Slot {
  service: IssuerService;
  adminToken: string;
  config: IssuerServiceConfig;
  stop(options?: { keepState?: boolean }): Promise<void>;
}

export function issuerConfigFor(slot: Slot, options: IssuerOptions, files: { keyFile: string; tokenFile: string; registryFile: string; storageDir: string }): IssuerServiceConfigInput {
  return {
    anchor: {
      name: `anchor-${options.jurisdiction.toLowerCase()}`,
      namespace: 'musubi-test',
      did: slot.did,
      publicURL: slot.url,
      framework: options.framework ?? 'Custom',
      jurisdiction: options.jurisdiction,
      displayName: `${options.jurisdiction} test anchor`,
      identifierSchemes: options.schemes,
      dataspace: options.dataspace ?? 'circular-batteries',
    },
    signingKeyFile: files.keyFile,
    apiTokenFile: files.tokenFile,
    dataSource: { name: `${options.jurisdiction} test registry`, file: { path: files.registryFile } },
    credentials: (options.credentials ?? [{ type: 'LegalPersonCredential' }, { type: 'DataspaceMembershipCredential' }]).map((c) => ({
      type: c.type, validitySeconds: c.validitySeconds ?? 365 * 86_400, format: c.format ?? 'vc+jwt',
    })),
    recognised: options.recognised ?? [],
    trustList: { validitySeconds: 86_400, refreshIntervalSeconds: options.refreshIntervalSeconds ?? 3600 },
    listen: { host: '127.0.0.1', port: slot.server.port },
    storageDir: files.storageDir,
    ...(options.enrolment ? { enrolment: options.enrolment } : {}),
    network: { allowHttpLoopback: true, timeoutSeconds: 5 },
    statusList: { validitySeconds: 86_400, cacheSeconds: 0 },
    ...(options.maxBodyBytes ? { limits: { maxBodyBytes: options.maxBodyBytes } } : {}),
  };
}

/** Start an issuer on a slot (the slot's key becomes its signing key). */
export async function startIssuer(slot: Slot, options: IssuerOptions): Promise<RunningIssuer> {
  const adminToken = randomBytes(24).toString('base64url');
  const files = {
    keyFile: writeSecret(slot.dir, 'signing-key.jwk', JSON.stringify(slot.key.exportPrivateJwk())),
    tokenFile: writeSecret(slot.dir, 'api-token', adminToken),
    registryFile: writeSecret(slot.dir, 'registry.json', JSON.stringify(options.registry)),
    storageDir: join(slot.dir, 'state'),
  };
  const config = IssuerServiceConfig.parse(issuerConfigFor(slot, options, files));
  const service = await createIssuerService(config, { logger: options.logger ?? silentLogger, ...(options.clock ? { clock: options.clock } : {}) });
  slot.server.server.removeAllListeners('request');
  slot.server.server.on('request', service.app);
  await service.start();
  return {
    ...slot,
    service,
    adminToken,
    config,
    async stop(stopOptions = {}) {
      await service.stop();
      slot.server.server.removeAllListeners('request');
      if (!stopOptions.keepState) {
        await slot.server.close();
        rmSync(slot.dir, { recursive: true, force: true });
      }
    },
  };
}

/** A recognition entry for `anchor`, as the operator would render it. */
export function recognitionOf(anchor: Slot, jurisdiction: string, options: { maxStalenessSeconds?: number; name?: string; attributeMapping?: RecognisedAnchorConfig['attributeMapping'] } = {}): RecognisedAnchorConfig {
  return {
    name: options.name ?? `anchor-${jurisdiction.toLowerCase()}`,
    did: anchor.did,
    jurisdiction,
    keys: [pinnedOf(anchor.key)],
    trustListURL: `${anchor.url}/trust-list`,
    attributeMapping: options.attributeMapping ?? [],
    maxStalenessSeconds: options.maxStalenessSeconds ?? 86_400,
    inCluster: true,
  };
}

export interface WalletOptions {
  anchor: RunningIssuer;
  legalName: string;
  country: string;
  identifiers?: { scheme: IdentifierSchemeId; value: string }[];
  requested?: CredentialType[] | false;
  members?: { id: string; roles: string[]; displayName?: string }[];
  relationships?: WalletServiceConfigInput['relationships'];
  trustedIssuers?: string[];
  clock?: Clock;
  logger?: Logger;
}

export interface RunningWallet extends Slot {
  service: WalletService;
  stsClientId: string;
  stsSecret: string;
  apiToken: string;
  config: WalletServiceConfig;
  /** DID of member `id`. */
  memberDid(id: string): string;
  stop(): Promise<void>;
}

export async function startWallet(slot: Slot, options: WalletOptions): Promise<RunningWallet> {
  const stsSecret = randomBytes(24).toString('base64url');
  const apiToken = randomBytes(24).toString('base64url');
  const credentialsDir = join(slot.dir, 'provisioned');
  const memberDid = (id: string) => `${slot.did}:members:${id}`;
  const input: WalletServiceConfigInput = {
    participant: {
      name: options.legalName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 50),
      namespace: 'musubi-test',
      did: slot.did,
      legalName: options.legalName,
      country: options.country,
      publicURL: slot.url,
      ...(options.identifiers ? { identifiers: options.identifiers } : {}),
    },
    keyFile: writeSecret(slot.dir, 'participant-key.jwk', JSON.stringify(slot.key.exportPrivateJwk())),
    credentialsDir,
    members: (options.members ?? []).map((m) => ({ ...m, did: memberDid(m.id) })),
    trustAnchor: {
      name: options.anchor.config.anchor.displayName,
      did: options.anchor.did,
      jurisdiction: options.anchor.config.anchor.jurisdiction,
      keys: [pinnedOf(options.anchor.key)],
      trustListURL: `${options.anchor.url}/trust-list`,
      issuerURL: options.anchor.url,
    },
    listen: { host: '127.0.0.1', port: slot.server.port },
    storageDir: join(slot.dir, 'state'),
    ...(options.requested !== false ? { issuance: { requestedCredentials: options.requested ?? ['LegalPersonCredential', 'DataspaceMembershipCredential'], checkIntervalSeconds: 3600 } } : {}),
    relationships: options.relationships ?? [],
    sts: { clients: [{ clientId: 'connector', clientSecretFile: writeSecret(slot.dir, 'sts-secret', stsSecret) }] },
    apiTokenFile: writeSecret(slot.dir, 'wallet-api-token', apiToken),
    trustedIssuers: options.trustedIssuers ?? [],
    network: { allowHttpLoopback: true, timeoutSeconds: 5 },
    statusList: { validitySeconds: 86_400, cacheSeconds: 0 },
  };
  const config = WalletServiceConfig.parse(input);
  const service = await createWalletService(config, { logger: options.logger ?? silentLogger, ...(options.clock ? { clock: options.clock } : {}) });
  slot.server.server.removeAllListeners('request');
  slot.server.server.on('request', service.app);
  await service.start();
  return {
    ...slot, service, stsClientId: 'connector', stsSecret, apiToken, config, memberDid,
    async stop() {
      await service.stop();
      await slot.server.close();
      rmSync(slot.dir, { recursive: true, force: true });
    },
  };
}

/** Poll `probe` until it returns a value, or fail after `timeoutMs` with what was last seen. */
export async function eventually<T>(probe: () => Promise<T | undefined>, options: { timeoutMs?: number; intervalMs?: number; what: string }): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
      last = 'no value yet';
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
  }
  throw new Error(`timed out after ${options.timeoutMs ?? 10_000} ms waiting for ${options.what}; last seen: ${last instanceof Error ? last.message : String(last)}`);
}

/** A clock tests move by hand. */
export class ManualClock {
  now: Date;
  constructor(start = new Date()) {
    this.now = new Date(start);
  }
  readonly clock: Clock = () => new Date(this.now);
  advance(ms: number): void {
    this.now = new Date(this.now.getTime() + ms);
  }
}

/** JSON over HTTP to a test service; answers status and parsed body. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON answers field by field
export async function http(method: 'GET' | 'POST', url: string, options: { json?: unknown; body?: string; token?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; body: any; text: string; headers: Headers }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['content-type'] = 'application/json';
  }
  if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
  const response = await fetch(url, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, body: parsed, text, headers: response.headers };
}
