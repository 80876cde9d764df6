import type { RequestListener } from 'node:http';
import type { Logger } from '@musubi/core/logging';
import { loadConfigFile, parseConfig } from '@musubi/trust-services/config';
import { IssuerServiceConfig, createIssuerService } from '@musubi/trust-services/issuer';
import { WalletServiceConfig, createWalletService } from '@musubi/trust-services/wallet';

// The workloads the runner can run in place of a pod: the trust services' `issuer` and `wallet`
// commands (the first container argument the operator renders). Each is started in this process
// through the service's own factory, after reading the config file with the same loader and schema
// as trust-services' main.ts, so a config the pod would refuse is refused here with the same message.
// In-process rather than `node trust-services/dist/main.js`: the runner keeps each workload's loopback
// port for the life of the Deployment and swaps the service behind it on a rollout (as a Service
// keeps its address while pods come and go), and tests run the current sources without a build.

export interface RunningService {
  readonly did: string;
  readonly app: RequestListener;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface TrustImage {
  /** Reads and validates the pod's config file exactly as the service's main does. */
  load(file: string): Record<string, unknown>;
  /** Validates the local profile of that config and creates the service (not yet started). */
  create(config: Record<string, unknown>, source: string, logger: Logger): Promise<RunningService>;
}

export const TRUST_IMAGES: Readonly<Record<string, TrustImage>> = {
  issuer: {
    load: (file) => loadConfigFile(IssuerServiceConfig, file) as Record<string, unknown>,
    create: (config, source, logger) => createIssuerService(parseConfig(IssuerServiceConfig, config, source), { logger }),
  },
  wallet: {
    load: (file) => loadConfigFile(WalletServiceConfig, file) as Record<string, unknown>,
    create: (config, source, logger) => createWalletService(parseConfig(WalletServiceConfig, config, source), { logger }),
  },
};
