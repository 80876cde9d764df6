// The connector process: read the configuration named by MUSUBI_CONNECTOR_CONFIG, start, and stop
// cleanly on SIGTERM (Kubernetes) or SIGINT (a terminal). The same binary runs in a pod and locally.
import { ConfigError, loadConnectorConfig } from './config/load.js';
import { startFromConfig } from './connector/from-config.js';
import { createJsonLogger } from './observability/logger.js';
import { startTckProfile } from './tck/profile.js';

const log = createJsonLogger();

async function main(): Promise<void> {
  const config = loadConnectorConfig();
  const participantLog = log.child({ participant: config.participant.did });
  // The TCK profile is chosen only by the configuration's explicit `profile: tck-conformance`.
  let connector: { stop(): Promise<void> };
  let store: { close(): Promise<void> };
  if (config.profile === 'tck-conformance') {
    const profile = await startTckProfile(config, participantLog);
    connector = profile;
    store = profile.store;
  } else {
    ({ connector, store } = await startFromConfig(config, participantLog));
  }
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal });
    try {
      await connector.stop();
      await store.close();
      process.exit(0);
    } catch (error) {
      log.error('stopping failed', { error });
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) log.error('invalid configuration', { source: error.source, issues: error.issues });
  else log.error('connector failed to start', { error });
  process.exit(1);
});
