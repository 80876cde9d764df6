// From the configuration file to a running connector: open the store, load the offers and their
// compiled policies, set up the DCP identity from the mounted trust list and wallet token, start.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import {
  InMemoryReplayGuard, createDidWebResolver, createKeyResolver, createTrustedStatusListResolver, trustStoreFromTrustList, verifyTrustList, type PinnedJwk,
} from '@musubi/core/trust';
import type { ConnectorConfig } from '../config/schema.js';
import { DcpCallerAuthenticator, StsCallerCredentials, credentialServicePresentations } from '../identity/dcp.js';
import { createJsonLogger, type Logger } from '../observability/logger.js';
import { OfferBook } from '../policy/offer-book.js';
import { openStore } from '../store/open.js';
import type { ConnectorStore } from '../store/store.js';
import { startConnector, type RunningConnector } from './connector.js';

function readSecret(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (cause) {
    throw new Error(`${what}: cannot read ${path} (${(cause as Error).message}); mount the Secret there`, { cause });
  }
}

export async function openConfiguredStore(config: ConnectorConfig): Promise<ConnectorStore> {
  const { sqlite, postgres } = config.store;
  if (postgres) {
    const { passwordFile, ...rest } = postgres;
    return openStore({ postgres: { ...rest, ...(passwordFile && { password: readSecret(passwordFile, 'store.postgres.passwordFile') }) } });
  }
  return openStore({ sqlite: { path: (sqlite as { path: string }).path } });
}

export async function startFromConfig(config: ConnectorConfig, log: Logger = createJsonLogger({}, { participant: config.participant.did })): Promise<{ connector: RunningConnector; store: ConnectorStore }> {
  const offers = OfferBook.load(config.participant.did, config.offers);
  if (!config.identity) throw new Error('identity.dcp is missing: a dataspace connector needs its DCP identity');
  const dcp = config.identity.dcp;
  const pinnedKeys = JSON.parse(readSecret(dcp.trustList.anchor.keysFile, 'identity.dcp.trustList.anchor.keysFile')) as PinnedJwk[];
  const trustList = await verifyTrustList(readSecret(dcp.trustList.file, 'identity.dcp.trustList.file'), { did: dcp.trustList.anchor.did, jurisdiction: dcp.trustList.anchor.jurisdiction, keys: pinnedKeys });
  const trustStore = await trustStoreFromTrustList(trustList);
  const dids = createDidWebResolver({ allowHttpLoopback: dcp.allowHttpLoopback });
  const keys = createKeyResolver(dids);
  const outbound = { allowHttp: config.outbound.allowHttp, allowPrivateNetwork: config.outbound.allowPrivateNetwork };
  const authenticator = new DcpCallerAuthenticator({
    keys,
    // One replica's memory: with several replicas a replayed token could be accepted once per replica.
    replayGuard: new InMemoryReplayGuard(),
    presentations: credentialServicePresentations({ dids, outbound, timeoutMs: dcp.presentationTimeoutMs }),
    access: { trustStore, statusLists: createTrustedStatusListResolver({ trustStore, keys, allowHttpLoopback: dcp.allowHttpLoopback }), verifierDid: config.participant.did },
  });
  const credentials = new StsCallerCredentials({
    stsUrl: dcp.stsUrl, outbound, timeoutMs: config.outbound.timeoutMs,
    walletToken: async () => (await readFile(dcp.walletTokenFile, 'utf8')).trim(),
  });
  const store = await openConfiguredStore(config);
  try {
    const connector = await startConnector({
      participantDid: config.participant.did,
      publicUrl: config.dsp.publicUrl,
      listen: { dsp: config.dsp.listen, management: config.management.listen, metrics: config.metrics.listen },
      maxBodyBytes: config.dsp.maxBodyBytes,
      store,
      offers,
      authenticator,
      credentials,
      managementTokenFile: config.management.tokenFile,
      outbound: { ...outbound, timeoutMs: config.outbound.timeoutMs },
      delivery: config.delivery,
      dataPlane: config.dataPlane,
      log,
      defaultMetrics: true,
    });
    return { connector, store };
  } catch (error) {
    await store.close();
    throw error;
  }
}
