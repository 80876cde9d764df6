#!/usr/bin/env node
// musubi-trust issuer|wallet [--config <file>]: runs one service. The config file comes from --config
// (as the operator's pod template passes it) or from MUSUBI_ISSUER_CONFIG / MUSUBI_WALLET_CONFIG.
import { ConfigError, configPathFromEnv, loadConfigFile } from './config/load.js';
import { createJsonLogger } from '@musubi/core/logging';
import { listen } from './http/server.js';
import { IssuerServiceConfig } from './issuer/config.js';
import { createIssuerService } from './issuer/service.js';
import { WalletServiceConfig } from './wallet/config.js';
import { createWalletService } from './wallet/service.js';

const USAGE = 'usage: musubi-trust issuer|wallet [--config <file>]\n  config file defaults to $MUSUBI_ISSUER_CONFIG or $MUSUBI_WALLET_CONFIG';

function configPath(args: string[], variable: string): string {
  const flag = args.indexOf('--config');
  if (flag >= 0) {
    const path = args[flag + 1];
    if (!path) throw new ConfigError('--config needs a file path');
    return path;
  }
  return configPathFromEnv(variable);
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command !== 'issuer' && command !== 'wallet') {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const bootLogger = createJsonLogger();
  try {
    const service =
      command === 'issuer'
        ? await (async () => {
            const config = loadConfigFile(IssuerServiceConfig, configPath(args, 'MUSUBI_ISSUER_CONFIG'));
            const logger = createJsonLogger({ level: config.logLevel });
            return { listenOn: config.listen, logger, service: await createIssuerService(config, { logger, defaultMetrics: true }) };
          })()
        : await (async () => {
            const config = loadConfigFile(WalletServiceConfig, configPath(args, 'MUSUBI_WALLET_CONFIG'));
            const logger = createJsonLogger({ level: config.logLevel });
            return { listenOn: config.listen, logger, service: await createWalletService(config, { logger, defaultMetrics: true }) };
          })();
    const server = await listen(service.service.app, service.listenOn);
    await service.service.start();
    service.logger.info(`${command} listening`, { url: server.url, did: service.service.did });
    await new Promise<void>((resolve) => {
      const shutdown = (signal: string) => {
        service.logger.info('shutting down', { signal });
        resolve();
      };
      process.once('SIGTERM', () => shutdown('SIGTERM'));
      process.once('SIGINT', () => shutdown('SIGINT'));
    });
    await service.service.stop();
    await server.close();
    return 0;
  } catch (error) {
    bootLogger.error(`${command} failed to start`, { error: (error as Error).message });
    return error instanceof ConfigError ? 2 : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
