// The connector process: read the configuration named by MUSUBI_CONNECTOR_CONFIG, start, and stop
// cleanly on SIGTERM (Kubernetes) or SIGINT (a terminal). The same binary runs in a pod and locally.
import { ConfigError, loadConnectorConfig } from './config/load.js';
import { startFromConfig } from './connector/from-config.js';
import { createLogger } from './observability/logger.js';

const log = createLogger();

async function main(): Promise<void> {
  const config = loadConnectorConfig();
  const { connector, store } = await startFromConfig(config, log.child({ participant: config.participant.did }));
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
