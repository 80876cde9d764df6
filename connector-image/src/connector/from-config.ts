// From the configuration file to a running connector: open the store, load the offers and their
// compiled policies, set up the DCP identity from the mounted trust list and wallet client, start.
import { readFileSync } from 'node:fs';
import type { ConnectorConfig } from '../config/schema.js';
import { dcpIdentityFromConfig } from '../identity/from-config.js';
import { createJsonLogger, type Logger } from '../observability/logger.js';
import { loadSigningKey } from '../notifications/signing-key.js';
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
  const identity = await dcpIdentityFromConfig(config, log);
  const { authenticator, credentials, keys } = identity;
  const outbound = { allowHttp: config.outbound.allowHttp, allowPrivateNetwork: config.outbound.allowPrivateNetwork };
  const signingKey = config.notifications.signingKeyFile ? await loadSigningKey(config.notifications.signingKeyFile, config.participant.did) : undefined;
  const store = await openConfiguredStore(config).catch((error: unknown) => {
    identity.stop();
    throw error;
  });
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
      notifications: {
        keys, pollIntervalMs: config.notifications.pollIntervalSeconds * 1000, maxSubscriptionsPerAgreement: config.notifications.maxSubscriptionsPerAgreement,
        ...(signingKey && { signingKey }),
      },
      log,
      defaultMetrics: true,
      notReadyReason: identity.notReadyReason,
    });
    const stop = connector.stop;
    connector.stop = async () => {
      identity.stop();
      await stop();
    };
    return { connector, store };
  } catch (error) {
    identity.stop();
    await store.close();
    throw error;
  }
}
