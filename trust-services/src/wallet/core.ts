// Everything a wallet's routes and background work use, assembled once from the configuration.
import { join } from 'node:path';
import {
  TrustStore, createDidWebResolver, createKeyResolver, didWebFromUrl, systemClock,
  type Clock, type DidWebResolver, type KeyResolver, type StatusListResolver,
} from '@musubi/core/trust';
import { ConfigError } from '../config/load.js';
import type { Logger } from '@musubi/core/logging';
import { createServiceMetrics, type ServiceMetrics } from '../http/metrics.js';
import { SecretFile } from '../http/secret-file.js';
import { loadSigningKey } from '../keys/signing-key.js';
import { StatusRegistry } from '../status/status-registry.js';
import { ensureDirectory } from '../storage/atomic-file.js';
import { PersistentReplayGuard } from '../storage/replay-guard.js';
import { createStatusListResolverFor, type VerificationContext } from '../verification/credential.js';
import type { WalletServiceConfig } from './config.js';
import { CredentialStore } from './credential-store.js';
import { StsClients } from './sts-clients.js';
import { baseUrlOfDid, connectorEventKeysOf, holderOf, isHostedBelow, memberKey, type Holder } from './holders.js';

export interface WalletCore {
  config: WalletServiceConfig;
  company: Holder;
  /** Members whose DIDs this wallet serves, by DID. */
  members: Map<string, Holder>;
  clock: Clock;
  logger: Logger;
  metrics: ServiceMetrics;
  store: CredentialStore;
  status: StatusRegistry;
  statusLists: StatusListResolver;
  didResolver: DidWebResolver;
  didKeys: KeyResolver;
  replayGuard: PersistentReplayGuard;
  trustStore: TrustStore;
  verification: VerificationContext;
  /** The STS and its clients; undefined when the configuration has no sts section. */
  stsClients?: StsClients;
  apiToken?: SecretFile;
  storageDir: string;
}

export interface WalletDependencies {
  clock?: Clock;
  logger: Logger;
  defaultMetrics?: boolean;
}

export async function createWalletCore(config: WalletServiceConfig, deps: WalletDependencies): Promise<WalletCore> {
  const clock = deps.clock ?? systemClock;
  const allowHttpLoopback = config.network.allowHttpLoopback;
  const did = config.participant.did;
  const baseUrl = (config.participant.publicURL ?? baseUrlOfDid(did, allowHttpLoopback)).replace(/\/+$/, '');
  if (didWebFromUrl(baseUrl) !== did) throw new ConfigError(`participant.did is ${did}, but did:web of its wallet URL ${baseUrl} is ${didWebFromUrl(baseUrl)}; they must agree`);
  const logger = deps.logger.child({ service: 'wallet', did });
  const key = await loadSigningKey(config.keyFile, did, 'keyFile');
  ensureDirectory(config.storageDir);
  const company = holderOf(did, key, baseUrl, { assertionKeys: await connectorEventKeysOf(did, config.connectorEventKeys) });
  const members = new Map<string, Holder>();
  for (const member of config.members) {
    if (!isHostedBelow(did, member.did)) continue;
    const memberBase = baseUrlOfDid(member.did, allowHttpLoopback);
    members.set(member.did, holderOf(member.did, await memberKey(config.storageDir, member.id, member.did), memberBase, {
      member: { id: member.id, roles: member.roles, ...(member.displayName ? { displayName: member.displayName } : {}) },
    }));
  }
  const { trustListURL: _url, issuerURL: _issuer, name, ...anchor } = config.trustAnchor;
  const trustStore = await TrustStore.create({
    own: [{ did: anchor.did, jurisdiction: anchor.jurisdiction, keys: anchor.keys.map(({ alg: _alg, ...k }) => ({ ...k, kid: k.kid.startsWith('did:') ? k.kid : `${anchor.did}#${k.kid.replace(/^#/, '')}` })), ...(name ? { name } : {}) }],
    clock,
  });
  const didResolver = createDidWebResolver({ allowHttpLoopback, timeoutMs: config.network.timeoutSeconds * 1000, clock });
  const didKeys = createKeyResolver(didResolver);
  const status = StatusRegistry.open({
    issuerDid: did, key, statusBaseUrl: `${baseUrl}/status`, storagePath: join(config.storageDir, 'status-lists.json'), clock,
    publicationValidityMs: config.statusList.validitySeconds * 1000,
  });
  const statusLists = createStatusListResolverFor({ own: status, trustStore: async () => trustStore, didKeys, clock, allowHttpLoopback, cacheTtlMs: config.statusList.cacheSeconds * 1000 });
  return {
    config, company, members, clock, logger, status, statusLists, didResolver, didKeys, trustStore,
    metrics: createServiceMetrics('wallet', { defaultMetrics: deps.defaultMetrics ?? false }),
    store: new CredentialStore(config.storageDir, config.credentialsDir, logger),
    replayGuard: new PersistentReplayGuard(join(config.storageDir, 'replay.json'), { now: () => clock().getTime() }),
    verification: { trustStore: async () => trustStore, didKeys, statusLists, clock },
    ...(config.sts ? { stsClients: new StsClients(config.sts.clients, logger) } : {}),
    ...(config.apiTokenFile ? { apiToken: new SecretFile(config.apiTokenFile, 'apiTokenFile') } : {}),
    storageDir: config.storageDir,
  };
}

/** The holders this wallet answers for. */
export function holdersOf(core: WalletCore): Holder[] {
  return [core.company, ...core.members.values()];
}
