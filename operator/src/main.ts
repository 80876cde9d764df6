import { KubeConfig } from '@kubernetes/client-node';
import { loadOperatorConfig, type OperatorConfig } from './config/index.js';
import { setupConnectorController } from './controllers/connector/controller.js';
import { orv3Placement } from './controllers/connector/placement.js';
import { setupParticipantController } from './controllers/participant/controller.js';
import { setupPlacementController } from './controllers/placement/controller.js';
import { setupPolicyController } from './controllers/policy/policy.controller.js';
import type { ReconcilerContext } from './controllers/shared/context.js';
import { HttpIssuerClient, type IssuerClient } from './controllers/shared/issuer-client.js';
import { setupTrustAnchorController } from './controllers/trustanchor/controller.js';
import { Manager, RestKubeClient, createJsonLogger, parseListenAddress, parseLogLevel, type KubeClient, type Logger } from './runtime/index.js';

// The operator process: configuration, API client, the manager with leader election, the four
// controllers. `musubi operator` calls runOperator; tests build the manager with buildOperator.

export interface OperatorOptions {
  config: OperatorConfig;
  client: KubeClient;
  logger: Logger;
  /** Serve /metrics and /healthz, /readyz (default: the configured addresses). */
  serveEndpoints?: boolean;
  /** Campaign for the lease (default: config.leaderElection.enabled). */
  leaderElection?: boolean;
  /** Identity in the lease; default host name and a random suffix. */
  identity?: string;
  /** How the operator talks to issuers; default HTTP with the configured timeout. */
  issuer?: IssuerClient;
}

/** The manager with the four controllers registered, not yet started. */
export function buildOperator(options: OperatorOptions): Manager {
  const { config, client, logger } = options;
  const serve = options.serveEndpoints ?? true;
  const elect = options.leaderElection ?? config.leaderElection.enabled;
  const manager = new Manager({
    client,
    logger,
    ...(serve ? { metricsAddress: parseListenAddress(config.metricsAddress, 'metricsAddress'), healthAddress: parseListenAddress(config.healthAddress, 'healthAddress') } : {}),
    ...(elect ? { leaderElection: { namespace: config.namespace, name: config.leaderElection.leaseName, ...(options.identity ? { identity: options.identity } : {}) } } : {}),
  });
  const context: ReconcilerContext = { client, config, events: manager.eventRecorder('musubi.dev/operator'), now: () => new Date() };
  const issuer = options.issuer ?? new HttpIssuerClient({ timeoutMs: config.issuerTimeoutSeconds * 1000 });
  const workers = { workers: config.workers };
  setupTrustAnchorController(manager, { ...context, issuer }, workers);
  setupParticipantController(manager, { ...context, issuer }, workers);
  setupPolicyController(manager, context, workers);
  setupConnectorController(manager, context, { ...workers, issuer, placement: orv3Placement(config.placement, config.defaults.requireORv3) });
  if (config.placementController.enabled) {
    setupPlacementController(manager, { client, placement: config.placement, namespace: config.namespace, events: context.events });
  }
  return manager;
}

/**
 * Runs the operator until SIGTERM or SIGINT: configuration from MUSUBI_OPERATOR_CONFIG (defaults when
 * unset), the cluster from KUBECONFIG or the in-cluster service account, log level from
 * MUSUBI_LOG_LEVEL. Resolves to the process exit code.
 */
export async function runOperator(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const logger = createJsonLogger({ level: parseLogLevel(env.MUSUBI_LOG_LEVEL) });
  let manager: Manager;
  try {
    const config = loadOperatorConfig(env);
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromDefault();
    manager = buildOperator({ config, client: RestKubeClient.fromKubeConfig(kubeConfig), logger });
  } catch (err) {
    logger.error('cannot start the operator', { err: (err as Error).message });
    return 2;
  }
  const stopped = manager.stopOnSignals();
  try {
    await manager.start();
  } catch (err) {
    logger.error('the operator failed to start', { err: (err as Error).message });
    await manager.stop();
    return 1;
  }
  const signal = await stopped;
  logger.info('operator stopped', { signal });
  return 0;
}
