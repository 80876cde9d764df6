// The issuer service: the express app over the issuer core, and its lifecycle (recognition refresh loop,
// pending DCP requests resumed on start and drained on stop).
import type { Express } from 'express';
import { createServiceApp, finishServiceApp } from '../http/app.js';
import type { IssuerServiceConfig } from './config.js';
import { createIssuerCore, type IssuerCore, type IssuerDependencies } from './core.js';
import { dcpRoutes, dcpWorkflow } from './routes-dcp.js';
import { publicRoutes } from './routes-public.js';
import { vcApiRoutes } from './routes-vc-api.js';

export interface IssuerService {
  readonly did: string;
  readonly app: Express;
  readonly core: IssuerCore;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function createIssuerService(config: IssuerServiceConfig, deps: IssuerDependencies): Promise<IssuerService> {
  const core = await createIssuerCore(config, deps);
  let started = false;
  const app = createServiceApp({
    logger: core.logger,
    metrics: core.metrics,
    maxBodyBytes: config.limits.maxBodyBytes,
    notReady: () => (started ? undefined : 'starting'),
  });
  const basePath = new URL(core.baseUrl).pathname.replace(/\/+$/, '');
  for (const router of [publicRoutes(core), vcApiRoutes(core), dcpRoutes(core)]) app.use(basePath || '/', router);
  finishServiceApp(app, core.logger);
  return {
    did: core.did,
    app,
    core,
    async start() {
      await core.recognition.start(config.trustList.refreshIntervalSeconds * 1000);
      core.requests.start(dcpWorkflow(core));
      started = true;
      core.logger.info('issuer started', {
        jurisdiction: config.anchor.jurisdiction, kid: core.key.kid, credentials: config.credentials.map((c) => `${c.type}/${c.format}`),
        recognises: config.recognised.map((r) => r.did), dataSource: core.registry.name, openEnrolment: !config.enrolment,
      });
    },
    async stop() {
      started = false;
      core.recognition.stop();
      await core.requests.stop();
    },
  };
}
