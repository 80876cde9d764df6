// Starting the connector in the tck-conformance profile: the same connector, store and protocol
// services as the dataspace profile, with the TCK's datasets and agreements seeded, scripted steps in
// place of the policy engine (provider) and of automatic acceptance (consumer), the TCK's static caller
// header accepted, and the TCK's trigger endpoints listening. Selected only by `profile: tck-conformance`.
import type { ConnectorConfig } from '../config/schema.js';
import { openConfiguredStore } from '../connector/from-config.js';
import { startConnector, type RunningConnector } from '../connector/connector.js';
import { listen } from '../connector/servers.js';
import type { Logger } from '../observability/logger.js';
import type { ConnectorStore } from '../store/store.js';
import { TckStaticAuthenticator, TckStaticCredentials } from './auth.js';
import { tckConsumerReactions, tckNegotiationReactions, tckTransferReactions, type ScriptedServices } from './script.js';
import { ScriptRunner } from './script-runner.js';
import { seedProviderAgreements, tckOfferBook } from './seed.js';
import { createTckTriggerApp } from './triggers.js';

export interface RunningTckProfile {
  connector: RunningConnector;
  store: ConnectorStore;
  triggersUrl: string;
  stop(): Promise<void>;
}

export async function startTckProfile(config: ConnectorConfig, log: Logger): Promise<RunningTckProfile> {
  const tck = config.tck;
  if (config.profile !== 'tck-conformance' || !tck) throw new Error('startTckProfile needs profile: tck-conformance and its tck section');
  log.warn('starting in the tck-conformance profile: scripted protocol steps and a static caller header; never use it in a dataspace');
  const offers = tckOfferBook(config.participant.did, tck.dataFile);
  const store = await openConfiguredStore(config);
  const runner = new ScriptRunner({ store, log }, { ...tck.pacing, pollIntervalMs: config.delivery.pollIntervalMs });
  let connector: RunningConnector | undefined;
  // The reactions exist before the connector; the steps they schedule run only after it has started.
  const services: ScriptedServices = () => {
    if (!connector) throw new Error('a TCK script step ran before the connector started');
    return connector;
  };
  try {
    connector = await startConnector({
      participantDid: config.participant.did,
      publicUrl: config.dsp.publicUrl,
      listen: { dsp: config.dsp.listen, management: config.management.listen, metrics: config.metrics.listen },
      maxBodyBytes: config.dsp.maxBodyBytes,
      store,
      offers,
      authenticator: new TckStaticAuthenticator(tck.authorization, tck.participantId),
      credentials: new TckStaticCredentials(tck.authorization),
      managementTokenFile: config.management.tokenFile,
      outbound: { allowHttp: config.outbound.allowHttp, allowPrivateNetwork: config.outbound.allowPrivateNetwork, timeoutMs: config.outbound.timeoutMs },
      delivery: config.delivery,
      dataPlane: config.dataPlane,
      log,
      reactions: {
        negotiation: tckNegotiationReactions(runner, services),
        consumerNegotiation: tckConsumerReactions,
        transfer: tckTransferReactions(runner, services),
      },
    });
    await seedProviderAgreements(connector.ctx, tck.participantId);
    const triggers = await listen(createTckTriggerApp(connector.ctx, { ...connector, runner, services }), tck.triggers.host, tck.triggers.port);
    log.info('TCK triggers listening', { url: triggers.url });
    const running = connector;
    return {
      connector: running,
      store,
      triggersUrl: triggers.url,
      async stop() {
        await triggers.close();
        await runner.stop();
        await running.stop();
      },
    };
  } catch (error) {
    await runner.stop();
    await connector?.stop();
    await store.close();
    throw error;
  }
}
