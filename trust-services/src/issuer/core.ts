// Everything an issuer's routes work with, assembled once from the configuration.
import { join } from 'node:path';
import {
  buildDidDocument, createDidWebResolver, createKeyResolver, didWebFromUrl, systemClock,
  type AnchorConfig, type Clock, type DidDocument, type DidWebResolver, type KeyPair, type KeyResolver, type StatusListResolver,
} from '@musubi/core/trust';
import type { IdentifierSchemeId } from '@musubi/core/identifiers';
import { ConfigError } from '../config/load.js';
import type { Logger } from '@musubi/core/logging';
import { createServiceMetrics, type ServiceMetrics } from '../http/metrics.js';
import { SecretFile } from '../http/secret-file.js';
import { loadSigningKey } from '../keys/signing-key.js';
import { StatusRegistry } from '../status/status-registry.js';
import { ensureDirectory } from '../storage/atomic-file.js';
import { PersistentReplayGuard } from '../storage/replay-guard.js';
import { createStatusListResolverFor, type VerificationContext } from '../verification/credential.js';
import type { IssuerServiceConfig } from './config.js';
import { CredentialIndex } from './credential-index.js';
import { CredentialSigner } from './issuance.js';
import { RecognitionManager } from './recognition.js';
import { FileRegistry, HttpRegistry, type TrustedRegistry } from './registry.js';
import { IssuanceRequests } from './requests.js';
import { DurableTransparencyLog } from './transparency.js';
import { TrustListPublisher } from './trust-list.js';
import { createDocumentLoader, type DocumentLoader } from '@musubi/core/trust';

export interface IssuerCore {
  config: IssuerServiceConfig;
  did: string;
  /** publicURL without a trailing slash. */
  baseUrl: string;
  key: KeyPair;
  didDocument: DidDocument;
  clock: Clock;
  logger: Logger;
  metrics: ServiceMetrics;
  adminToken: SecretFile;
  registry: TrustedRegistry;
  didResolver: DidWebResolver;
  didKeys: KeyResolver;
  replayGuard: PersistentReplayGuard;
  transparency: DurableTransparencyLog;
  recognition: RecognitionManager;
  trustList: TrustListPublisher;
  status: StatusRegistry;
  statusLists: StatusListResolver;
  index: CredentialIndex;
  signer: CredentialSigner;
  requests: IssuanceRequests;
  verification: VerificationContext;
  /** Loads bundled contexts only (for signing; verification builds its own with the current trust store). */
  documentLoader: DocumentLoader;
  schemes: IdentifierSchemeId[];
}

export interface IssuerDependencies {
  clock?: Clock;
  logger: Logger;
  /** Also register Node's process metrics (one service per process in production). */
  defaultMetrics?: boolean;
}

function assertConfigConsistent(config: IssuerServiceConfig, key: KeyPair, did: string): void {
  if (config.anchor.did !== did) throw new ConfigError(`anchor.did is ${config.anchor.did}, but did:web of anchor.publicURL is ${did}; they must agree`);
  config.credentials.forEach((credential, i) => {
    if (credential.type === 'EmployeeCredential' || credential.type === 'RelationshipCredential') {
      throw new ConfigError(`credentials[${i}].type: ${credential.type} is issued by a participant's wallet, not by a trust anchor`);
    }
    if (credential.format === 'eddsa-rdfc-2022' && key.alg !== 'EdDSA') {
      throw new ConfigError(`credentials[${i}].format: eddsa-rdfc-2022 needs an Ed25519 key, but signingKeyFile holds a ${key.alg} key; use vc+jwt`);
    }
  });
  config.recognised.forEach((recognised, i) => {
    if (recognised.did === did) throw new ConfigError(`recognised[${i}].did is this anchor's own DID; an anchor does not recognise itself`);
  });
}

export async function createIssuerCore(config: IssuerServiceConfig, deps: IssuerDependencies): Promise<IssuerCore> {
  const clock = deps.clock ?? systemClock;
  const baseUrl = config.anchor.publicURL.replace(/\/+$/, '');
  const did = didWebFromUrl(baseUrl);
  const logger = deps.logger.child({ service: 'issuer', did });
  const key = await loadSigningKey(config.signingKeyFile, did, 'signingKeyFile');
  assertConfigConsistent(config, key, did);
  ensureDirectory(config.storageDir);
  const file = (name: string) => join(config.storageDir, name);
  const allowHttpLoopback = config.network.allowHttpLoopback;
  const timeoutMs = config.network.timeoutSeconds * 1000;

  const registry: TrustedRegistry = config.dataSource.file
    ? new FileRegistry(config.dataSource.name, config.dataSource.file.path)
    : new HttpRegistry({
        name: config.dataSource.name,
        url: config.dataSource.http?.url as string,
        ...(config.dataSource.http?.tokenFile ? { tokenFile: config.dataSource.http.tokenFile } : {}),
        ...(config.dataSource.http?.caBundleFile ? { caFile: config.dataSource.http.caBundleFile } : {}),
        timeoutMs: (config.dataSource.http?.timeoutSeconds ?? 10) * 1000,
        allowHttpLoopback,
      });

  const didDocument = buildDidDocument({
    did,
    keys: [{ key }],
    services: [
      { id: `${did}#issuer-service`, type: 'IssuerService', serviceEndpoint: baseUrl },
      { id: `${did}#trust-list`, type: 'TrustList', serviceEndpoint: `${baseUrl}/trust-list` },
      { id: `${did}#transparency-log`, type: 'TransparencyLog', serviceEndpoint: `${baseUrl}/transparency-log` },
    ],
  });
  const didResolver = createDidWebResolver({ allowHttpLoopback, timeoutMs, clock });
  const didKeys = createKeyResolver(didResolver);
  const transparency = new DurableTransparencyLog({ path: file('transparency-log.jsonl'), did, key, clock, logger });
  const ownAnchor: AnchorConfig = { did, jurisdiction: config.anchor.jurisdiction, keys: [{ ...key.publicJwk, kid: key.kid }], ...(config.anchor.displayName ? { name: config.anchor.displayName } : {}) };
  const recognition = new RecognitionManager({
    recognitions: config.recognised, ownAnchor, storagePath: file('recognition.json'), clock, allowHttpLoopback, timeoutMs, logger, transparency: transparency.log,
  });
  const status = StatusRegistry.open({
    issuerDid: did, key, statusBaseUrl: `${baseUrl}/status`, storagePath: file('status-lists.json'), clock, publicationValidityMs: config.statusList.validitySeconds * 1000,
  });
  const metrics = createServiceMetrics('issuer', { defaultMetrics: deps.defaultMetrics ?? false });
  const index = new CredentialIndex(file('credentials.jsonl'));
  const documentLoader = createDocumentLoader();
  const trustStore = () => recognition.trustStore();
  const statusLists = createStatusListResolverFor({ own: status, trustStore, didKeys, clock, allowHttpLoopback, cacheTtlMs: config.statusList.cacheSeconds * 1000 });
  return {
    config, did, baseUrl, key, didDocument, clock, logger, metrics, registry, didResolver, didKeys, transparency, recognition, status, statusLists, index,
    adminToken: new SecretFile(config.apiTokenFile, 'apiTokenFile'),
    replayGuard: new PersistentReplayGuard(file('replay.json'), { now: () => clock().getTime() }),
    trustList: new TrustListPublisher({ key, jurisdiction: config.anchor.jurisdiction, ...(config.anchor.displayName ? { name: config.anchor.displayName } : {}), validityMs: config.trustList.validitySeconds * 1000, clock, recognition }),
    signer: new CredentialSigner({ did, key, status, index, metrics, clock, documentLoader }),
    requests: new IssuanceRequests(file('requests.json'), clock, logger),
    verification: { trustStore, didKeys, statusLists, clock },
    documentLoader,
    schemes: config.anchor.identifierSchemes,
  };
}
